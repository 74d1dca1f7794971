/**
 * Executing a notebook headless, for `npm start` and the tests: the Node side of `scripts/execute_notebook.py`,
 * which runs the cells one by one with nbclient on the project's tslab kernel and writes the executed notebook and
 * an HTML export that works offline, on any machine.
 *
 * What a run under faults gives (each has a test in test/scripts/run-notebook.test.ts):
 * - the output folder is checked first: a file where the folder should be, or a folder that cannot be written,
 *   is one line, before Jupyter starts;
 * - a failing cell is named (section, first line, error); the cells after it are marked as not run;
 * - a cell that runs past the time limit, a kernel that dies, SIGINT / SIGTERM / SIGHUP, or this process being
 *   killed: the cell is named, what ran is written, the kernel is stopped and its connection file removed;
 * - two runs at once in one checkout: files are written under unique temporary names and renamed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureJupyter, jupyterEnv, OUT_DIR, PROJECT_ROOT, registerKernel, SetupError, type JupyterCommand } from "./jupyter";

/** The Python half (run with the Python that has Jupyter); it lives in the source tree, beside this file's source. */
export const EXECUTE_SCRIPT = path.join(PROJECT_ROOT, "scripts", "execute_notebook.py");

/** Why a run stopped at a cell. */
export type FailureKind = "error" | "timeout" | "dead-kernel" | "interrupted" | "kernel-start";

/** The code cell that stopped the run. */
export interface CellFailure {
  /** Position of the cell in the notebook, 0-based (-1: no cell, the kernel did not start). */
  readonly index: number;
  readonly kind: FailureKind;
  /** The nearest markdown heading above it, e.g. `## 3. Train a baseline Logistic Regression (FP32)`. */
  readonly section: string;
  /** First line of its source. */
  readonly firstLine: string;
  /** What went wrong: what the cell printed as its error (tslab's compile errors go to stderr), or why it stopped. */
  readonly error: string;
}

/** The result of {@link executeNotebook} / {@link runNotebook}. The executed notebook and HTML are written either way. */
export interface ExecutionResult {
  readonly executedPath: string;
  readonly htmlPath: string;
  readonly seconds: number;
  /** The cell that stopped the run, if any (at most one: the run stops there). */
  readonly failures: CellFailure[];
  /** Code cells not run because of it: no execution count, no output, `metadata.headless_run.status` "not run". */
  readonly notRun: number[];
  /** How many code cells ran (the failing one included). */
  readonly ran: number;
  /** False only if the kernel could not be stopped (then it is named by pid in the message). */
  readonly kernelStopped: boolean;
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  /** The longest a cell may run, in seconds (nbconvert's `ExecutePreprocessor.timeout`). Default 600. */
  timeoutSeconds?: number;
  /** The checkout whose kernel runs the notebook. Default: this one. */
  root?: string;
  /** Print each cell as it starts (to stderr). Default false. */
  progress?: boolean;
  /** The kernel's name. Default `tslab` (registered by {@link registerKernel}). */
  kernelName?: string;
}

/**
 * Checks that `outDir` is a folder this process can write in (creating it if missing), so a bad output folder is
 * one line before anything runs, not a stack trace after the notebook ran.
 *
 * @throws SetupError naming the folder and what is wrong with it.
 */
export function checkOutputFolder(outDir: string): void {
  const inside = path.relative(process.cwd(), outDir);
  const shown = inside !== "" && !inside.startsWith("..") && !path.isAbsolute(inside) && process.cwd() !== path.parse(outDir).root ? inside : outDir;
  const fail = (what: string): SetupError => new SetupError(`The output folder ${shown} ${what}.`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOTDIR") throw fail("is inside a file, not a folder: move that file away, then run again");
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw fail(`cannot be read (${(err as Error).message})`);
  }
  if (stat !== undefined && !stat.isDirectory()) throw fail("is a file, not a folder: move it away or delete it, then run again");
  if (stat === undefined) {
    try {
      fs.mkdirSync(outDir, { recursive: true });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw fail(e.code === "ENOTDIR" || e.code === "EEXIST" ? "is inside a file, not a folder: move that file away, then run again" : `cannot be created (${errnoText(e)})`);
    }
  }
  const probe = path.join(outDir, `.write-check-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
  try {
    fs.writeFileSync(probe, "");
  } catch (err) {
    throw fail(`cannot be written (${errnoText(err as NodeJS.ErrnoException)}): make it writable, or run from a copy of the project you can write to`);
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

function errnoText(e: NodeJS.ErrnoException): string {
  if (e.code === "EROFS") return "read-only file system";
  if (e.code === "EACCES" || e.code === "EPERM") return "permission denied";
  if (e.code === "ENOSPC") return "no space left";
  return e.code ?? e.message;
}

/** Everything a run needs, prepared the same way by the sync and the async entry points. */
interface Prepared {
  readonly notebook: string;
  readonly python: readonly string[];
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly runDir: string;
  readonly resultPath: string;
}

function prepare(inputPath: string, outDir: string, options: ExecuteOptions): Prepared {
  if (!fs.existsSync(inputPath) || !fs.statSync(inputPath).isFile()) throw new SetupError(`No notebook at ${inputPath}.`);
  checkOutputFolder(outDir);
  const root = options.root ?? PROJECT_ROOT;
  const jupyter: JupyterCommand = ensureJupyter();
  registerKernel(root);
  const name = path.basename(inputPath, ".ipynb");
  // A private folder for this run: the kernel's connection file, its pid, the result. Removed on every exit path.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "notebook-run-"));
  const resultPath = path.join(runDir, "result.json");
  const args = [
    EXECUTE_SCRIPT,
    path.resolve(inputPath),
    "--executed", path.join(outDir, `${name}.executed.ipynb`),
    "--html", path.join(outDir, `${name}.html`),
    "--result", resultPath,
    "--runtime-dir", runDir,
    "--kernel", options.kernelName ?? "tslab",
    "--timeout", String(options.timeoutSeconds ?? 600),
    "--parent-pid", String(process.pid),
    ...(options.progress ? ["--progress"] : []),
  ];
  const env = { ...jupyterEnv(root), JUPYTER_RUNTIME_DIR: runDir, PYTHONDONTWRITEBYTECODE: "1" };
  return { notebook: inputPath, python: jupyter.python, args, env, runDir, resultPath };
}

/** Reads the Python half's result and removes the run's folder, stopping a kernel it left (only if it was killed). */
function finish(p: Prepared, exit: { status: number | null; signal: NodeJS.Signals | null; stderr: string }): ExecutionResult {
  try {
    stopLeftKernel(p.runDir);
    if (!fs.existsSync(p.resultPath)) {
      const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with status ${exit.status}`;
      throw new Error(`${p.python.join(" ")} ${path.relative(PROJECT_ROOT, EXECUTE_SCRIPT)} ${how} before writing its result:\n${tail(exit.stderr)}`);
    }
    const r = JSON.parse(fs.readFileSync(p.resultPath, "utf8")) as {
      executed: string;
      html: string;
      seconds: number;
      failures: CellFailure[];
      notRun: number[];
      ran: number;
      kernelStopped: boolean;
      writeError?: string;
      notebookError?: string;
    };
    if (r.notebookError !== undefined) throw new SetupError(`Cannot read the notebook ${p.notebook}: ${r.notebookError}.`);
    if (r.writeError !== undefined) throw new SetupError(`The run's outputs could not be written: ${r.writeError}.`);
    return { executedPath: r.executed, htmlPath: r.html, seconds: r.seconds, failures: r.failures, notRun: r.notRun, ran: r.ran, kernelStopped: r.kernelStopped };
  } finally {
    fs.rmSync(p.runDir, { recursive: true, force: true });
  }
}

