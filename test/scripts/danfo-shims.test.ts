/**
 * danfojs-node's heavy dependencies replaced through package.json's overrides with the repository's own
 * `shims/`: xlsx (CVE-2023-30533, CVE-2024-22363; never used here) by a stub whose every function throws, and
 * mathjs by the five statistics danfo calls, from mathjs 9.5.2's number-only build, loaded on first use.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../helpers/paths";

type Stats = Record<"mean" | "median" | "mode" | "std" | "variance", (values: readonly unknown[]) => unknown>;
interface Lock {
  packages: Record<string, { version?: string; name?: string; resolved?: string; link?: boolean }>;
}
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as Lock;
const danfoDist = path.join(ROOT, "node_modules", "danfojs-node", "dist");

/** Every `.js` file under `dir`. */
function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith(".js") ? [p] : [];
  });
}

test("npm ci installs xlsx and mathjs as links to shims/ (no registry xlsx at all)", () => {
  assert.deepEqual(lock.packages["node_modules/xlsx"], { resolved: "shims/xlsx", link: true });
  assert.deepEqual(lock.packages["node_modules/mathjs"], { resolved: "shims/mathjs", link: true });
  const registryXlsx = Object.entries(lock.packages).filter(([where, p]) => p.name === "xlsx" || (where.endsWith("node_modules/xlsx") && !p.link));
  assert.deepEqual(registryXlsx, []);
  assert.equal(lock.packages["node_modules/mathjs-9.5.2"]?.version, "9.5.2");
  assert.equal(fs.realpathSync(require.resolve("xlsx")), path.join(ROOT, "shims", "xlsx", "index.js"));
});

test("the xlsx stub throws a clear error for each function danfo calls; danfo's toExcel throws it", () => {
  const xlsx = require("xlsx") as { read(): void; readFile(): void; writeFile(): void; utils: Record<string, () => void> };
  const message = /Excel files are not supported in this project \(xlsx removed for CVE-2023-30533\/CVE-2024-22363\)/;
  // What danfojs-node 1.2.0's io.excel.js calls: read, readFile, writeFile and four utils.
  const excelIo = fs.readFileSync(path.join(danfoDist, "danfojs-base", "io", "node", "io.excel.js"), "utf8");
  const used = [...new Set([...excelIo.matchAll(/xlsx_1\.([\w.]+)/g)].map((m) => m[1]))].sort();
  assert.deepEqual(used, ["read", "readFile", "utils.aoa_to_sheet", "utils.book_append_sheet", "utils.book_new", "utils.sheet_to_json", "writeFile"]);
  for (const name of used) {
    const f = name.startsWith("utils.") ? xlsx.utils[name.slice(6)] : xlsx[name as "read" | "readFile" | "writeFile"];
    assert.throws(() => f(), (e: Error) => message.test(e.message) && e.message.startsWith(`xlsx.${name}: `), name);
  }
  // toExcel calls xlsx synchronously. (readExcel of a local file calls it inside an fs callback, so there the
  // same error is an uncaught exception, as any xlsx error would be: danfo's code, not the stub's.)
  const dfd = require("danfojs-node") as { DataFrame: new (rows: object[]) => object; toExcel(df: object, options: object): void };
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "xlsx-stub-")), "t.xlsx");
  assert.throws(() => dfd.toExcel(new dfd.DataFrame([{ a: 1 }]), { filePath: out }), message);
  assert.equal(fs.existsSync(out), false);
});

test("the mathjs shim exports every mathjs function danfo calls, and danfo's require loads no mathjs", () => {
  const used = new Set<string>();
  for (const file of jsFiles(danfoDist)) for (const m of fs.readFileSync(file, "utf8").matchAll(/mathjs_1\.(\w+)/g)) used.add(m[1]);
  assert.deepEqual([...used].sort(), ["mean", "median", "mode", "std", "variance"]);
  assert.deepEqual(Object.keys(require("mathjs") as Stats).sort(), [...used].sort());
  // In a fresh process: after require("danfojs-node") and a DataFrame, no mathjs module is loaded.
  const script =
    `const dfd = require("danfojs-node"); new dfd.DataFrame([{ a: 1, b: "x" }]);` +
    `console.log(Object.keys(require.cache).filter((k) => k.includes("mathjs-9.5.2")).length);`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split("\n").at(-1), "0");
});

test("the number-only statistics equal full mathjs 9.5.2's, values and errors alike, and danfo's describe uses them", () => {
  const full = require("mathjs-9.5.2") as Stats;
  const shim = require("mathjs") as Stats;
  const cases: unknown[][] = [
    [1, 2, 3, 4],
    [0.1, 0.2, 0.7],
    [3, 1, 2, 2, 5],
    [1e-9, 5e3, -7.25, 1 / 3, 42],
    [NaN, 1, 2],
    [7],
    [true, 2],
    [1, "2", 3],
    Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3),
    [],
    ["a", "b"],
    [1, null, 3],
  ];
  const outcome = (f: () => unknown): string => {
    try {
      return JSON.stringify(f());
    } catch (e) {
      // The error class only: the number build words one message differently (median([1, null, 3]) says
      // "type: null" where the full build says "type: number").
      return (e as Error).constructor.name;
    }
  };
  for (const name of ["mean", "median", "mode", "std", "variance"] as const) {
    for (const c of cases) assert.equal(outcome(() => shim[name](c)), outcome(() => full[name](c)), `${name}(${JSON.stringify(c)})`);
  }
  assert.equal(shim.std([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7)); // sample std, as pandas' ddof=1
  const dfd = require("danfojs-node") as { DataFrame: new (rows: object[]) => { describe(): { values: number[][] } } };
  const col = [1, 2, 3, 4, 10];
  const d = new dfd.DataFrame(col.map((x) => ({ x }))).describe().values.map((row) => row[0]);
  // describe's rows: count, mean, std, min, median, max, variance.
  assert.deepEqual(d, [5, full.mean(col), full.std(col), 1, full.median(col), 10, full.variance(col)]);
});
