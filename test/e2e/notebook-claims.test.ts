/**
 * Sections 0–10 say what their printed numbers show: each sentence of the notebook that states a number is
 * checked here against what the executed notebook printed (or drew). Fixed numbers (the model is the same on
 * every run) are checked exactly; timings only by the ranges the text gives them. Sections 11–16 are checked in
 * their own test file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { executedNotebook, readNotebook, text, type Notebook } from "../helpers/executed-notebook";
import { functionSource } from "../../lib/display/source";
import { dequantizePerTensor, quantizePerTensor } from "../../lib/core/quantize";
import { argmax, logits, predictInt8 } from "../../lib/core/predict";
import { loadDigits } from "../../lib/core/data";
import { ROOT } from "../helpers/paths";
import { NOTEBOOK_TIMING } from "../../bench/timing-order";

type Cell = Notebook["cells"][number];
type Output = NonNullable<Cell["outputs"]>[number];

const nb = readNotebook(executedNotebook().executedPath);
const lesson = nb.cells.slice(0, 22);

/** The markdown of section n and the code cell after it. */
function section(n: number): { markdown: string; code: Cell } {
  const i = nb.cells.findIndex((c) => c.cell_type === "markdown" && text(c.source).startsWith(`## ${n}.`));
  assert.ok(i >= 0 && nb.cells[i + 1]?.cell_type === "code", `section ${n} has a heading and a code cell`);
  return { markdown: text(nb.cells[i].source), code: nb.cells[i + 1] };
}
const stdout = (n: number): string =>
  (section(n).code.outputs ?? []).filter((o) => o.output_type === "stream" && o.name === "stdout").map((o) => text(o.text)).join("");
const displays = (n: number): Array<Record<string, unknown>> =>
  (section(n).code.outputs ?? []).filter((o: Output) => o.output_type === "display_data").map((o) => o.data ?? {});
const str = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

interface Figure {
  data: Array<{ type?: string; x?: number[] | string[]; y?: number[]; z?: number[][]; name?: string }>;
  layout: { shapes?: Array<{ x0: number; yref?: string; line?: { dash?: string } }>; [k: string]: unknown };
}
const figures = (n: number): Figure[] =>
  displays(n).filter((d) => d["application/vnd.plotly.v1+json"] !== undefined).map((d) => d["application/vnd.plotly.v1+json"] as Figure);

/** The number printed after `label` in section n (the first match). */
function printed(n: number, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\×]/g, "\\$&");
  const m = new RegExp(`${escaped}\\s*×?(-?[0-9]+(?:\\.[0-9]+)?)`).exec(stdout(n));
  assert.ok(m, `section ${n} prints "${label}" and a number:\n${stdout(n)}`);
  return Number(m[1]);
}

