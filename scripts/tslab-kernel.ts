/**
 * The project's Jupyter kernel: the project's own tslab (`node_modules/tslab`), started with one fix.
 *
 * tslab 1.0.22 binds its five ZeroMQ sockets in parallel. When Jupyter's first `kernel_info_request` reaches the
 * shell socket while iopub is still binding, publishing the "busy" status throws EBUSY ("Socket is blocked by a
 * bind or unbind operation"), the request is never answered and the Notebook waits for the kernel forever (seen
 * with Notebook 6.4 on a loaded 2-core machine). Here every other socket waits until iopub is bound, so no request
 * can arrive before the kernel can publish.
 *
 * kernel.json: `[node, <root>/dist/scripts/tslab-kernel.js, "--config-path", "{connection_file}"]`.
 */
import * as tslabJupyter from "tslab/dist/jupyter";
import { startKernel } from "tslab/dist/main";
import { getVersion } from "tslab/dist/util";

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
  if (!value) throw new Error("tslab-kernel: missing --config-path <connection file> (Jupyter passes {connection_file})");
  return value;
}

if (require.main === module) {
  bindIopubFirst(tslabJupyter.ZmqServer.prototype as unknown as SocketBinder);
  startKernel({ configPath: configPathFrom(process.argv.slice(2)), enableFindLocal: false, jsKernel: false, globalVersion: getVersion() });
}
