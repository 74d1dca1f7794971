/**
 * Where and how the "TypeScript" kernel (the project's tslab) is registered with Jupyter.
 *
 * Targets, as `jupyter kernelspec install` names them (the kernelspec lands in `<data dir>/kernels/tslab`):
 *
 * | flag            | data dir                                                    |
 * | --------------- | ----------------------------------------------------------- |
 * | (none)          | `<checkout>/.jupyter` (found through `JUPYTER_PATH`)        |
 * | `--user`        | Jupyter's user data dir (`~/.local/share/jupyter`)          |
 * | `--sys-prefix`  | `<sys.prefix of Jupyter's Python>/share/jupyter` (`/usr/share/jupyter` on Debian) |
 * | `--prefix=DIR`  | `DIR/share/jupyter`                                         |
 * | `--system`      | Jupyter's first system data dir (`/usr/local/share/jupyter`)|
 *
 * The Jupyter paths are asked of the Python that runs the `jupyter` command on PATH, so they are the ones that
 * Jupyter will search (on Debian, `/usr/bin/python3`, whatever `python3` comes first on PATH).
 *
 * kernel.json runs `node -e <check>`: when the checkout has been moved or deleted, a stand-in kernel
 * (./kernel-missing.py, copied beside kernel.json) answers every cell with a message that says how to install the
 * kernel again, instead of Jupyter retrying a launcher that is not there.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensurePackageLink, kernelModuleDirs } from "./kernel-modules";

/** The kernel's name (the notebook's `metadata.kernelspec.name`). */
export const KERNEL_NAME = "tslab";

/** A missing prerequisite or a bad argument, with what to do in `message`. */
export class KernelInstallError extends Error {
  override name = "KernelInstallError";
}

/** Where the kernelspec goes. */
export type InstallTarget =
  | { readonly kind: "project" }
  | { readonly kind: "user" }
  | { readonly kind: "sys-prefix" }
  | { readonly kind: "system" }
  | { readonly kind: "prefix"; readonly prefix: string };

/** The flags `npm run kernel --` accepts, for usage and error messages. */
export const INSTALL_FLAGS: readonly string[] = ["--user", "--sys-prefix", "--prefix=DIR", "--system", "--help"];

export const INSTALL_USAGE =
  "usage: npm run kernel [-- --user | --sys-prefix | --prefix=DIR | --system]\n" +
  "  (no flag)      in this checkout's .jupyter/ (npm start and npm run notebook use it)\n" +
  "  --user         for your Jupyter user (~/.local/share/jupyter/kernels/tslab)\n" +
  "  --sys-prefix   for everyone using this Jupyter (<sys.prefix>/share/jupyter/kernels/tslab; /usr/share/jupyter on Debian)\n" +
  "  --prefix=DIR   in DIR/share/jupyter/kernels/tslab, as `jupyter kernelspec install --prefix=DIR`\n" +
  "  --system       in Jupyter's system-wide folder (/usr/local/share/jupyter/kernels/tslab)";

/**
 * Parses `npm run kernel -- …`'s arguments. At most one target flag; anything else is an error that lists the
 * valid flags.
 *
 * @example
 * parseInstallArgs(["--prefix=/usr/local"]); // { target: { kind: "prefix", prefix: "/usr/local" }, help: false }
 * parseInstallArgs(["--global"]);            // throws: unknown argument "--global"; valid: --user, --sys-prefix, …
 */
