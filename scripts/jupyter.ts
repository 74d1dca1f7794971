/**
 * Jupyter plumbing for `npm start`, `npm run notebook` and the tests: find (or install) Jupyter, register the
 * tslab kernel inside the project, execute a notebook headless and export it to HTML.
 *
 * Nothing outside the project is touched unless asked: the kernel is registered in `<root>/.jupyter/kernels/tslab`
 * and found through `JUPYTER_PATH`; `registerKernel(root, { user: true })` is the per-user (JupyterHub) variant.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root (this file is compiled to `<root>/dist/scripts/jupyter.js`). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** Where executed notebooks, HTML exports, screenshots and benchmark results go (git-ignored). */
export const OUT_DIR = path.join(PROJECT_ROOT, "out");

/** Debian/Ubuntu packages that give `jupyter nbconvert --execute` and the classic Notebook. */
export const JUPYTER_APT_PACKAGES = ["jupyter-nbconvert", "python3-nbclient", "python3-ipykernel", "jupyter-client", "jupyter-notebook"];
const INSTALL_HINT =
  "Jupyter (nbconvert, nbclient, Notebook) is needed. Install it with one of:\n" +
  `  sudo apt-get update && sudo apt-get install -y ${JUPYTER_APT_PACKAGES.join(" ")}   # Debian/Ubuntu\n` +
  "  python3 -m pip install nbconvert nbclient notebook ipykernel                         # elsewhere\n" +
  "then run the command again.";

/** A missing prerequisite, with the exact command that fixes it in `message`. */
export class SetupError extends Error {
  override name = "SetupError";
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 600_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: "utf8", env: env ?? process.env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
}

/** True when `jupyter nbconvert --version` succeeds (nbclient is not checked separately: nbconvert depends on it). */
export function hasJupyter(): boolean {
  const nbconvert = run("jupyter", ["nbconvert", "--version"], undefined, 60_000);
  return nbconvert.status === 0;
}

/**
 * Makes sure Jupyter can execute notebooks. When it is missing and we are root on a machine with apt-get, installs
 * the Debian packages (saying so); otherwise throws a {@link SetupError} whose message is the command to run.
 */
export function ensureJupyter(options: { install?: boolean } = {}): void {
  if (hasJupyter()) return;
  const canApt = process.getuid?.() === 0 && run("apt-get", ["--version"], undefined, 30_000).status === 0;
  if (options.install !== false && canApt) {
    console.log(`Jupyter not found: installing Debian packages ${JUPYTER_APT_PACKAGES.join(" ")} …`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", "-q", ...JUPYTER_APT_PACKAGES], { stdio: "inherit", env });
    if (update.status === 0 && install.status === 0 && hasJupyter()) return;
    throw new SetupError(`Installing Jupyter with apt-get failed.\n${INSTALL_HINT}`);
  }
  throw new SetupError(INSTALL_HINT);
}

/**
 * The kernel.json that starts the project's own tslab (never a global one), through `dist/scripts/tslab-kernel.js`,
 * which fixes a start-up race in tslab 1.0.22 (see that file). Node is named by its absolute path, so the kernel
 * starts even where Jupyter's PATH has no node (a JupyterHub spawner, say).
 */
export function kernelSpec(root = PROJECT_ROOT): { argv: string[]; display_name: string; language: string } {
  const tslab = path.join(root, "node_modules", "tslab", "dist", "main.js");
  if (!fs.existsSync(tslab)) {
    throw new SetupError(`tslab is not installed at ${path.dirname(path.dirname(tslab))}: run \`npm ci\` in ${root} first.`);
  }
  const launcher = path.join(root, "dist", "scripts", "tslab-kernel.js");
  if (!fs.existsSync(launcher)) {
    throw new SetupError(`${launcher} is missing: run \`npm run build\` in ${root} first.`);
  }
  return { argv: [process.execPath, launcher, "--config-path", "{connection_file}"], display_name: "TypeScript", language: "typescript" };
}

/**
 * Registers the tslab kernel as `tslab` ("TypeScript"). By default in `<root>/.jupyter` (use {@link jupyterEnv} so
 * Jupyter finds it); with `user: true` in the per-user Jupyter data folder (`jupyter --data-dir`, usually
 * `~/.local/share/jupyter`), which is what a JupyterHub user's server reads.
 *
 * @returns the folder that holds `kernels/tslab/kernel.json`.
 */
export function registerKernel(root = PROJECT_ROOT, options: { user?: boolean } = {}): string {
  let dataDir = path.join(root, ".jupyter");
  if (options.user) {
    const res = run("jupyter", ["--data-dir"], undefined, 60_000);
    dataDir = res.status === 0 ? res.stdout.trim() : path.join(os.homedir(), ".local", "share", "jupyter");
  }
  const kernelDir = path.join(dataDir, "kernels", "tslab");
  fs.mkdirSync(kernelDir, { recursive: true });
  fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(kernelSpec(root), null, 2) + "\n");
  return dataDir;
}

