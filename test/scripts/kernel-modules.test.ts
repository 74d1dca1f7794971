import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import type * as TS from "typescript";
import { ensurePackageLink, forwardModulesToProject, kernelModuleDirs, packageLinkOk, virtualModulesMapper, type ResolutionSystem } from "../../scripts/kernel-modules";
import { ROOT } from "../helpers/paths";

const made: string[] = [];
const tmp = (name: string): string => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`)));
  made.push(dir);
  return dir;
};
after(() => made.forEach((d) => {
  fs.chmodSync(d, 0o755);
  fs.rmSync(d, { recursive: true, force: true });
}));
// tslab's own TypeScript, the one whose `sys` the launcher patches.
const ts = createRequire(require.resolve("tslab/dist/converter"))("@tslab/typescript-for-tslab") as typeof TS;

test("virtualModulesMapper: /node_modules/<pkg>/… maps to the first folder that has <pkg>, scoped names too", () => {
  const a = tmp("dirs-a");
  const b = tmp("dirs-b");
  fs.mkdirSync(path.join(a, "one"));
  fs.mkdirSync(path.join(b, "one"));
  fs.mkdirSync(path.join(b, "@types", "two"), { recursive: true });
  const toReal = virtualModulesMapper([a, b]);
  assert.equal(toReal("/node_modules/one/package.json"), path.join(a, "one", "package.json"));
  assert.equal(toReal("/node_modules/one"), path.join(a, "one"));
  assert.equal(toReal("/node_modules/@types/two/index.d.ts"), path.join(b, "@types", "two", "index.d.ts"));
  assert.equal(toReal("/node_modules/@types"), path.join(b, "@types"));
  assert.equal(toReal("/node_modules/three/index.js"), undefined, "a package neither folder has");
  assert.equal(toReal("/home/ada/node_modules/one/index.js"), undefined, "only the file-system root's node_modules");
  assert.equal(toReal("/node_modules/../etc/passwd"), undefined);
});

test("ensurePackageLink: dist/node_modules/quantization-lesson is a relative link to the checkout, made once", () => {
  const link = ensurePackageLink(ROOT);
  assert.equal(link, path.join(ROOT, "dist", "node_modules", "quantization-lesson"));
  assert.equal(fs.readlinkSync(link), path.join("..", ".."));
  assert.ok(packageLinkOk(ROOT));
  assert.equal(ensurePackageLink(ROOT), link);
  const readOnly = tmp("ro-checkout");
  fs.writeFileSync(path.join(readOnly, "package.json"), "{}");
  fs.mkdirSync(path.join(readOnly, "dist"));
  fs.chmodSync(path.join(readOnly, "dist"), 0o555);
  const asRootCanWrite = process.getuid?.() === 0;
  if (!asRootCanWrite) assert.throws(() => ensurePackageLink(readOnly), /cannot create .*dist\/node_modules\/quantization-lesson -> \.\.\/\.\./);
});

function resolver(cwd: string): (name: string) => string | undefined {
  const sys = Object.create(ts.sys) as ResolutionSystem;
  forwardModulesToProject(sys, kernelModuleDirs(ROOT), cwd);
  const host: TS.ModuleResolutionHost = {
    fileExists: (p) => sys.fileExists(p),
    readFile: (p) => sys.readFile(p),
    directoryExists: (p) => sys.directoryExists(p),
    realpath: (p) => (sys.realpath ? sys.realpath(p) : p),
    getDirectories: (p) => sys.getDirectories(p),
  };
  const options: TS.CompilerOptions = { moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.ESNext };
  return (name) => ts.resolveModuleName(name, path.join(cwd, "__tslab__.ts"), options, host).resolvedModule?.resolvedFileName;
}

test("TypeScript (Node10, as tslab) resolves the lib's subpaths and its packages from a folder outside the checkout", () => {
  const elsewhere = tmp("assignments");
  const resolve = resolver(elsewhere);
  ensurePackageLink(ROOT);
  assert.equal(resolve("quantization-lesson/core"), path.join(ROOT, "dist", "lib", "core", "index.d.ts"));
  assert.equal(resolve("quantization-lesson/display"), path.join(ROOT, "dist", "lib", "display", "index.d.ts"));
  assert.equal(resolve("quantization-lesson/studies"), path.join(ROOT, "dist", "lib", "studies", "index.d.ts"));
  assert.equal(resolve("quantization-lesson"), path.join(ROOT, "dist", "lib", "index.d.ts"));
  const danfo = resolve("danfojs-node");
  assert.ok(danfo?.startsWith(path.join(ROOT, "node_modules", "danfojs-node") + path.sep), `${danfo}`);
  assert.equal(resolve("no-such-package-anywhere"), undefined);
  // Without the patch, nothing is found from there (the "Cannot find module").
  const plain = ts.resolveModuleName("danfojs-node", path.join(elsewhere, "x.ts"), { moduleResolution: ts.ModuleResolutionKind.Node10 }, ts.sys);
  assert.equal(plain.resolvedModule, undefined);
});

test("a package in the notebook's own folder still wins over the kernel's", () => {
  const elsewhere = tmp("own-package");
  const own = path.join(elsewhere, "node_modules", "danfojs-node");
  fs.mkdirSync(own, { recursive: true });
  fs.writeFileSync(path.join(own, "package.json"), JSON.stringify({ name: "danfojs-node", types: "index.d.ts" }));
  fs.writeFileSync(path.join(own, "index.d.ts"), "export declare const mine: 1;\n");
  assert.equal(resolver(elsewhere)("danfojs-node"), path.join(own, "index.d.ts"));
});

test("at run time NODE_PATH = kernelModuleDirs finds the lib's exports and its packages from any folder", () => {
  ensurePackageLink(ROOT);
  const elsewhere = tmp("runtime");
  const script =
    "const core = require('quantization-lesson/core'); const studies = require('quantization-lesson/studies');" +
    "const dfd = require('danfojs-node');" +
    "console.log(JSON.stringify({ roundTo: core.roundTo(2.675, 2), outputDir: typeof studies.outputDir," +
    " core: require.resolve('quantization-lesson/core'), df: typeof dfd.DataFrame }));";
  const env = { ...process.env, NODE_PATH: kernelModuleDirs(ROOT).join(path.delimiter) };
  const res = spawnSync(process.execPath, ["-e", script], { cwd: elsewhere, encoding: "utf8", env });
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), {
    roundTo: 2.67, outputDir: "function", core: path.join(ROOT, "dist", "lib", "core", "index.js"), df: "function",
  });
  const without = spawnSync(process.execPath, ["-e", "require('quantization-lesson/core')"], { cwd: elsewhere, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } });
  assert.notEqual(without.status, 0);
  assert.match(without.stderr, /Cannot find module 'quantization-lesson\/core'/);
});
