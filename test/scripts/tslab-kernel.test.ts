import { test } from "node:test";
import assert from "node:assert/strict";
import * as tslabJupyter from "tslab/dist/jupyter";
import { bindIopubFirst, configPathFrom, type SocketBinder } from "../../scripts/tslab-kernel";

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
