/**
 * Issue 12, point 4: once the kernel is installed, the notebook runs from any folder — a copy outside the
 * checkout, or the checkout itself mounted read-only — and writes its files where it can.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { registerKernelAt } from "../../scripts/kernel-install";
import { ROOT } from "../helpers/paths";
import { codeNotebook, displayCounts, joined, nbconvertExecute, noJupyter, problems, type NotebookFile } from "./notebook-runs";

const NOTEBOOK = path.join(ROOT, "notebooks", "quantization.ipynb");
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "kernel-anywhere-")));
const prefix = path.join(base, "prefix");
/** The environment of a user whose Jupyter knows the kernel only from the shared (prefix) install. */
const userEnv = (home: string): NodeJS.ProcessEnv => {
  fs.mkdirSync(home, { recursive: true });
  return { ...process.env, HOME: home, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_DATA_DIR: path.join(home, ".local", "share", "jupyter"), NODE_PATH: "" };
};
after(() => fs.rmSync(base, { recursive: true, force: true }));
let installed = false;
function install(): void {
  if (!installed) registerKernelAt(ROOT, { kind: "prefix", prefix });
  installed = true;
}

/** Code cells that display something must each have a rich output; nothing may fail. */
function assertRanClean(nb: NotebookFile | undefined, label: string): NotebookFile {
  assert.ok(nb, `${label}: nbconvert wrote the executed notebook`);
  assert.deepEqual(problems(nb), [], `${label}: no error and nothing on stderr`);
  const displaying = nb.cells.filter((c) => c.cell_type === "code" && /\bdisplay(Table|Plot)\(/.test(joined(c.source)));
  assert.ok(displaying.length > 0);
  for (const c of displaying) {
    assert.ok((c.outputs ?? []).some((o) => o.output_type === "display_data"), `${label}: a display in «${joined(c.source).split("\n")[0]}»`);
  }
  return nb;
}

test("a notebook outside the checkout imports the lib's three entry points and danfojs-node, with their types", { skip: noJupyter }, () => {
  install();
  const dir = path.join(base, "elsewhere");
  fs.mkdirSync(dir, { recursive: true });
  const nbPath = path.join(dir, "probe.ipynb");
  fs.writeFileSync(nbPath, JSON.stringify(codeNotebook([
    'import { roundTo } from "quantization-lesson/core";\nimport { displayTable } from "quantization-lesson/display";\n' +
      'import { outputDir } from "quantization-lesson/studies";\nimport * as dfd from "danfojs-node";\n' +
      'console.log(roundTo(2.675, 2), outputDir("models"));\ndisplayTable(new dfd.DataFrame([{ a: 1, b: "x" }]));',
    'const wrong: string = roundTo(1.5, 0);',
  ])));
  const { res, executed } = nbconvertExecute(nbPath, dir, userEnv(path.join(base, "home-probe")));
  assert.equal(res.status, 0, res.stderr);
  assert.ok(executed);
  const [first, second] = executed.cells.map((c) => c.outputs ?? []);
  assert.deepEqual(first.filter((o) => o.output_type === "stream").map((o) => joined(o.text)), [`2.67 ${path.join(dir, "out", "models")}\n`]);
  const table = first.find((o) => o.output_type === "display_data");
  assert.match(String(table?.data?.["text/html"]), /<table[\s\S]*<td>x<\/td>/, "the table came through the kernel's publisher");
  // The types are the lib's real ones (a wrong use is a compile error), not an untyped fallback.
  assert.match(second.map((o) => joined(o.text)).join(""), /Type 'number' is not assignable to type 'string'/);
  assert.ok(fs.existsSync(path.join(dir, "out", "models")), "outputDir made out/models next to the notebook");
});

test("the lesson notebook copied outside the checkout (as a course hands it out) runs all cells", { skip: noJupyter }, () => {
  install();
  const dir = path.join(base, "assignments");
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(NOTEBOOK, path.join(dir, "quantization.ipynb"));
  const { executed } = nbconvertExecute(path.join(dir, "quantization.ipynb"), dir, userEnv(path.join(base, "home-copy")));
  const nb = assertRanClean(executed, "copy");
  assert.ok(displayCounts(nb).plotly > 0, "plots drawn");
  assert.ok(fs.readdirSync(path.join(dir, "out")).length > 0, "the notebook's files are next to it, in out/");
});

/** `unshare -m` with a read-only bind mount: the checkout is read-only even for root. */
const canMountReadOnly = (): boolean =>
  spawnSync("unshare", ["-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && ! touch "$0/.ro-probe" 2>/dev/null', ROOT]).status === 0;

test("the lesson notebook in a read-only checkout runs all cells, writing to the student's home", { skip: noJupyter || (!canMountReadOnly() && "cannot mount the checkout read-only here (needs unshare -m as root)") }, () => {
  install();
  const home = path.join(base, "home-ro");
  const outDir = path.join(base, "ro-out");
  fs.mkdirSync(outDir, { recursive: true });
  const readOnly = (argv: string[]): string[] =>
    ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"', ROOT, ...argv];
  const { executed } = nbconvertExecute(NOTEBOOK, outDir, userEnv(home), readOnly);
  assertRanClean(executed, "read-only checkout");
  const written = path.join(home, "quantization-lesson-out");
  assert.ok(fs.existsSync(written) && fs.readdirSync(written).length > 0, `the notebook's files went to ${written}`);
});
