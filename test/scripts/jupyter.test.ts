import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureJupyter, executeNotebook, hasJupyter, jupyterEnv, kernelSpec, registerKernel } from "../../scripts/jupyter";
import { ROOT } from "../helpers/paths";

test("the kernel spec runs the project's own tslab through its launcher, with an absolute node", () => {
  const spec = kernelSpec(ROOT);
  assert.deepEqual(spec.argv.slice(3), [path.join(ROOT, "dist", "scripts", "tslab-kernel.js"), "--config-path", "{connection_file}", "--resource-dir", "{resource_dir}"]);
  assert.deepEqual(spec.argv.slice(0, 2), [process.execPath, "-e"]); // a check that the launcher is there (test/scripts/kernel-install)
  assert.equal(spec.display_name, "TypeScript");
  assert.equal(spec.language, "typescript");
  assert.throws(() => kernelSpec(fs.mkdtempSync(path.join(os.tmpdir(), "no-tslab-"))), /tslab is not installed .*run `npm ci`/);
});

test("registerKernel writes inside the project, and JUPYTER_PATH puts it first", () => {
  const dir = registerKernel(ROOT);
  assert.equal(dir, path.join(ROOT, ".jupyter"));
  const written = JSON.parse(fs.readFileSync(path.join(dir, "kernels", "tslab", "kernel.json"), "utf8")) as unknown;
  assert.deepEqual(written, kernelSpec(ROOT));
  assert.equal(jupyterEnv(ROOT, {}).JUPYTER_PATH, path.join(ROOT, ".jupyter"));
  assert.equal(jupyterEnv(ROOT, { JUPYTER_PATH: "/x" }).JUPYTER_PATH, `${path.join(ROOT, ".jupyter")}${path.delimiter}/x`);
});

test("a failing cell is named with its section, and the outputs are still written", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "failing-nb-"));
  const nbPath = path.join(ROOT, "out", "test", "failing.ipynb");
  fs.mkdirSync(path.dirname(nbPath), { recursive: true });
  const cell = (type: "markdown" | "code", source: string, id: string): Record<string, unknown> =>
    type === "code" ? { cell_type: type, id, metadata: {}, source, outputs: [], execution_count: null } : { cell_type: type, id, metadata: {}, source };
  fs.writeFileSync(nbPath, JSON.stringify({
    cells: [
      cell("markdown", "## 1. Fine", "a"), cell("code", 'console.log("ok")', "b"),
      cell("markdown", "## 2. Broken", "c"), cell("code", 'const n: number = "not a number";', "d"),
      cell("code", 'console.log("after")', "e"),
    ],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4, nbformat_minor: 5,
  }));
  const result = executeNotebook(nbPath, dir);
  assert.equal(result.failures.length, 1);
  assert.deepEqual({ ...result.failures[0], error: undefined }, { index: 3, kind: "error", section: "## 2. Broken", firstLine: 'const n: number = "not a number";', error: undefined });
  assert.match(result.failures[0].error, /Type 'string' is not assignable to type 'number'/);
  assert.ok(fs.existsSync(result.executedPath) && fs.existsSync(result.htmlPath));
});

test("without Jupyter (and without installing it), the error is the command to run, not a traceback", () => {
  const saved = process.env.PATH;
  process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "no-jupyter-"));
  try {
    // Nowhere to look: not on PATH, not in /usr/bin (scripts/run-notebook tests finding it there).
    const nowhere = { fallbacks: [], pythonFallbacks: [] };
    assert.equal(hasJupyter(nowhere), false);
    assert.throws(() => ensureJupyter({ install: false, ...nowhere }), (err: Error) => {
      assert.equal(err.name, "SetupError");
      assert.match(err.message, /sudo apt-get update && sudo apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client jupyter-notebook/);
      assert.match(err.message, /python3 -m pip install nbconvert nbclient notebook ipykernel/);
      return true;
    });
  } finally {
    process.env.PATH = saved;
  }
});
