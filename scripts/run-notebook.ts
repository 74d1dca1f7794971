/**
 * `npm start`: executes notebooks/quantization.ipynb headless on the tslab kernel and writes the executed notebook
 * and its HTML export to out/. Exits non-zero, naming the cell, when a cell fails; with the install command when
 * Jupyter is missing.
 */
import * as path from "node:path";
import { executeNotebook, OUT_DIR, PROJECT_ROOT, SetupError } from "./jupyter";

function main(): number {
  const notebook = path.join(PROJECT_ROOT, "notebooks", "quantization.ipynb");
  console.log(`Executing ${path.relative(process.cwd(), notebook) || notebook} on the tslab kernel …`);
  const result = executeNotebook(notebook, OUT_DIR);
  console.log(`Executed in ${result.seconds.toFixed(1)} s`);
  console.log(`  executed notebook: ${result.executedPath}`);
  console.log(`  HTML export:       ${result.htmlPath}`);
  if (result.failures.length > 0) {
    for (const f of result.failures) {
      console.error(`Cell ${f.index} failed (${f.section}; "${f.firstLine}"): ${f.error}`);
    }
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(err instanceof SetupError ? err.message : err);
  process.exitCode = 1;
}
