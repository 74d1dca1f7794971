/**
 * Test helpers: run a notebook with nbconvert on a kernel installed somewhere, and read what it printed.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { hasJupyter } from "../../scripts/jupyter";

/** Why a Jupyter-driven test cannot run here, or `false`. */
export const noJupyter: string | false = hasJupyter() ? false : "Jupyter (nbconvert) is not installed; .ci/run installs it";

/** One output of an executed notebook (the fields the checks read). */
export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
export interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
export interface NotebookFile {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export const joined = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");

/** A notebook on the tslab kernel with these code cells. */
export function codeNotebook(sources: readonly string[]): NotebookFile {
  return {
    cells: sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }) as Cell),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/**
 * `jupyter nbconvert --execute --allow-errors` on `notebook` (the kernel runs in the notebook's folder), writing
 * `<outDir>/<name>.out.ipynb`. `wrap` can put the command inside another (e.g. `unshare`).
 */
export function nbconvertExecute(
  notebook: string,
  outDir: string,
  env: NodeJS.ProcessEnv,
  wrap: (argv: string[]) => string[] = (argv) => argv,
): { res: SpawnSyncReturns<string>; executed?: NotebookFile } {
  const name = `${path.basename(notebook, ".ipynb")}.out.ipynb`;
  const argv = wrap([
    "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.timeout=600",
    "--ExecutePreprocessor.kernel_name=tslab", "--output-dir", outDir, "--output", name, notebook,
  ]);
  const res = spawnSync(argv[0], argv.slice(1), { encoding: "utf8", env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  const file = path.join(outDir, name);
  return { res, executed: fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as NotebookFile) : undefined };
}

/** Every error output and stderr stream of an executed notebook, as `cell <i>: <text>`. */
export function problems(nb: NotebookFile): string[] {
  return nb.cells.flatMap((c, i) =>
    (c.outputs ?? [])
      .filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"))
      .map((o) => `cell ${i} (${joined(c.source).split("\n")[0]}): ${o.output_type === "error" ? `${o.ename}: ${o.evalue}` : joined(o.text).trim()}`),
  );
}

/** How many rich outputs (display_data) the notebook has, and how many carry each MIME type. */
export function displayCounts(nb: NotebookFile): { displays: number; html: number; plotly: number } {
  const displays = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "display_data");
  return {
    displays: displays.length,
    html: displays.filter((o) => o.data?.["text/html"] !== undefined).length,
    plotly: displays.filter((o) => o.data?.["application/vnd.plotly.v1+json"] !== undefined).length,
  };
}
