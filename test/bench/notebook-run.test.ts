import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { printedRssKb, withRssCell } from "../../bench/notebook-run";

const nb = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", id: "a", metadata: {}, source: ["# 0."] },
    { cell_type: "code", id: "b", metadata: {}, execution_count: null, outputs: [], source: ["1 + 1"] },
    { cell_type: "markdown", id: "c", metadata: {}, source: ["# 1."] },
  ],
};

test("withRssCell keeps the first cells and appends one that prints the kernel's VmRSS", () => {
  const two = withRssCell(nb, "typescript", 2);
  assert.deepEqual(two.cells.map((c) => c.id), ["a", "b", "bench-rss"]);
  assert.equal(withRssCell(nb, "python").cells.length, 4);
  assert.equal(nb.cells.length, 3, "the notebook itself is not changed");
  // The Python cell, run here, prints this process's VmRSS in KB.
  const py = (withRssCell(nb, "python").cells[3].source as string[]).join("");
  const run = spawnSync("python3", ["-c", py], { encoding: "utf8" });
  if (run.status === 0) assert.match(run.stdout, /^KERNEL_RSS_KB \d+\n$/);
  const ts = (withRssCell(nb, "typescript").cells[3].source as string[]).join("");
  const node = spawnSync(process.execPath, ["-e", ts], { encoding: "utf8" });
  assert.equal(node.status, 0, node.stderr);
  const kb = Number(/^KERNEL_RSS_KB (\d+)$/m.exec(node.stdout)?.[1]);
  assert.ok(kb > 10_000 && kb < 1_000_000, `${kb} KB`);
});

test("printedRssKb reads the appended cell's output, or says null", () => {
  const executed = { ...nb, cells: [...nb.cells, { cell_type: "code", outputs: [{ output_type: "stream", name: "stdout", text: ["KERNEL_RSS_KB 173792\n"] }] }] };
  assert.equal(printedRssKb(executed), 173792);
  assert.equal(printedRssKb(nb), null);
});