/** The environment in which Jupyter sees the project's kernel (`JUPYTER_PATH` first) and nothing else changes. */
export function jupyterEnv(root = PROJECT_ROOT, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = path.join(root, ".jupyter");
  return { ...base, JUPYTER_PATH: base.JUPYTER_PATH ? `${own}${path.delimiter}${base.JUPYTER_PATH}` : own, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
}

/** A code cell that failed. */
export interface CellFailure {
  /** Position of the cell in the notebook, 0-based. */
  readonly index: number;
  /** The nearest markdown heading above it, e.g. `## 3. Train a baseline Logistic Regression (FP32)`. */
  readonly section: string;
  /** First line of its source. */
  readonly firstLine: string;
  /** What it printed as the error: `ename: evalue`, or tslab's compile errors (sent to stderr). */
  readonly error: string;
}

/** The result of {@link executeNotebook}. */
export interface ExecutionResult {
  readonly executedPath: string;
  readonly htmlPath: string;
  readonly seconds: number;
  /** The cell that stopped the run, if any. The executed notebook and HTML are written either way. */
  readonly failures: CellFailure[];
}

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
interface NotebookJson {
  cells: Array<{ cell_type: string; source: string | string[]; outputs?: NotebookOutput[] }>;
}

const joinText = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : t ?? "");

/**
 * Describes the failing cells of an executed notebook: those with an `error` output, and the one whose source
 * nbconvert named as failing (tslab reports compile errors on stderr with an error reply, not an `error` output).
 */
