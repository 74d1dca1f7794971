/**
 * Jupyter plumbing for `npm start`, `npm run notebook` and the tests: find (or install) Jupyter, register the
 * tslab kernel inside the project, execute a notebook headless and export it to HTML.
 *
 * Nothing outside the project is touched unless asked: the kernel is registered in `<root>/.jupyter/kernels/tslab`
 * and found through `JUPYTER_PATH`; `registerKernel(root, { user: true })` is the per-user (JupyterHub) variant.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { KernelInstallError, kernelSpec as kernelSpecFor, registerKernelAt, type KernelSpecJson } from "./kernel-install";

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

/** How to run Jupyter here: the `jupyter` command (argv) and the Python (argv) that has nbclient and nbconvert. */
export interface JupyterCommand {
  /** `["/usr/bin/jupyter"]`, or `[python, "-m", "jupyter"]` when only the Python modules are there. */
  readonly jupyter: readonly string[];
  /** The interpreter of that `jupyter`, from its `#!` line: Debian's `["/usr/bin/python3"]` even when a pyenv
   * `python3` comes first on PATH. */
  readonly python: readonly string[];
}

/** Where Jupyter is looked for after PATH: Debian's (and pip's system-wide) place, found even when PATH lacks it. */
export const JUPYTER_FALLBACKS: readonly string[] = ["/usr/bin/jupyter", "/usr/local/bin/jupyter"];
/** The Pythons tried last, for their modules (`python3 -m jupyter`), when no `jupyter` command is found. */
const PYTHON_FALLBACKS: readonly string[] = ["/usr/bin/python3"];
const NEEDED_MODULES = "nbclient, nbconvert, nbformat, jupyter_client";

/** Where to look: `path` replaces PATH, `fallbacks` the places after it (both for tests). */
export interface FindJupyterOptions {
  path?: string;
  fallbacks?: readonly string[];
  pythonFallbacks?: readonly string[];
}

/**
 * Finds a Jupyter that can execute notebooks: each `jupyter` on PATH, then {@link JUPYTER_FALLBACKS}, then
 * `/usr/bin/python3 -m jupyter`; the first whose Python imports nbclient, nbconvert, nbformat and jupyter_client.
 *
 * @returns `found`, or `problems`: one line for each Jupyter that is there but cannot run notebooks, and why.
 */
export function findJupyter(options: FindJupyterOptions = {}): { found?: JupyterCommand; problems: string[] } {
  const dirs = (options.path ?? process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
  const candidates = [...dirs.map((d) => path.join(d, "jupyter")), ...(options.fallbacks ?? JUPYTER_FALLBACKS)];
  const problems: string[] = [];
  const seen = new Set<string>();
  const canImport = (python: readonly string[]): string | undefined => {
    const r = spawnSync(python[0], [...python.slice(1), "-c", `import ${NEEDED_MODULES}`], { encoding: "utf8", timeout: 60_000 });
    if (r.status === 0) return undefined;
    return r.error ? r.error.message : (r.stderr ?? "").trim().split("\n").pop() ?? `exit ${r.status}`;
  };
  for (const candidate of candidates) {
    let real: string;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      real = fs.realpathSync(candidate);
      if (!fs.statSync(real).isFile() || seen.has(real)) continue;
    } catch {
      continue;
    }
    seen.add(real);
    const firstLine = fs.readFileSync(real, "latin1").slice(0, 512).split("\n")[0];
    const python = firstLine.startsWith("#!") ? firstLine.slice(2).trim().split(/\s+/) : [];
    if (python.length === 0 || python[0] === "") {
      problems.push(`${candidate} has no #! line naming its Python`);
      continue;
    }
    const why = canImport(python);
    if (why === undefined) return { found: { jupyter: [candidate], python }, problems };
    problems.push(`${candidate} runs ${python.join(" ")}, which cannot import ${NEEDED_MODULES}: ${why}`);
  }
  for (const py of options.pythonFallbacks ?? PYTHON_FALLBACKS) {
    if (!fs.existsSync(py) || canImport([py]) !== undefined) continue;
    return { found: { jupyter: [py, "-m", "jupyter"], python: [py] }, problems };
  }
  return { problems };
}

