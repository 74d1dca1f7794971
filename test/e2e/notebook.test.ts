import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { executedNotebook, NOTEBOOK, readNotebook, text, type Notebook } from "../helpers/executed-notebook";
import { ROOT } from "../helpers/paths";

const original = readNotebook(path.join(ROOT, "test", "reference", "original.ipynb"));
const headings = (nb: Notebook): string[] =>
  nb.cells.filter((c) => c.cell_type === "markdown").map((c) => text(c.source).split("\n").find((l) => l.startsWith("#")) ?? "");

test("the committed notebook is clean, on tslab, nbformat 4.5 with cell ids", () => {
  const nb = readNotebook(NOTEBOOK);
  assert.equal(nb.nbformat, 4);
  assert.ok(nb.nbformat_minor >= 5);
  assert.deepEqual(nb.metadata.kernelspec, { name: "tslab", display_name: "TypeScript", language: "typescript" });
  assert.equal(nb.metadata.language_info?.name, "typescript");
  const ids = nb.cells.map((c) => c.id);
  assert.ok(ids.every((id) => typeof id === "string" && /^[a-zA-Z0-9-_]{1,64}$/.test(id)), "every cell has a valid id");
  assert.equal(new Set(ids).size, ids.length, "cell ids are unique");
  for (const [i, c] of nb.cells.entries()) {
    if (c.cell_type !== "code") continue;
    assert.deepEqual(c.outputs, [], `cell ${i} has outputs`);
    assert.equal(c.execution_count, null, `cell ${i} has an execution count`);
  }
});

test("cell for cell with the original: its 22 cells, the same 11 headings in order, then extra sections", () => {
  const nb = readNotebook(NOTEBOOK);
  assert.equal(original.cells.length, 22);
  const ours = nb.cells.slice(0, 22);
  assert.deepEqual(ours.map((c) => c.cell_type), original.cells.map((c) => c.cell_type));
  assert.deepEqual(headings({ ...nb, cells: ours }), headings(original));
  // Anything after section 10 is a new section of its own, headed, never a rewrite of the original's cells.
  const rest = nb.cells.slice(22);
  if (rest.length > 0) assert.equal(rest[0].cell_type, "markdown");
});

test("the notebook runs headless with no error and prints the original's figures, right", () => {
  const result = executedNotebook();
  assert.deepEqual(result.failures, [], "no cell fails");
  assert.ok(fs.existsSync(result.htmlPath));
  const nb = readNotebook(result.executedPath);
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  assert.ok(!outputs.some((o) => o.output_type === "error"), "no error output");
  const counts = nb.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count);
  assert.deepEqual(counts, counts.map((_, i) => i + 1), "code cells numbered 1, 2, 3 … as run");
  const stdout = outputs.filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => text(o.text)).join("");
  const figure = (label: string): number => {
    const m = new RegExp(`^${label.replace(/[()×]/g, "\\$&")} ×?([0-9.]+)`, "m").exec(stdout);
    assert.ok(m, `prints "${label}"`);
    return Number(m[1]);
  };
  assert.match(stdout, /\[ \[ 1347, 64 \], \[ 450, 64 \] \]/, "section 2 shows the shapes");
  assert.ok(figure("FP32 train time (s):") > 0);
  assert.ok(figure("FP32 acc:") >= 0.96);
  assert.ok(figure("FP32 inference time (ms):") > 0);
  assert.equal(figure("FP32 size (KB):"), 2.54);
  assert.equal(figure("INT8 size (KB):"), 0.66);
  assert.equal(figure("Compression ×:"), 3.82);
  assert.ok(figure("INT8 acc:") >= 0.96);
  assert.ok(figure("INT8 inference time (ms):") > 0);
  assert.match(stdout, /as float64, .*: 5\.08/, "the float64 size the original printed");
  assert.match(stdout, /against scikit-learn's float64 arrays: ×7\.65/, "the original's ×7.65, explained");
});

