import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tslabJupyter from "tslab/dist/jupyter";
import { displayBundle, KERNEL_DISPLAY_KEY, registerKernelDisplay, type DisplayData } from "../../lib/display/transport";
import { bindIopubFirst, configPathFrom, KernelStartError, loadTslab, tslabDisplay, type SocketBinder } from "../../scripts/tslab-kernel";
import { ROOT } from "../helpers/paths";

test("tslab's ZmqServer still has the bindSocket this fix wraps", () => {
  assert.equal(typeof (tslabJupyter.ZmqServer.prototype as unknown as SocketBinder).bindSocket, "function");
});

test("bindIopubFirst: no socket starts binding before iopub has finished", async () => {
  const events: string[] = [];
  const proto: SocketBinder = {
    async bindSocket(sock: unknown, port: number): Promise<void> {
      events.push(`start ${String(sock)}`);
      await new Promise((r) => setTimeout(r, sock === "iopub" ? 30 : 1));
      events.push(`done ${String(sock)}:${port}`);
    },
  };
  bindIopubFirst(proto);
  bindIopubFirst(proto); // idempotent
  const server = Object.assign(Object.create(proto) as SocketBinder, { iopub: "iopub" });
  // The order tslab's init() uses: iopub first, then the others, all at once.
  await Promise.all([server.bindSocket("iopub", 1), server.bindSocket("shell", 2), server.bindSocket("control", 3), server.bindSocket("hb", 5)]);
  assert.deepEqual(events.slice(0, 2), ["start iopub", "done iopub:1"]);
  assert.equal(events.length, 8);
});

test("configPathFrom reads --config-path as tslab does, and says what is missing", () => {
  assert.equal(configPathFrom(["--config-path", "/tmp/k.json"]), "/tmp/k.json");
  assert.equal(configPathFrom(["--config-path=/tmp/k.json"]), "/tmp/k.json");
  assert.throws(() => configPathFrom([]), /missing --config-path <connection file>/);
});

test("configPathFrom: without --config-path the launcher exits 1 at once, saying what Jupyter should pass", () => {
  const res = spawnSync(process.execPath, [path.join(ROOT, "dist", "scripts", "tslab-kernel.js")], { encoding: "utf8", timeout: 20_000 });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /missing --config-path <connection file>/);
});

test("loadTslab from a checkout without node_modules says to run npm ci and install again", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-modules-"));
  fs.writeFileSync(path.join(empty, "package.json"), "{}");
  assert.throws(() => loadTslab(empty), (err: Error) => {
    assert.ok(err instanceof KernelStartError);
    assert.match(err.message, new RegExp(`cannot load tslab from ${path.join(empty, "node_modules")}`));
    assert.match(err.message, /Run `npm ci && npm run build` in .*, then install the kernel again/);
    return true;
  });
  assert.equal(typeof loadTslab(ROOT).main.startKernel, "function");
});

test("tslabDisplay hands the lib tslab's writer of the current cell, read at each call", () => {
  const sent: Array<[DisplayData, boolean]> = [];
  // tslab's writer is null until the first execute request (its typings say otherwise).
  const jupyter = { lastWriteDisplayData: null } as unknown as Pick<typeof tslabJupyter, "lastWriteDisplayData">;
  const display = tslabDisplay(jupyter);
  assert.equal(display.kernel, "tslab");
  const content: DisplayData = { data: { "text/plain": "x", "application/json": { a: 1 } }, metadata: {}, transient: {} };
  assert.throws(() => display.publish(content, false), /no cell is being executed/);
  jupyter.lastWriteDisplayData = (d, u) => void sent.push([d as DisplayData, u]);
  display.publish(content, false);
  display.publish(content, true);
  assert.deepEqual(sent, [[content, false], [content, true]]);
});

test("the lib's displayBundle goes through the publisher registered under Symbol.for(\"quantization-lesson.display\")", () => {
  const sent: DisplayData[] = [];
  assert.equal(KERNEL_DISPLAY_KEY, Symbol.for("quantization-lesson.display"));
  registerKernelDisplay({ kernel: "test", publish: (content) => void sent.push(content) });
  try {
    displayBundle({ "text/html": "<b>x</b>", "text/plain": "x" });
  } finally {
    registerKernelDisplay(undefined);
  }
  assert.deepEqual(sent, [{ data: { "text/html": "<b>x</b>", "text/plain": "x" }, metadata: {}, transient: {} }]);
});
