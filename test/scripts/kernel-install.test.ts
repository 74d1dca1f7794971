import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  dataDirFor, flagsTakenByNpm, installCommand, jupyterDataDirs, jupyterPython, kernelSpec, parseInstallArgs, registerKernelAt, unreadableByOthers,
  type InstallTarget,
} from "../../scripts/kernel-install";
import { kernelModuleDirs, packageLinkOk } from "../../scripts/kernel-modules";
import { codeNotebook, nbconvertExecute } from "./notebook-runs";
import { ROOT } from "../helpers/paths";

const INSTALL_JS = path.join(ROOT, "dist", "scripts", "install-kernel.js");
const made: string[] = [];
const tmp = (name: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  made.push(dir);
  return dir;
};
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const python = jupyterPython();
const noJupyter = python === undefined ? "no `jupyter` on PATH (Debian: apt-get install jupyter-client)" : false;

test("parseInstallArgs: each target flag, --prefix in both spellings made absolute, nothing = the project", () => {
  assert.deepEqual(parseInstallArgs([]), { target: { kind: "project" }, help: false });
  assert.deepEqual(parseInstallArgs(["--user"]).target, { kind: "user" });
  assert.deepEqual(parseInstallArgs(["--sys-prefix"]).target, { kind: "sys-prefix" });
  assert.deepEqual(parseInstallArgs(["--system"]).target, { kind: "system" });
  assert.deepEqual(parseInstallArgs(["--prefix=/usr/local"]).target, { kind: "prefix", prefix: "/usr/local" });
  assert.deepEqual(parseInstallArgs(["--prefix", "opt/course"], "/srv").target, { kind: "prefix", prefix: "/srv/opt/course" });
  assert.equal(parseInstallArgs(["--help"]).help, true);
});

test("parseInstallArgs: an unknown flag, two targets or a bare --prefix are errors that list the valid flags", () => {
  assert.throws(() => parseInstallArgs(["--global"]), /unknown argument "--global"; valid: --user, --sys-prefix, --prefix=DIR, --system, --help/);
  assert.throws(() => parseInstallArgs(["--user", "--system"]), /choose one of --user, --sys-prefix, --prefix=DIR, --system \(got --user --system\)/);
  assert.throws(() => parseInstallArgs(["--prefix"]), /--prefix needs a folder/);
  assert.throws(() => parseInstallArgs(["--prefix=", "--user"]), /--prefix needs a folder/);
  assert.throws(() => parseInstallArgs(["--prefix", "--user"]), /--prefix needs a folder/);
});

test("npm run kernel rejects an unknown flag (exit 1, the valid flags named) and writes nothing", () => {
  const home = tmp("kernel-home");
  const res = spawnSync(process.execPath, [INSTALL_JS, "--sytem"], { encoding: "utf8", env: { ...process.env, HOME: home, JUPYTER_DATA_DIR: path.join(home, "data") } });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /unknown argument "--sytem"; valid: --user, --sys-prefix, --prefix=DIR, --system/);
  assert.deepEqual(fs.readdirSync(home), []);
});

test("npm run kernel --user (no --): npm keeps the flag, and the install stops saying to put it after --", () => {
  assert.deepEqual(flagsTakenByNpm({ npm_config_user: "true", npm_config_prefix: "/usr" }), ["--user"]);
  assert.deepEqual(flagsTakenByNpm({ npm_config_sys_prefix: "true", npm_config_system: "true" }), ["--sys-prefix", "--system"]);
  assert.deepEqual(flagsTakenByNpm({}), []);
  const res = spawnSync(process.execPath, [INSTALL_JS], { encoding: "utf8", env: { ...process.env, npm_config_sys_prefix: "true" } });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /npm kept --sys-prefix for itself; put it after --: npm run kernel -- --sys-prefix/);
});