test("rich outputs: the summary DataFrame as an HTML table with a text fallback, the charts as plotly bundles", () => {
  const nb = readNotebook(executedNotebook().executedPath);
  const section = (n: number): Notebook["cells"][number] => {
    const i = nb.cells.findIndex((c) => c.cell_type === "markdown" && text(c.source).startsWith(`## ${n}.`));
    return nb.cells[i + 1];
  };
  // nbformat stores multi-line strings as lists of lines.
  const str = (v: unknown): string | undefined => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : undefined);
  const displays = (n: number): Array<Record<string, unknown>> =>
    (section(n).outputs ?? []).filter((o) => o.output_type === "display_data").map((o) => o.data ?? {});
  const head = displays(2);
  assert.equal(head.length, 1, "section 2 shows the first digits");
  assert.match(str(head[0]["text/plain"]) ?? "", /Figure: The first 20 digits and their labels/);
  const summary = displays(8);
  assert.equal(summary.length, 1, "section 8 shows the summary DataFrame");
  assert.match(str(summary[0]["text/html"]) ?? "", /FP32_acc[\s\S]*INT8_ms/);
  assert.match(str(summary[0]["text/plain"]) ?? "", /FP32_acc +INT8_acc +FP32_KB +INT8_KB +FP32_ms +INT8_ms\n0 +0\.9[6-9]\d* +0\.9[6-9]\d* +2\.54 +0\.66 /);
  const plot = displays(9);
  assert.equal(plot.length, 1, "section 9 shows one figure: size, and beside it time");
  const fig = plot[0]["application/vnd.plotly.v1+json"] as { data: Array<{ type: string; x: string[]; y: number[] }> };
  assert.deepEqual(fig.data[0].x, ["FP32", "INT8"]);
  assert.deepEqual(fig.data[0].y, [2.54, 0.66]);
  assert.match(str(plot[0]["text/html"]) ?? "", /Plotly\.newPlot/);
  assert.match(str(plot[0]["text/plain"]) ?? "", /FP32 vs INT8 size/);
});

test("every code cell stays short: the mechanics live in lib/", () => {
  const nb = readNotebook(NOTEBOOK);
  for (const [i, c] of nb.cells.entries()) {
    if (c.cell_type === "code") assert.ok(text(c.source).split("\n").length <= 20, `cell ${i} has more than 20 lines`);
  }
});

test("the sections beyond the original run with their tables, charts and checks", () => {
  const nb = readNotebook(executedNotebook().executedPath);
  // Outputs of every code cell from a section's heading up to the next heading.
  const sectionOutputs = (n: number): NonNullable<Notebook["cells"][number]["outputs"]> => {
    const start = nb.cells.findIndex((c) => c.cell_type === "markdown" && text(c.source).startsWith(`## ${n}.`));
    assert.ok(start >= 0, `section ${n} exists`);
    const out: NonNullable<Notebook["cells"][number]["outputs"]> = [];
    for (let i = start + 1; i < nb.cells.length && !text(nb.cells[i].source).startsWith("## "); i++) out.push(...(nb.cells[i].outputs ?? []));
    return out;
  };
  const mimes = (n: number, mime: string): number => sectionOutputs(n).filter((o) => o.output_type === "display_data" && o.data?.[mime] !== undefined).length;
  const stdout = (n: number): string => sectionOutputs(n).filter((o) => o.name === "stdout").map((o) => text(o.text)).join("");
  assert.equal(mimes(11, "text/html"), 1, "section 11: the solver table");
  assert.match(stdout(12), /labels equal to predictInt8's \(section 7, dequantize on the fly\): 450 of 450/);
  assert.match(stdout(12), /INT8 \(integer\) acc: 0\.96/);
  assert.equal(mimes(12, "text/html"), 1, "section 12: the kernel timing table");
  // Section 13: accuracy against size, the weights at 4 and 2 bits, the relabelled images at 4 and 2 bits, the confusion.
  assert.equal(mimes(13, "application/vnd.plotly.v1+json"), 5, "section 13: its five figures");
  // Section 14: four ONNX files, each run by ONNX Runtime with our labels, and a damaged file refused.
  assert.equal(mimes(14, "text/html"), 2, "section 14: the files table and the ONNX Runtime table");
  const ortTable = sectionOutputs(14).map((o) => text(o.data?.["text/plain"] as string | string[] | undefined)).join("\n");
  assert.equal((ortTable.match(/450\/450/g) ?? []).length, 4, "ONNX Runtime gives our labels for all four models");
  assert.match(stdout(14), /digits-int8-damaged\.onnx: damaged: the SHA-256 of its contents is [0-9a-f]{64}, but the file says/);
  assert.equal(mimes(15, "application/vnd.plotly.v1+json"), 1, "section 15: the scaling chart");
});
