/**
 * The project's Jupyter kernel: the project's own tslab (`node_modules/tslab`), started with three additions.
 *
 * 1. **Start-up race.** tslab 1.0.22 binds its five ZeroMQ sockets in parallel. When Jupyter's first
 *    `kernel_info_request` reaches the shell socket while iopub is still binding, publishing the "busy" status
 *    throws EBUSY ("Socket is blocked by a bind or unbind operation"), the request is never answered and the
 *    Notebook waits for the kernel forever (seen with Notebook 6.4 on a loaded 2-core machine). Here every other
 *    socket waits until iopub is bound ({@link bindIopubFirst}).
 * 2. **Any folder.** A notebook anywhere (a copy in `~/assignments/`, a read-only shared checkout) imports
 *    `quantization-lesson/…`, `danfojs-node` etc. from this checkout: TypeScript sees them through a virtual
 *    `/node_modules` and Node through `NODE_PATH` (see ./kernel-modules).
 * 3. **Display.** tslab's publisher (`lastWriteDisplayData`, the writer of the cell being executed) is handed to
 *    the lib under `Symbol.for("quantization-lesson.display")` (lib/display/transport.ts), typed.
 * 4. **No orphan.** When the process that started the kernel is gone (killed with its client, say), the kernel
 *    removes its connection file and ends, even in the middle of an endless cell ({@link exitWithParent}), as
 *    ipykernel's parent poller does.
 *
 * kernel.json (./kernel-install): `[node, "-e", <check the launcher exists>, <root>/dist/scripts/tslab-kernel.js,
 * "--config-path", "{connection_file}", "--resource-dir", "{resource_dir}"]`, with `env.NODE_PATH`. Problems it can name (tslab not installed, the
 * package link missing) end the process at once with a message on stderr and exit status 1.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type * as TslabJupyter from "tslab/dist/jupyter";
import type * as TslabMain from "tslab/dist/main";
import type * as TslabUtil from "tslab/dist/util";
import { registerKernelDisplay, type DisplayPublisher, type KernelDisplay } from "../lib/display/transport";
import { ensurePackageLink, forwardModulesToProject, kernelModuleDirs, packageLinkOk, type ResolutionSystem } from "./kernel-modules";

/** The checkout this launcher belongs to (it runs as `<root>/dist/scripts/tslab-kernel.js`). */
export const KERNEL_ROOT = path.resolve(__dirname, "..", "..");

/** The part of tslab's `ZmqServer` the fix touches (`bindSocket` is private in its typings). */
export interface SocketBinder {
  iopub?: unknown;
  iopubBound?: Promise<void>;
  bindSocket(sock: unknown, port: number): Promise<void>;
}

/**
 * Makes `bindSocket` bind iopub first and every other socket after it. tslab's `init()` asks for iopub first,
 * so its promise is recorded before the others ask. Idempotent.
 */
export function bindIopubFirst(proto: SocketBinder): void {
  const original = proto.bindSocket as SocketBinder["bindSocket"] & { iopubFirst?: true };
  if (original.iopubFirst) return;
  const patched = function (this: SocketBinder, sock: unknown, port: number): Promise<void> {
    if (sock === this.iopub) {
      this.iopubBound = original.call(this, sock, port);
      return this.iopubBound;
    }
    return (this.iopubBound ?? Promise.resolve()).then(() => original.call(this, sock, port));
  };
  Object.assign(patched, { iopubFirst: true as const });
  proto.bindSocket = patched;
}

/** Reads `--config-path <file>` (or `--config-path=<file>`), as `tslab kernel` does. */
export function configPathFrom(argv: readonly string[]): string {
  const i = argv.indexOf("--config-path");
  const inline = argv.find((a) => a.startsWith("--config-path="));
  const value = inline ? inline.slice("--config-path=".length) : i >= 0 ? argv[i + 1] : undefined;
  if (!value) throw new KernelStartError("tslab-kernel: missing --config-path <connection file> (Jupyter passes {connection_file})");
  return value;
}

/** A reason the kernel cannot start, with what to do. */
export class KernelStartError extends Error {
  override name = "KernelStartError";
}

/** tslab's modules, loaded from `root`'s node_modules (never a global tslab). */
interface Tslab {
  readonly jupyter: typeof TslabJupyter;
  readonly main: typeof TslabMain;
  readonly util: typeof TslabUtil;
  /** tslab's own TypeScript (`@tslab/typescript-for-tslab`), whose `sys` its compiler host reads. */
  readonly ts: { readonly sys: ResolutionSystem };
}