test("--prefix=DIR: kernel.json in DIR/share/jupyter/kernels/tslab, world-readable, found by Jupyter there", () => {
  const prefix = tmp("kernel-prefix");
  const res = spawnSync(process.execPath, [INSTALL_JS, `--prefix=${prefix}`], { encoding: "utf8" });
  assert.equal(res.status, 0, res.stderr);
  const file = path.join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json");
  assert.match(res.stdout, new RegExp(`Registered the "TypeScript" kernel \\(tslab\\) in ${path.dirname(file)}`));
  assert.equal(fs.statSync(file).mode & 0o777, 0o644);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o005, 0o005, "others can enter and list the kernel folder");
  const spec = JSON.parse(fs.readFileSync(file, "utf8")) as ReturnType<typeof kernelSpec>;
  assert.deepEqual(spec, kernelSpec(ROOT, { kind: "prefix", prefix }));
  assert.ok(packageLinkOk(ROOT), "dist/node_modules/quantization-lesson leads to the checkout");
});

test("the kernel spec: node -e <check> <launcher> --config-path {connection_file}, NODE_PATH from the project", () => {
  const spec = kernelSpec(ROOT, { kind: "sys-prefix" });
  assert.equal(spec.argv[0], process.execPath);
  assert.equal(spec.argv[1], "-e");
  assert.deepEqual(spec.argv.slice(3), [path.join(ROOT, "dist", "scripts", "tslab-kernel.js"), "--config-path", "{connection_file}", "--resource-dir", "{resource_dir}"]);
  assert.match(spec.argv[2], /npm run kernel -- --sys-prefix/, "the check says how this kernel was installed");
  assert.deepEqual(spec.env, { NODE_PATH: `${path.join(ROOT, "dist", "node_modules")}:${path.join(ROOT, "node_modules")}` });
  assert.deepEqual(kernelModuleDirs(ROOT), spec.env.NODE_PATH.split(":"));
  assert.equal(spec.display_name, "TypeScript");
  assert.deepEqual(spec.metadata, { "quantization-lesson": { root: ROOT, reinstall: "npm run kernel -- --sys-prefix" } });
  assert.throws(() => kernelSpec(tmp("no-tslab")), /tslab is not installed .*run `npm ci`/);
  const targets: InstallTarget[] = [{ kind: "project" }, { kind: "user" }, { kind: "system" }, { kind: "prefix", prefix: "/opt/c" }];
  assert.deepEqual(targets.map(installCommand), ["npm run kernel", "npm run kernel -- --user", "npm run kernel -- --system", "npm run kernel -- --prefix=/opt/c"]);
});

test("a kernel whose checkout is gone, without Jupyter's Python, exits 1 at once saying to install it again", () => {
  const spec = kernelSpec(ROOT, { kind: "user" }, undefined);
  const gone = path.join(tmp("moved"), "quantization");
  const argv = spec.argv
    .map((a) => a.split(ROOT).join(gone))
    .map((a) => (a === "{connection_file}" ? "/nonexistent.json" : a === "{resource_dir}" ? tmp("no-stand-in") : a));
  const t0 = Date.now();
  const res = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 20_000 });
  assert.equal(res.status, 1);
  assert.ok(Date.now() - t0 < 5000, "fails fast");
  assert.match(res.stderr, new RegExp(`The TypeScript kernel cannot start: its files in ${gone} are gone \\(the checkout was moved, deleted or not built\\)`));
  assert.match(res.stderr, /npm ci && npm run build && npm run kernel -- --user/);
});

