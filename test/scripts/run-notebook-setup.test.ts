/**
 * What a fresh machine needs before `npm start` and `npm test` run: the Debian packages (test-prerequisites, the
 * same list as .ci/run), the install scripts the project trusts (package.json's allowScripts, so `npm ci` prints no
 * "not yet covered" warning), and danfo.js's dependencies without the known-vulnerable request / tough-cookie /
 * form-data, with danfo's own use of them (readCSV over HTTP) still working.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { installCommand, missingPackages, TEST_APT_PACKAGES } from "../../scripts/test-prerequisites";
import { ROOT } from "../helpers/paths";

interface PackageJson {
  scripts: Record<string, string>;
  overrides: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}
interface Lock {
  packages: Record<string, { version?: string; name?: string; hasInstallScript?: boolean }>;
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as Lock;

test("npm test installs (or names) the Debian packages it needs before any test runs; the list is .ci/run's", () => {
  assert.match(pkg.scripts.test, /^npm run build && node dist\/scripts\/test-prerequisites\.js && node --test /);
  const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
  const m = /^apt_packages=\(([^)]*)\)/m.exec(ci);
  assert.ok(m, ".ci/run has an apt_packages=(…) line");
  assert.deepEqual(m[1].trim().split(/\s+/), [...TEST_APT_PACKAGES]);
  assert.deepEqual(missingPackages(["no-such-package-h-run"]), ["no-such-package-h-run"]);
  assert.equal(installCommand(["chromium", "jupyterhub"]), "sudo apt-get update && sudo apt-get install -y chromium jupyterhub");
});

test("as a user who cannot install, npm test says exactly what to run and does not start the tests", () => {
  const script =
    `const { ensureTestPrerequisites } = require(${JSON.stringify(path.join(ROOT, "dist", "scripts", "test-prerequisites.js"))});` +
    `process.exitCode = ensureTestPrerequisites((l) => console.log(l), ["no-such-package-h-run", "chromium"]);`;
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: "/", ...asUser });
  assert.equal(r.status, 1, r.stderr);
  const missing = missingPackages(["no-such-package-h-run", "chromium"]).join(" ");
  const haveApt = spawnSync("apt-get", ["--version"]).status === 0;
  assert.equal(
    r.stdout,
    `npm test needs these Debian packages, not installed here: ${missing}\n` +
      (haveApt ? `Install them, then run npm test again:\n  sudo apt-get update && sudo apt-get install -y ${missing}\n` : r.stdout.split("\n").slice(1).join("\n")),
  );
});

test("every dependency with an install script is declared in allowScripts (npm ci prints no review warning)", () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([, p]) => p.hasInstallScript)
    .map(([where, p]) => ({ name: p.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length), version: p.version }));
  assert.ok(withScripts.length >= 2, "zeromq and others have install scripts");
  const allow = pkg.allowScripts ?? {};
  for (const { name, version } of withScripts) {
    const decided = name in allow || `${name}@${version}` in allow;
    assert.ok(decided, `${name}@${version} runs an install script but allowScripts does not say whether it may`);
  }
  // Trusted: zeromq builds or picks its native addon (tslab's kernel needs it). Refused: onnxruntime-node would
  // download CUDA binaries the project never uses (.npmrc skips it too, for npm before 11.16), core-js prints an ad.
  assert.equal(allow.zeromq, true);
  assert.equal(allow["onnxruntime-node"], false);
  assert.equal(allow["core-js"], false);
});

test("danfo.js loads without request 2.x, tough-cookie < 4.1.3 or form-data < 2.5.4 / 3.0.4 / 4.0.4", () => {
  const version = (v: string): number[] => v.split(/[.-]/).slice(0, 3).map(Number);
  const atLeast = (v: string, min: string): boolean => {
    const [a, b] = [version(v), version(min)];
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return true;
  };
  const found: Record<string, string[]> = {};
  for (const [where, p] of Object.entries(lock.packages)) {
    const name = p.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length);
    if (where === "" || p.version === undefined) continue;
    (found[name] ??= []).push(p.version);
    if (where.endsWith("node_modules/request")) assert.equal(p.name, "@cypress/request", `${where} is request ${p.version}`);
  }
  assert.equal(found.request, undefined, "the request package itself is replaced by @cypress/request");
  for (const v of found["@cypress/request"] ?? []) assert.ok(atLeast(v, "3.0.0"), `@cypress/request ${v} (CVE-2023-28155 fixed in 3.0.0)`);
  for (const v of found["tough-cookie"] ?? []) assert.ok(atLeast(v, "4.1.3"), `tough-cookie ${v} (CVE-2023-26136)`);
  for (const v of found["form-data"] ?? []) {
    const min = v.startsWith("2.") ? "2.5.4" : v.startsWith("3.") ? "3.0.4" : "4.0.4";
    assert.ok(atLeast(v, min), `form-data ${v} (CVE-2025-7783)`);
  }
  // xlsx has no fixed release on npm (CVE-2023-30533, CVE-2024-22363): overrides put shims/xlsx (a stub) in its place.
  assert.equal(found.xlsx, undefined, "no registry xlsx; node_modules/xlsx links to shims/xlsx");
  assert.deepEqual(lock.packages["node_modules/xlsx"], { resolved: "shims/xlsx", link: true });
});

test("danfo's use of request still works: readCSV over HTTP (127.0.0.1) through @cypress/request", async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === "/digits.csv" ? 200 : 404, { "content-type": "text/csv" });
    res.end(req.url === "/digits.csv" ? "label,px0\n3,0\n7,16\n" : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const dfd = require("danfojs-node") as { readCSV(url: string): Promise<{ shape: number[]; values: unknown[][] }> };
    const df = await dfd.readCSV(`http://127.0.0.1:${port}/digits.csv`);
    assert.deepEqual(df.shape, [2, 2]);
    assert.deepEqual(df.values, [[3, 0], [7, 16]]);
    await assert.rejects(dfd.readCSV(`http://127.0.0.1:${port}/missing.csv`), /HTTP 404/);
  } finally {
    server.close();
  }
});