/** `median of R runs; middle half A–B` after a label: the three numbers and R. */
function spread(n: number, label: string): { median: number; q1: number; q3: number; runs: number } {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${escaped} ([0-9.]+) \\(median of (\\d+) runs; middle half ([0-9.]+)–([0-9.]+)\\)`).exec(stdout(n));
  assert.ok(m, `section ${n} prints "${label}" with its median and middle half:\n${stdout(n)}`);
  return { median: Number(m[1]), runs: Number(m[2]), q1: Number(m[3]), q3: Number(m[4]) };
}

test("the lesson's cells ran, in order, without an error", () => {
  const code = lesson.filter((c) => c.cell_type === "code");
  assert.deepEqual(code.map((c) => c.execution_count), code.map((_, i) => i + 1));
  for (const c of code) assert.ok(!(c.outputs ?? []).some((o) => o.output_type === "error"), text(c.source).split("\n")[0]);
});

test("sections 0–10: imports only in section 1, no `as const`, no renaming destructuring, no other mention of an original the reader cannot open", () => {
  const code = lesson.filter((c) => c.cell_type === "code").map((c) => text(c.source));
  const imports = code.filter((src) => /^\s*import\b/m.test(src));
  assert.equal(imports.length, 1, "one imports cell");
  assert.ok(imports[0] === text(section(1).code.source));
  assert.match(imports[0], /from "quantization-lesson\/core"/);
  assert.match(imports[0], /from "quantization-lesson\/display"/);
  assert.match(imports[0], /import \* as studies from "quantization-lesson\/studies"/);
  for (const src of code) {
    assert.doesNotMatch(src, /as const/);
    assert.doesNotMatch(src, /\{[^}]*\b\w+\s*:\s*\w+\s*[,}][^}]*\}\s*=/, `no renaming destructuring in:\n${src}`);
  }
  for (const c of lesson.filter((c) => c.cell_type === "markdown")) {
    assert.doesNotMatch(text(c.source), /\boriginal\b/i, "the source notebook is credited once, by name, not as 'the original'");
  }
  assert.match(text(section(1).markdown), /For Python readers.*const.*typed arrays.*arrow function/s);
});

test("printed floats are rounded: no long decimal tails in sections 2–10", () => {
  for (let n = 2; n <= 9; n++) assert.doesNotMatch(stdout(n), /\d\.\d{7,}/, `section ${n}:\n${stdout(n)}`);
});

test("section 2: the first 20 digits as 8×8 images with their labels, then the shapes of the split", () => {
  const [grid] = figures(2);
  assert.equal(grid.data.length, 20);
  const { X, y } = loadDigits();
  grid.data.forEach((t, k) => {
    assert.equal(t.type, "heatmap");
    assert.equal(t.name, String(y[k]), `image ${k} is titled with its label`);
    assert.deepEqual(t.z, Array.from({ length: 8 }, (_, r) => Array.from(X.data.subarray(k * 64 + r * 8, k * 64 + r * 8 + 8), (v) => v / 16)));
  });
  assert.match(stdout(2), /\[ \[ 1347, 64 \], \[ 450, 64 \] \]/);
  assert.ok(!displays(2).some((d) => str(d["text/html"]).includes("<table")), "the pixel table is gone");
});

test("section 3: the training time is the median of three fits, inside its middle half", () => {
  assert.match(section(3).markdown, /fits three times and prints the median/);
  const t = spread(3, "FP32 train time (s):");
  assert.equal(t.runs, 3);
  assert.ok(t.q1 <= t.median && t.median <= t.q3 && t.median > 0);
});

test("sections 4 and 7: accuracy 0.96 both, no prediction changed, times as medians of 100 runs after 0.1 s of warm-up", () => {
  assert.equal(printed(4, "FP32 acc:"), 0.96);
  assert.equal(printed(7, "INT8 acc:"), 0.96);
  assert.match(stdout(7), /predictions that differ from FP32: 0 of 450/);
  for (const [n, label] of [[4, "FP32 inference time (ms):"], [7, "INT8 inference time (ms):"]] as const) {
    const t = spread(n, label);
    assert.equal(t.runs, 100, "100 timed passes, as the text says");
    assert.ok(t.q1 <= t.median && t.median <= t.q3 && t.q1 > 0);
    // The bench times the two orders with the same options (bench/timing-order.ts).
    assert.deepEqual(NOTEBOOK_TIMING, { warmupMs: 100, repeat: 100 });
    assert.match(text(section(n).code.source), /timeIt\(\(\) => predict\w+\(Xte, \w+\), \{ warmupMs: 100, repeat: 100 \}\)/);
  }
  // "about the same time as FP32" (section 7), "close to 1" (section 10): within a quarter either way.
  const ratio = printed(7, "INT8 / FP32 time:");
  assert.ok(ratio >= 0.8 && ratio <= 1.25, `INT8 / FP32 = ${ratio}`);
  const fp32 = spread(4, "FP32 inference time (ms):").median;
  const int8 = spread(7, "INT8 inference time (ms):").median;
  assert.ok(Math.abs(ratio - int8 / fp32) <= 0.011, "the ratio is of the two printed medians");
});

test("section 4: 2.54 KB as float32, 5.08 KB as scikit-learn's float64 (“half that”)", () => {
  assert.equal(printed(4, "FP32 size (KB):"), 2.54);
  assert.equal(printed(4, "as float64, the way scikit-learn stores coef_:"), 5.08);
  assert.match(section(4).markdown, /5\.08 KB; stored as float32, the model is half that/);
});

test("sections 5 and 7 show the lib's own source, as it is in lib/ now, highlighted and plain", () => {
  const shown = (n: number): { html: string; plain: string } => {
    const d = displays(n).find((x) => str(x["text/html"]).includes("tsnb-source"));
    assert.ok(d, `section ${n} shows source`);
    return { html: str(d["text/html"]), plain: str(d["text/plain"]) };
  };
  for (const [n, fns] of [[5, [quantizePerTensor, dequantizePerTensor]], [7, [predictInt8, logits, argmax]]] as const) {
    const { html, plain } = shown(n);
    for (const fn of fns) {
      const src = functionSource(fn);
      assert.ok(plain.includes(`// ${src.file}, lines ${src.startLine}–${src.endLine}\n${src.code}`), `section ${n} shows ${fn.name} as lib/ has it`);
      assert.equal(fs.readFileSync(path.join(ROOT, src.file), "utf8").split("\n").slice(src.startLine - 1, src.endLine).join("\n"), src.code);
    }
    assert.match(html, /<span style="color: #cf222e">export<\/span>/, "highlighted");
  }
  // predictInt8 visibly dequantizes, takes the scores (dot products + bias) and the argmax.
  const int8 = functionSource(predictInt8).code;
  assert.match(int8, /dequantizeRows\([\s\S]*logits\(X, W, qmodel\.intercept\)[\s\S]*argmax\(scores, qmodel\.classes\)/);
  assert.match(functionSource(logits).code, /s \+= x\[i \* d \+ j\] \* w\[c \* d \+ j\][\s\S]*s \+ b\[c\]/);
});