test("a moved checkout: every cell of the notebook shows what to do, within seconds (the stand-in kernel)", { skip: noJupyter }, () => {
  const prefix = tmp("kernel-moved");
  const reg = registerKernelAt(ROOT, { kind: "prefix", prefix });
  assert.ok(fs.existsSync(path.join(reg.kernelDir, "kernel-missing.py")), "the stand-in is installed beside kernel.json");
  const gone = path.join(prefix, "was-here", "quantization");
  const file = path.join(reg.kernelDir, "kernel.json");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").split(ROOT).join(gone)); // as if the checkout had moved away
  const dir = tmp("moved-nb");
  fs.writeFileSync(path.join(dir, "a.ipynb"), JSON.stringify(codeNotebook(["1 + 1", "console.log(2)"])));
  const t0 = Date.now();
  const { res, executed } = nbconvertExecute(path.join(dir, "a.ipynb"), dir, { ...process.env, JUPYTER_PATH: reg.dataDir });
  assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
  assert.equal(res.status, 0, res.stderr);
  assert.ok(executed);
  for (const cell of executed.cells) {
    const errors = (cell.outputs ?? []).filter((o) => o.output_type === "error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0].ename, "KernelNotInstalled");
    assert.match(String(errors[0].evalue), new RegExp(`its files in ${gone} are gone[\\s\\S]*npm run kernel -- --prefix=${prefix}`));
  }
  assert.match(res.stderr, /The TypeScript kernel cannot start/, "and in the server's log");
});

test("Jupyter's own paths: --sys-prefix, --system and --user land where `jupyter kernelspec install` puts them", { skip: noJupyter }, () => {
  assert.ok(python);
  // jupyter_client's own answer (KernelSpecManager._get_destination_dir is what `jupyter kernelspec install` calls).
  const script =
    "import json, sys\nfrom jupyter_client.kernelspec import KernelSpecManager\nm = KernelSpecManager()\n" +
    "print(json.dumps({'sys-prefix': m._get_destination_dir('tslab', prefix=sys.prefix), 'system': m._get_destination_dir('tslab'), " +
    "'user': m._get_destination_dir('tslab', user=True), 'prefix': m._get_destination_dir('tslab', prefix='/opt/course')}))";
  const res = spawnSync(python[0], [...python.slice(1), "-c", script], { encoding: "utf8" });
  assert.equal(res.status, 0, res.stderr);
  const expected = JSON.parse(res.stdout) as Record<string, string>;
  const dirs = jupyterDataDirs();
  assert.ok(dirs, "Jupyter's Python answers");
  const kernels = (t: InstallTarget): string => path.join(dataDirFor(t, ROOT, dirs), "kernels", "tslab");
  assert.equal(kernels({ kind: "sys-prefix" }), expected["sys-prefix"]);
  assert.equal(kernels({ kind: "system" }), expected.system);
  assert.equal(kernels({ kind: "user" }), expected.user);
  assert.equal(kernels({ kind: "prefix", prefix: "/opt/course" }), expected.prefix);
  if (fs.existsSync("/etc/debian_version") && python[0] === "/usr/bin/python3") {
    assert.equal(expected["sys-prefix"], "/usr/share/jupyter/kernels/tslab", "Debian's sys.prefix is /usr");
  }
});

test("--prefix=DIR matches `jupyter kernelspec install --prefix=DIR`, and `jupyter kernelspec list` finds it", { skip: noJupyter }, () => {
  const ours = tmp("kernel-ours");
  const theirs = tmp("kernel-theirs");
  const src = tmp("kernel-src");
  fs.writeFileSync(path.join(src, "kernel.json"), JSON.stringify({ argv: ["true"], display_name: "x", language: "x" }));
  const installed = spawnSync("jupyter", ["kernelspec", "install", src, "--name=tslab", `--prefix=${theirs}`], { encoding: "utf8" });
  assert.equal(installed.status, 0, installed.stderr);
  const reg = registerKernelAt(ROOT, { kind: "prefix", prefix: ours });
  assert.equal(path.relative(ours, reg.kernelDir), path.relative(theirs, path.join(theirs, "share", "jupyter", "kernels", "tslab")));
  assert.ok(fs.existsSync(path.join(theirs, "share", "jupyter", "kernels", "tslab", "kernel.json")));
  const list = spawnSync("jupyter", ["kernelspec", "list", "--json"], { encoding: "utf8", env: { ...process.env, JUPYTER_PATH: reg.dataDir } });
  assert.equal(list.status, 0, list.stderr);
  const specs = (JSON.parse(list.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: { env: Record<string, string> } }> }).kernelspecs;
  assert.equal(specs.tslab.resource_dir, reg.kernelDir);
  assert.deepEqual(specs.tslab.spec.env, reg.spec.env);
});

test("unreadableByOthers names the first folder other users cannot enter", () => {
  const base = tmp("closed");
  const inner = path.join(base, "a", "b");
  fs.mkdirSync(inner, { recursive: true, mode: 0o755 });
  fs.chmodSync(base, 0o755);
  fs.chmodSync(path.join(base, "a"), 0o700);
  assert.equal(unreadableByOthers(inner), path.join(base, "a"));
  fs.chmodSync(path.join(base, "a"), 0o755);
  const closedAbove = unreadableByOthers(inner);
  // Anything above the temp folder (e.g. a 700 home) may be closed too; the test's own folders are open now.
  assert.ok(closedAbove === undefined || !closedAbove.startsWith(base), `${closedAbove}`);
});