export function parseInstallArgs(argv: readonly string[], cwd = process.cwd()): { target: InstallTarget; help: boolean } {
  const targets: InstallTarget[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") help = true;
    else if (a === "--user") targets.push({ kind: "user" });
    else if (a === "--sys-prefix") targets.push({ kind: "sys-prefix" });
    else if (a === "--system") targets.push({ kind: "system" });
    else if (a === "--prefix" || a.startsWith("--prefix=")) {
      const value = a === "--prefix" ? argv[++i] : a.slice("--prefix=".length);
      if (value === undefined || value === "" || value.startsWith("--")) {
        throw new KernelInstallError(`npm run kernel: --prefix needs a folder (--prefix=DIR)\n${INSTALL_USAGE}`);
      }
      targets.push({ kind: "prefix", prefix: path.resolve(cwd, value) });
    } else {
      throw new KernelInstallError(`npm run kernel: unknown argument ${JSON.stringify(a)}; valid: ${INSTALL_FLAGS.join(", ")}\n${INSTALL_USAGE}`);
    }
  }
  if (targets.length > 1) {
    throw new KernelInstallError(`npm run kernel: choose one of --user, --sys-prefix, --prefix=DIR, --system (got ${argv.filter((a) => a !== "--help").join(" ")})`);
  }
  return { target: targets[0] ?? { kind: "project" }, help };
}

/**
 * The target flags npm kept for itself: `npm run kernel --user` (without `--`) passes nothing to the script and
 * sets `npm_config_user=true` instead. (`--prefix` without `--` is npm's own option and never reaches us.)
 *
 * @example
 * flagsTakenByNpm({ npm_config_sys_prefix: "true" }); // ["--sys-prefix"]
 */
export function flagsTakenByNpm(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const flags: Array<[string, string]> = [["npm_config_user", "--user"], ["npm_config_sys_prefix", "--sys-prefix"], ["npm_config_system", "--system"]];
  return flags.filter(([key]) => env[key] === "true").map(([, flag]) => flag);
}

/** The command that installs to `target` again (shown when the kernel cannot start). */
export function installCommand(target: InstallTarget): string {
  switch (target.kind) {
    case "project": return "npm run kernel";
    case "user": return "npm run kernel -- --user";
    case "sys-prefix": return "npm run kernel -- --sys-prefix";
    case "system": return "npm run kernel -- --system";
    case "prefix": return `npm run kernel -- --prefix=${target.prefix}`;
  }
}

/** Jupyter's own data folders, as its Python reports them. */
export interface JupyterDataDirs {
  /** `jupyter_core.paths.jupyter_data_dir()`, e.g. `~/.local/share/jupyter`. */
  readonly user: string;
  /** `sys.prefix` of the Python running Jupyter, e.g. `/usr`. */
  readonly sysPrefix: string;
  /** `jupyter_core.paths.SYSTEM_JUPYTER_PATH[0]`, e.g. `/usr/local/share/jupyter`. */
  readonly system: string;
}