/** Loads tslab from `root`, or says how to install it. */
export function loadTslab(root: string): Tslab {
  const fromRoot = createRequire(path.join(root, "package.json"));
  try {
    const converter = fromRoot.resolve("tslab/dist/converter");
    return {
      jupyter: fromRoot("tslab/dist/jupyter") as typeof TslabJupyter,
      main: fromRoot("tslab/dist/main") as typeof TslabMain,
      util: fromRoot("tslab/dist/util") as typeof TslabUtil,
      ts: createRequire(converter)("@tslab/typescript-for-tslab") as { sys: ResolutionSystem },
    };
  } catch (err) {
    throw new KernelStartError(
      `TypeScript kernel (tslab): cannot load tslab from ${path.join(root, "node_modules")} (${(err as Error).message.split("\n")[0]}).\n` +
        `Run \`npm ci && npm run build\` in ${root}, then install the kernel again (npm run kernel …).`,
    );
  }
}

/**
 * The publisher the lib reads (lib/display/transport.ts): tslab's writer for the cell being executed, looked up
 * on every call because tslab replaces it on every execute request.
 */
export function tslabDisplay(jupyter: Pick<typeof TslabJupyter, "lastWriteDisplayData">): KernelDisplay {
  return {
    kernel: "tslab",
    publish: (content, update) => {
      // tslab types the bundle's values as strings, but the message is JSON-serialized, so JSON values (plotly's
      // application/vnd.plotly.v1+json) go through unchanged. null until the first execute request.
      const write = jupyter.lastWriteDisplayData as unknown as DisplayPublisher | null;
      if (!write) throw new Error("display: no cell is being executed, so there is nowhere to send the output");
      write(content, update);
    },
  };
}

/** Warns (stderr) when the kernel was started without its `NODE_PATH` (an older kernel.json). */
function checkNodePath(root: string): void {
  const have = (process.env.NODE_PATH ?? "").split(path.delimiter);
  const missing = kernelModuleDirs(root).filter((d) => !have.includes(d));
  if (missing.length > 0) {
    process.stderr.write(
      `TypeScript kernel (tslab): NODE_PATH lacks ${missing.join(", ")}, so a notebook outside ${root} cannot load the lib; ` +
        "install the kernel again (npm run kernel …) to update its kernel.json.\n",
    );
  }
}

/**
 * Starts the kernel for Jupyter: `argv` is what follows the launcher on the command line
 * (`--config-path <connection file>`).
 *
 * @throws KernelStartError with what to do, before anything is started.
 */
export function startProjectKernel(argv: readonly string[], root = KERNEL_ROOT): void {
  const configPath = configPathFrom(argv);
  const tslab = loadTslab(root);
  if (!packageLinkOk(root)) {
    try {
      ensurePackageLink(root);
    } catch (err) {
      throw new KernelStartError(`TypeScript kernel (tslab): ${(err as Error).message}.\nInstall the kernel again from ${root} (npm run kernel …).`);
    }
  }
  checkNodePath(root);
  forwardModulesToProject(tslab.ts.sys, kernelModuleDirs(root));
  registerKernelDisplay(tslabDisplay(tslab.jupyter));
  bindIopubFirst(tslab.jupyter.ZmqServer.prototype as unknown as SocketBinder);
  tslab.main.startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: tslab.util.getVersion() });
}

/**
 * Ends this process (SIGKILL, after removing `connectionFile`) once its parent is gone: a worker thread looks at
 * the parent pid every `intervalMs`, so an endless cell on the main thread cannot stop it. Only when started by
 * Jupyter (`JPY_PARENT_PID`, set by jupyter_client, is our parent); returns whether it watches.
 */
export function exitWithParent(connectionFile: string | undefined, env: NodeJS.ProcessEnv = process.env, intervalMs = 500): boolean {
  const parent = Number(env.JPY_PARENT_PID);
  if (!Number.isSafeInteger(parent) || parent <= 1 || parent !== process.ppid) return false;
  const code =
    'const { workerData: w } = require("node:worker_threads"); const fs = require("node:fs");' +
    "setInterval(() => { if (process.ppid !== w.parent) {" +
    " try { if (w.file) fs.rmSync(w.file, { force: true }); } finally { process.kill(process.pid, 'SIGKILL'); } } }, w.intervalMs);";
  const { Worker } = require("node:worker_threads") as typeof import("node:worker_threads");
  new Worker(code, { eval: true, workerData: { parent, file: connectionFile, intervalMs } }).unref();
  return true;
}

/** kernel.json's entry point (through `node -e`): starts the kernel, or prints why not and exits 1. */
export function main(argv: readonly string[]): void {
  try {
    exitWithParent(argv.includes("--config-path") || argv.some((a) => a.startsWith("--config-path=")) ? configPathFrom(argv) : undefined);
    startProjectKernel(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof KernelStartError ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  }
}

if (require.main === module) main(process.argv.slice(2));