export function findFailures(executedPath: string, failedSource?: string): CellFailure[] {
  const nb = JSON.parse(fs.readFileSync(executedPath, "utf8")) as NotebookJson;
  const failures: CellFailure[] = [];
  let section = "(top of the notebook)";
  nb.cells.forEach((cell, index) => {
    const src = joinText(cell.source);
    if (cell.cell_type === "markdown") {
      const heading = src.split("\n").find((l) => l.startsWith("#"));
      if (heading) section = heading.trim();
      return;
    }
    const outputs = cell.outputs ?? [];
    const errors = outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename ?? "Error"}: ${o.evalue ?? ""}`);
    const named = failedSource !== undefined && src.trim() === failedSource.trim();
    if (errors.length > 0 || named) {
      const stderr = outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => joinText(o.text).trim());
      const error = [...errors, ...stderr].filter((e) => e !== "").join("\n") || "the kernel reported an error";
      failures.push({ index, section, firstLine: src.split("\n")[0], error });
    }
  });
  return failures;
}

/** The source of the cell that nbconvert's CellExecutionError names, if its message is in `stderr`. */
export function failedCellSource(stderr: string): string | undefined {
  const m = /An error occurred while executing the following cell:\n-+\n([\s\S]*?)\n-+\n/.exec(stderr);
  return m ? m[1] : undefined;
}

/**
 * Executes a notebook headless with nbconvert (nbclient underneath) on the project's tslab kernel, and exports the
 * executed notebook to HTML. When a cell fails, it runs once more with `--allow-errors` so that the executed
 * notebook and the HTML still show every output up to and after it, and returns the failing cell in `failures`.
 *
 * @param inputPath - the notebook to run; it runs in its own folder, as in Jupyter.
 * @param outDir - where `<name>.executed.ipynb` and `<name>.html` are written. Default `<root>/out`.
 */
export function executeNotebook(inputPath: string, outDir = OUT_DIR, options: { timeoutSeconds?: number; root?: string } = {}): ExecutionResult {
  const root = options.root ?? PROJECT_ROOT;
  if (!fs.existsSync(inputPath)) throw new Error(`executeNotebook: no notebook at ${inputPath}`);
  ensureJupyter();
  registerKernel(root);
  fs.mkdirSync(outDir, { recursive: true });
  const env = jupyterEnv(root);
  const name = path.basename(inputPath, ".ipynb");
  const executedName = `${name}.executed.ipynb`;
  const executedPath = path.join(outDir, executedName);
  const htmlPath = path.join(outDir, `${name}.html`);
  fs.rmSync(executedPath, { force: true });
  fs.rmSync(htmlPath, { force: true });
  const execute = (allowErrors: boolean): SpawnSyncReturns<string> =>
    run(
      "jupyter",
      [
        "nbconvert", "--to", "notebook", "--execute",
        ...(allowErrors ? ["--allow-errors"] : []),
        `--ExecutePreprocessor.timeout=${options.timeoutSeconds ?? 600}`,
        "--ExecutePreprocessor.kernel_name=tslab",
        "--output-dir", outDir, "--output", executedName, inputPath,
      ],
      env,
    );
  const t0 = process.hrtime.bigint();
  const exec = execute(false);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let failedSource: string | undefined;
  if (exec.status !== 0) {
    failedSource = failedCellSource(exec.stderr);
    if (failedSource === undefined) {
      throw new Error(`jupyter nbconvert --execute ${inputPath} failed (exit ${exec.status ?? exec.signal}):\n${tail(exec.stderr)}`);
    }
    const again = execute(true);
    if (again.status !== 0 || !fs.existsSync(executedPath)) {
      throw new Error(`jupyter nbconvert --execute --allow-errors ${inputPath} failed (exit ${again.status ?? again.signal}):\n${tail(again.stderr)}`);
    }
  }
  numberExecutedCells(executedPath);
  const html = run("jupyter", ["nbconvert", "--to", "html", "--output-dir", outDir, "--output", `${name}.html`, executedPath], env);
  if (html.status !== 0 || !fs.existsSync(htmlPath)) {
    throw new Error(`jupyter nbconvert --to html ${executedPath} failed (exit ${html.status ?? html.signal}):\n${tail(html.stderr)}`);
  }
  const failures = findFailures(executedPath, failedSource);
  if (failedSource !== undefined && failures.length === 0) {
    failures.push({ index: -1, section: "(unknown)", firstLine: failedSource.split("\n")[0], error: tail(exec.stderr, 5) });
  }
  return { executedPath, htmlPath, seconds, failures };
}

/**
 * Gives the executed code cells their execution counts, 1, 2, 3 … in order. tslab does not report them to
 * nbclient, so a headless run would otherwise show every cell as `In [ ]`, as if nothing had run.
 */
export function numberExecutedCells(executedPath: string): void {
  const nb = JSON.parse(fs.readFileSync(executedPath, "utf8")) as { cells: Array<{ cell_type: string; execution_count?: number | null }> };
  let count = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type === "code" && (cell.execution_count === null || cell.execution_count === undefined)) cell.execution_count = ++count;
    else if (cell.cell_type === "code") count = cell.execution_count ?? count;
  }
  fs.writeFileSync(executedPath, JSON.stringify(nb, null, 1) + "\n");
}

function tail(text: string | null, lines = 30): string {
  return (text ?? "").trim().split("\n").slice(-lines).join("\n");
}