/** If the Python half died without stopping the kernel (SIGKILL), the kernel's pid file is still there: stop it. */
function stopLeftKernel(runDir: string): void {
  let pids: number[];
  try {
    pids = fs.readFileSync(path.join(runDir, "kernel.pid"), "utf8").trim().split(/\s+/).map(Number);
  } catch {
    return;
  }
  const [pid, pgid] = pids;
  for (const target of [-pgid, pid]) {
    try {
      if (Number.isSafeInteger(target) && target !== 0) process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Executes a notebook headless on the project's tslab kernel, in the notebook's folder as Jupyter does, and writes
 * `<outDir>/<name>.executed.ipynb` and `<outDir>/<name>.html` (under temporary names, then renamed). Synchronous;
 * if this process is killed meanwhile, the Python half notices, stops the kernel and cleans up.
 *
 * @param inputPath - the notebook to run.
 * @param outDir - where the outputs go. Default `<root>/out`.
 * @throws SetupError for what must be fixed first (output folder, Jupyter, kernel); the failing cell is not an
 *   exception but `failures[0]`.
 * @example
 * const r = executeNotebook("notebooks/quantization.ipynb");
 * r.failures; // [] when every cell ran
 */
export function executeNotebook(inputPath: string, outDir = OUT_DIR, options: ExecuteOptions = {}): ExecutionResult {
  const p = prepare(inputPath, outDir, options);
  const r = spawnSync(p.python[0], [...p.python.slice(1), ...p.args], {
    env: p.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", options.progress ? "inherit" : "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  return finish(p, { status: r.status, signal: r.signal, stderr: r.stderr ?? "" });
}

/**
 * {@link executeNotebook}, asynchronously, forwarding SIGINT, SIGTERM and SIGHUP sent to this process to the run
 * (which then names the cell, writes what ran and stops the kernel) instead of dying with the kernel left behind.
 *
 * @returns the result, with `signal` set when the run was stopped by one.
 */
export async function runNotebook(
  inputPath: string,
  outDir = OUT_DIR,
  options: ExecuteOptions = {},
): Promise<ExecutionResult & { signal?: NodeJS.Signals }> {
  const p = prepare(inputPath, outDir, options);
  let child: ChildProcess | undefined;
  let received: NodeJS.Signals | undefined;
  const forward = (sig: NodeJS.Signals): void => {
    received ??= sig;
    child?.kill(sig);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const s of signals) process.on(s, forward);
  try {
    let stderr = "";
    const exit = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child = spawn(p.python[0], [...p.python.slice(1), ...p.args], {
        env: p.env,
        stdio: ["ignore", "ignore", options.progress ? "inherit" : "pipe"],
      });
      child.stderr?.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString("utf8")).slice(-64 * 1024);
      });
      child.on("error", reject);
      child.on("close", (status, signal) => resolve({ status, signal }));
    });
    return { ...finish(p, { ...exit, stderr }), ...(received ? { signal: received } : {}) };
  } finally {
    for (const s of signals) process.off(s, forward);
  }
}

/** Describes a result for a person: one line per failure, then where the outputs are. */
export function describeFailure(f: CellFailure): string {
  if (f.index < 0) return `The run stopped before any cell: ${f.error}`;
  const what = { error: "failed", timeout: "timed out", "dead-kernel": "lost its kernel", interrupted: "was interrupted", "kernel-start": "did not start" }[f.kind];
  return `Cell ${f.index} ${what} (${f.section}; "${f.firstLine}"): ${f.error}`;
}

function tail(text: string, lines = 30): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}