function findOnPath(cmd: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The interpreter (argv) of the `jupyter` command on PATH, read from its `#!` line; `undefined` without Jupyter.
 * On Debian: `["/usr/bin/python3"]` even when a pyenv `python3` comes first on PATH.
 */
export function jupyterPython(envPath = process.env.PATH ?? ""): string[] | undefined {
  const jupyter = findOnPath("jupyter", envPath);
  if (!jupyter) return undefined;
  const firstLine = fs.readFileSync(jupyter, "utf8").slice(0, 512).split("\n")[0];
  if (!firstLine.startsWith("#!")) return undefined;
  const argv = firstLine.slice(2).trim().split(/\s+/);
  return argv.length > 0 && argv[0] !== "" ? argv : undefined;
}

const PATHS_SCRIPT =
  "import json, sys\nfrom jupyter_core import paths\n" +
  "print(json.dumps({'user': paths.jupyter_data_dir(), 'sysPrefix': sys.prefix, 'system': paths.SYSTEM_JUPYTER_PATH[0]}))";

/** Asks Jupyter's Python for its data folders; `undefined` when there is no Jupyter to ask. */
export function jupyterDataDirs(env: NodeJS.ProcessEnv = process.env): JupyterDataDirs | undefined {
  const python = jupyterPython(env.PATH);
  if (!python) return undefined;
  const res = spawnSync(python[0], [...python.slice(1), "-c", PATHS_SCRIPT], { encoding: "utf8", env, timeout: 60_000 });
  if (res.status !== 0) return undefined;
  const parsed = JSON.parse(res.stdout.trim().split("\n").pop() ?? "") as Partial<JupyterDataDirs>;
  if (typeof parsed.user !== "string" || typeof parsed.sysPrefix !== "string" || typeof parsed.system !== "string") return undefined;
  return { user: parsed.user, sysPrefix: parsed.sysPrefix, system: parsed.system };
}

/**
 * The data folder a target puts `kernels/tslab` in (what `jupyter kernelspec install` would use for the same
 * flag). Without Jupyter, `--user` and `--system` fall back to jupyter_core's Linux defaults and `--sys-prefix`
 * is an error (only Jupyter's Python knows its prefix).
 */
export function dataDirFor(target: InstallTarget, root: string, dirs: JupyterDataDirs | undefined = target.kind === "project" || target.kind === "prefix" ? undefined : jupyterDataDirs()): string {
  switch (target.kind) {
    case "project": return path.join(root, ".jupyter");
    case "prefix": return path.join(target.prefix, "share", "jupyter");
    case "user": return dirs?.user ?? process.env.JUPYTER_DATA_DIR ?? path.join(os.homedir(), ".local", "share", "jupyter");
    case "system": return dirs?.system ?? "/usr/local/share/jupyter";
    case "sys-prefix":
      if (!dirs) throw new KernelInstallError("npm run kernel -- --sys-prefix: no `jupyter` command on PATH to ask for its sys.prefix; install Jupyter first, or use --prefix=DIR");
      return path.join(dirs.sysPrefix, "share", "jupyter");
  }
}

/** The kernel.json this project writes. */
export interface KernelSpecJson {
  readonly argv: string[];
  readonly display_name: string;
  readonly language: string;
  /** `NODE_PATH`: the project's packages, for a notebook in any folder (see ./kernel-modules). */
  readonly env: Readonly<Record<string, string>>;
  readonly metadata: { readonly "quantization-lesson": { readonly root: string; readonly reinstall: string } };
}

/** The stand-in kernel that shows, in the notebook, why the real one cannot start (copied into the kernelspec). */
export const MISSING_KERNEL_FILE = "kernel-missing.py";

/**
 * The `node -e` program kernel.json runs. `process.argv` is `[node, launcher, "--config-path", <connection file>,
 * "--resource-dir", <kernelspec folder>]`. If the launcher is there, it starts it. If not (the checkout was
 * moved or deleted), it prints what to do on stderr (the server's log) and, when it can, runs
 * `<kernelspec folder>/kernel-missing.py` with Jupyter's Python: a stand-in kernel that answers every cell with
 * the same message, so the student reads it in the notebook; otherwise it exits 1 at once (Jupyter reports the
 * kernel dead).
 *
 * @param python - Jupyter's Python (argv), recorded at install; `undefined` to only exit.
 */
export function launcherCheck(root: string, reinstall: string, python: readonly string[] | undefined): string {
  const message =
    `The TypeScript kernel cannot start: its files in ${root} are gone (the checkout was moved, deleted or not built).\n` +
    `Install the kernel again (or ask your course's admin to): cd <the checkout> && npm ci && npm run build && ${reinstall}\n`;
  return [
    'const fs=require("fs"),[l,...a]=process.argv.slice(1);',
    `if(!fs.existsSync(l)){const m=${JSON.stringify(message)},p=${JSON.stringify(python ?? null)};process.stderr.write(m);`,
    `const f=a[a.indexOf("--resource-dir")+1]+"/${MISSING_KERNEL_FILE}",c=a[a.indexOf("--config-path")+1];`,
    'if(p&&fs.existsSync(p[0])&&fs.existsSync(f)){const r=require("child_process").spawnSync(p[0],[...p.slice(1),f,c,m],{stdio:"inherit"});process.exit(r.status===0?0:1)}',
    "process.exit(1)}",
    "require(l).main(a)",
  ].join("");
}

/**
 * The kernel.json that starts the project's own tslab (never a global one) through `dist/scripts/tslab-kernel.js`.
 * Node is named by its absolute path, so the kernel starts where Jupyter's PATH has no node (a hub's spawner).
 */
export function kernelSpec(root: string, target: InstallTarget = { kind: "project" }, python: readonly string[] | undefined = jupyterPython()): KernelSpecJson {
  const tslab = path.join(root, "node_modules", "tslab", "dist", "main.js");
  if (!fs.existsSync(tslab)) {
    throw new KernelInstallError(`tslab is not installed at ${path.dirname(path.dirname(tslab))}: run \`npm ci\` in ${root} first.`);
  }
  const launcher = path.join(root, "dist", "scripts", "tslab-kernel.js");
  if (!fs.existsSync(launcher)) {
    throw new KernelInstallError(`${launcher} is missing: run \`npm run build\` in ${root} first.`);
  }
  const reinstall = installCommand(target);
  return {
    argv: [process.execPath, "-e", launcherCheck(root, reinstall, python), launcher, "--config-path", "{connection_file}", "--resource-dir", "{resource_dir}"],
    display_name: "TypeScript",
    language: "typescript",
    env: { NODE_PATH: kernelModuleDirs(root).join(path.delimiter) },
    metadata: { "quantization-lesson": { root, reinstall } },
  };
}

/**
 * The first folder at or above `dir` that other users cannot enter (no `o+x`) or list, or `undefined`. A shared
 * install needs the checkout readable by every student (a clone under `/root`, mode 700, is not).
 */
export function unreadableByOthers(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0 || (d === path.resolve(dir) && (mode & 0o004) === 0)) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** What {@link registerKernel} did. */
export interface Registration {
  /** The data folder (`<it>/kernels/tslab/kernel.json`); for the project target, what `JUPYTER_PATH` needs. */
  readonly dataDir: string;
  /** `<dataDir>/kernels/tslab`. */
  readonly kernelDir: string;
  readonly spec: KernelSpecJson;
}

/**
 * Registers the kernel as `tslab` ("TypeScript") for `target`, replacing an earlier registration there, and
 * makes sure the lib resolves by its package name (`dist/node_modules/quantization-lesson`). Files are written
 * world-readable, so a shared install serves every user.
 *
 * @example
 * registerKernelAt(PROJECT_ROOT, { kind: "prefix", prefix: "/usr/local" }).kernelDir; // "/usr/local/share/jupyter/kernels/tslab"
 */
export function registerKernelAt(root: string, target: InstallTarget, dirs?: JupyterDataDirs): Registration {
  const spec = kernelSpec(root, target);
  try {
    ensurePackageLink(root);
  } catch (err) {
    throw new KernelInstallError(`${(err as Error).message}\nThe kernel needs it to find the lib from any folder; run the install from an account that can write ${root}.`);
  }
  const dataDir = dirs === undefined ? dataDirFor(target, root) : dataDirFor(target, root, dirs);
  const kernelDir = path.join(dataDir, "kernels", KERNEL_NAME);
  try {
    fs.mkdirSync(kernelDir, { recursive: true, mode: 0o755 });
    const file = path.join(kernelDir, "kernel.json");
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(spec, null, 2) + "\n", { mode: 0o644 });
    fs.renameSync(tmp, file);
    fs.chmodSync(file, 0o644);
    const standIn = path.join(root, "scripts", MISSING_KERNEL_FILE);
    if (fs.existsSync(standIn)) {
      fs.copyFileSync(standIn, path.join(kernelDir, MISSING_KERNEL_FILE));
      fs.chmodSync(path.join(kernelDir, MISSING_KERNEL_FILE), 0o644);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === "EACCES" || e.code === "EPERM" ? " (run it as a user who can write there, e.g. with sudo, or choose --user / --prefix=DIR)" : "";
    throw new KernelInstallError(`cannot write the kernelspec in ${kernelDir}: ${e.message}${hint}`);
  }
  return { dataDir, kernelDir, spec };
}