test("section 5: the helpers on digit 3's row — error at most half a step; the grid's ends at the row's min and max", () => {
  const scale = printed(5, "scale:");
  const zp = printed(5, "zero-point:");
  const worst = printed(5, "largest rounding error:");
  const half = printed(5, "half a step (scale / 2):");
  assert.ok(worst <= half, `largest error ${worst} ≤ half a step ${half}`);
  assert.ok(Math.abs(half - scale / 2) < 1e-6);
  const [hist] = figures(5);
  const w = hist.data[0].x as number[];
  assert.equal(w.length, 64);
  const dashed = (hist.layout.shapes ?? []).filter((s) => s.line?.dash === "dash").map((s) => s.x0);
  assert.equal(dashed.length, 2, "two dashed lines: the ends of the grid");
  // The printed scale has 6 decimals; the lines are drawn with the exact one (recomputed below).
  const near = (x: number, level: number): boolean => Math.abs(x - (level - zp) * scale) <= Math.abs(level - zp) * 5e-7 + 1e-9;
  assert.ok(near(dashed[0], -128) && near(dashed[1], 127), "the dashed lines are levels −128 and 127");
  assert.ok(Math.abs(dashed[0] - Math.min(...w)) <= scale / 2 + 1e-6, "level −128 at the smallest weight, within half a step");
  assert.ok(Math.abs(dashed[1] - Math.max(...w)) <= scale / 2 + 1e-6, "level 127 at the largest weight");
  const levels = hist.data[1].x as number[];
  assert.equal(levels.length, 256, "the comb: all 256 levels");
  const errors = hist.data[2].y as number[];
  assert.ok(errors.every((e) => Math.abs(e) <= scale / 2 + 1e-6), "every error within half a step");
  // Recomputed from the printed weights (the figure carries them): the same scale and zero-point.
  const q = quantizePerTensor(Float32Array.from(w));
  assert.ok(Math.abs(q.scale - scale) < 5e-7 && q.zp === zp);
});

test("section 6: ×3.82 (2600 → 680 bytes), ×7.65 against float64, zero-points far inside −32768..65535, errors at most half a step", () => {
  assert.equal(printed(6, "INT8 size (KB):"), 0.66);
  assert.equal(printed(6, "Compression ×:"), 3.82);
  assert.equal(printed(6, "against scikit-learn's float64 arrays: ×"), 7.65);
  assert.equal(Math.round((2600 / 680) * 100) / 100, 3.82);
  assert.equal(2560 / 640, 4);
  assert.match(section(6).markdown, /2600 → 680 bytes, ×3\.82; the weights alone go 2560 → 640 bytes, exactly ×4/);
  const scales = /scales: ([0-9. ]+)/.exec(stdout(6))?.[1].trim().split(" ").map(Number) ?? [];
  const zps = /zero-points: ([-0-9 ]+)/.exec(stdout(6))?.[1].trim().split(" ").map(Number) ?? [];
  assert.equal(scales.length, 10);
  assert.equal(zps.length, 10);
  assert.ok(zps.every((z) => z >= -32768 && z <= 65535), "section 5: no row comes near NumPy's float64 switch");
  assert.ok(zps.every((z) => Math.abs(z) < 1000));
  const [images] = figures(6);
  assert.equal(images.data.length, 30, "FP32, INT8 and their difference, ten classes each");
  for (let k = 0; k < 10; k++) {
    const fp32 = images.data[k].z as number[][];
    const int8 = images.data[10 + k].z as number[][];
    const diff = images.data[20 + k].z as number[][];
    const worst = Math.max(...diff.flat().map(Math.abs));
    assert.ok(worst <= (scales[k] + 5e-5) / 2, `class ${k}: ${worst} ≤ half a step`);
    diff.flat().forEach((d, i) => assert.ok(Math.abs(d - (int8.flat()[i] - fp32.flat()[i])) < 1e-6));
  }
});

test("section 8's table and section 9's charts show the printed numbers", () => {
  const [table] = displays(8);
  const row = /0 +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9.]+)/.exec(str(table["text/plain"]));
  assert.ok(row);
  const fp32Ms = spread(4, "FP32 inference time (ms):").median;
  const int8Ms = spread(7, "INT8 inference time (ms):").median;
  assert.deepEqual(row.slice(1).map(Number), [0.96, 0.96, 2.54, 0.66, fp32Ms, int8Ms]);
  const [chart] = figures(9);
  assert.deepEqual(chart.data[0].x, ["FP32", "INT8"]);
  assert.deepEqual(chart.data[0].y, [2.54, 0.66], "the size chart first");
  assert.equal(chart.data[1].name, "Inference time (ms)", "beside it, the time chart");
  assert.deepEqual((chart.data[1].y ?? []).map((v) => Math.round(v * 1000) / 1000), [fp32Ms, int8Ms]);
});

test("section 10's prompts say what sections 6 and 7 printed", () => {
  const md = text(nb.cells.find((c) => text(c.source).startsWith("## 10."))?.source);
  assert.match(md, /both score 0\.96, and not one of the 450 test predictions differs/);
  assert.match(md, /exactly 4× for the weights, ×3\.82 with the float32 biases/);
  assert.match(md, /prints the ratio of the two times, close to 1/);
});