/** True when {@link findJupyter} finds a Jupyter that can execute notebooks. */
export function hasJupyter(options: FindJupyterOptions = {}): boolean {
  return findJupyter(options).found !== undefined;
}

/**
 * Makes sure Jupyter can execute notebooks and says how to run it. When it is missing and we are root on a machine
 * with apt-get, installs the Debian packages (saying so); otherwise, or when that did not help, throws a
 * {@link SetupError} saying what is wrong and the command to run.
 */
export function ensureJupyter(options: { install?: boolean } & FindJupyterOptions = {}): JupyterCommand {
  const first = findJupyter(options);
  if (first.found) return first.found;
  const found = (problems: string[]): string =>
    problems.length > 0 ? `Jupyter is here but cannot run notebooks:\n${problems.map((p) => `  ${p}`).join("\n")}\n` : "";
  const canApt = process.getuid?.() === 0 && run("apt-get", ["--version"], undefined, 30_000).status === 0;
  if (options.install !== false && canApt) {
    console.log(`Jupyter not found: installing Debian packages ${JUPYTER_APT_PACKAGES.join(" ")} …`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    const install = spawnSync("apt-get", ["install", "-y", "-q", ...JUPYTER_APT_PACKAGES], { stdio: "inherit", env });
    if (update.status !== 0 || install.status !== 0) {
      const which = update.status !== 0 ? `apt-get update (exit ${update.status ?? update.signal})` : `apt-get install (exit ${install.status ?? install.signal})`;
      throw new SetupError(`Installing Jupyter with apt-get failed: ${which}.\n${INSTALL_HINT}`);
    }
    const after = findJupyter(options);
    if (after.found) return after.found;
    throw new SetupError(
      `apt-get installed ${JUPYTER_APT_PACKAGES.join(" ")}, but no Jupyter that can run notebooks was found ` +
        `(looked on PATH, in ${(options.fallbacks ?? JUPYTER_FALLBACKS).join(", ")}).\n${found(after.problems)}${INSTALL_HINT}`,
    );
  }
  throw new SetupError(`${found(first.problems)}${INSTALL_HINT}`);
}

/**
 * The kernel.json that starts the project's own tslab (never a global one); see ./kernel-install.
 * @throws SetupError when tslab is not installed or the launcher not built.
 */
export function kernelSpec(root = PROJECT_ROOT): KernelSpecJson {
  return asSetupError(() => kernelSpecFor(root));
}

/**
 * Registers the tslab kernel as `tslab` ("TypeScript"). By default in `<root>/.jupyter` (use {@link jupyterEnv} so
 * Jupyter finds it); with `user: true` in the per-user Jupyter data folder (usually `~/.local/share/jupyter`).
 * Shared installs (`--sys-prefix`, `--prefix=DIR`, `--system`): `registerKernelAt` in ./kernel-install.
 *
 * @returns the folder that holds `kernels/tslab/kernel.json`.
 */
export function registerKernel(root = PROJECT_ROOT, options: { user?: boolean } = {}): string {
  return asSetupError(() => registerKernelAt(root, options.user ? { kind: "user" } : { kind: "project" }).dataDir);
}

function asSetupError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof KernelInstallError ? new SetupError(err.message) : err;
  }
}

/** The environment in which Jupyter sees the project's kernel (`JUPYTER_PATH` first) and nothing else changes. */
export function jupyterEnv(root = PROJECT_ROOT, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = path.join(root, ".jupyter");
  return { ...base, JUPYTER_PATH: base.JUPYTER_PATH ? `${own}${path.delimiter}${base.JUPYTER_PATH}` : own, PYDEVD_DISABLE_FILE_VALIDATION: "1" };
}

// Executing notebooks headless lives in ./execute-notebook; re-exported for the callers that import it from here.
export {
  checkOutputFolder,
  describeFailure,
  executeNotebook,
  runNotebook,
  type CellFailure,
  type ExecuteOptions,
  type ExecutionResult,
  type FailureKind,
} from "./execute-notebook";
