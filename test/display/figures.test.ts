import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix } from "../../lib/core/matrix";
import { imageGrid, INK_COLORSCALE, SIGNED_COLORSCALE, sizeAndTimeChart, weightHistogram, weightImages } from "../../lib/display/figures";
import { dequantizePerTensor, quantizePerTensor } from "../../lib/core/quantize";

const twoImages = matrix(Float32Array.from({ length: 8 }, (_, i) => i), 2, 4); // two 2×2 images

test("imageGrid: one heatmap per image, rows of pixels top to bottom, one shared colour axis", () => {
  const fig = imageGrid(twoImages, { titles: ["a", "b<"], title: "Two" });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0].z, [[0, 1], [2, 3]]);
  assert.deepEqual(fig.data[1].z, [[4, 5], [6, 7]]);
  assert.deepEqual([fig.data[0].xaxis, fig.data[0].yaxis, fig.data[1].xaxis, fig.data[1].yaxis], ["x", "y", "x2", "y2"]);
  assert.deepEqual(fig.layout.coloraxis, {
    colorscale: INK_COLORSCALE, cmin: 0, cmax: 7, showscale: false, colorbar: { thickness: 12, len: 1 },
  });
  const y2 = fig.layout.yaxis2 as { range: number[]; scaleanchor: string };
  assert.deepEqual(y2.range, [1.5, -0.5], "row 0 on top, as imshow");
  assert.equal(y2.scaleanchor, "x2", "square pixels");
  const notes = fig.layout.annotations as { text: string }[];
  assert.deepEqual(notes.map((a) => a.text), ["a", "b&lt;"], "captions kept literal");
  assert.deepEqual(fig.layout.title, { text: "Two" });
  assert.equal((fig.layout.shapes as unknown[]).length, 2, "a frame per image");
});

test("imageGrid: columns wrap the grid; a given scale and range are used as given", () => {
  const fig = imageGrid(twoImages, { columns: 1, colorscale: SIGNED_COLORSCALE, zmin: -8, zmax: 8 });
  const x = fig.layout.xaxis as { domain: number[] };
  const x2 = fig.layout.xaxis2 as { domain: number[] };
  assert.deepEqual(x.domain, x2.domain, "one column: both images in the same column");
  const y = fig.layout.yaxis as { domain: number[] };
  const y2 = fig.layout.yaxis2 as { domain: number[] };
  assert.ok(y2.domain[1] < y.domain[0], "the second image below the first");
  const axis = fig.layout.coloraxis as { cmin: number; cmax: number; showscale: boolean };
  assert.deepEqual([axis.cmin, axis.cmax, axis.showscale], [-8, 8, true]);
});

test("imageGrid: bad input is refused with the argument named", () => {
  assert.throws(() => imageGrid(matrix(new Float32Array(6), 2, 3)), /imageGrid: images is \[2, 3\]; expected \[n, side²\]/);
  assert.throws(() => imageGrid(matrix(new Float32Array(0), 0, 4)), /images has no rows/);
  assert.throws(() => imageGrid(twoImages, { titles: ["a"] }), /1 titles for 2 images/);
  assert.throws(() => imageGrid(twoImages, { columns: 0 }), /options.columns is 0/);
  assert.throws(() => imageGrid(matrix(Float32Array.of(0, NaN, 0, 0), 1, 4)), /images\[0, 1\] is NaN/);
  assert.throws(() => imageGrid(twoImages, { zmin: 3, zmax: 3 }), /zmin 3 must be below zmax 3/);
});

test("weightImages: FP32, INT8 and their difference, ten classes each; the difference on its own colour axis", () => {
  const W = matrix(Float32Array.from({ length: 2 * 4 }, (_, i) => (i - 4) / 4), 2, 4); // two classes, 2×2 "images"
  const Wdeq = matrix(W.data.map((v) => v + 0.01), 2, 4);
  const fig = weightImages(W, Wdeq, { classes: [7, 9], title: "w" });
  assert.equal(fig.data.length, 6);
  assert.deepEqual(fig.data.map((t) => t.coloraxis), ["coloraxis", "coloraxis", "coloraxis", "coloraxis", "coloraxis2", "coloraxis2"]);
  assert.deepEqual(fig.data[0].z, [[-1, -0.75], [-0.5, -0.25]]);
  const diff = (fig.data[4].z as number[][]).flat();
  diff.forEach((d) => assert.ok(Math.abs(d - 0.01) < 1e-6, `difference ${d}`));
  const a1 = fig.layout.coloraxis as { cmin: number; cmax: number };
  const a2 = fig.layout.coloraxis2 as { cmin: number; cmax: number };
  assert.deepEqual([a1.cmin, a1.cmax], [-1, 1], "FP32 and INT8 share a symmetric scale over both");
  assert.ok(Math.abs(a2.cmax - 0.01) < 1e-6 && a2.cmin === -a2.cmax, "the difference on its own, symmetric scale");
  const texts = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(texts, ["7", "9", "FP32", "INT8", "INT8 − FP32"]);
  assert.throws(() => weightImages(W, matrix(new Float32Array(4), 1, 4)), /W is \[2, 4\] but Wdeq is \[1, 4\]/);
});

test("weightHistogram: the weights, the grid's ends at levels −128 and 127, all 256 levels, each error within half a step", () => {
  const w = Float32Array.of(-1, -0.3, 0, 0.2, 0.5, 1);
  const q = quantizePerTensor(w);
  const fig = weightHistogram(w, q);
  assert.deepEqual(fig.data[0].x, Array.from(w));
  const ends = (fig.layout.shapes as { x0: number; line: { dash: string } }[]).filter((s) => s.line.dash === "dash").map((s) => s.x0);
  assert.deepEqual(ends, [(-128 - q.zp) * q.scale, (127 - q.zp) * q.scale]);
  assert.equal((fig.data[1].x as number[]).length, 256);
  const errors = fig.data[2].y as number[];
  const back = dequantizePerTensor(q.q, q.scale, q.zp);
  errors.forEach((e, i) => assert.ok(Math.abs(e - (back[i] - w[i])) < 1e-7 && Math.abs(e) <= q.scale / 2 + 1e-7));
  assert.throws(() => weightHistogram(w, { ...q, q: new Int8Array(2) }), /6 weights but 2 levels/);
  assert.throws(() => weightHistogram(w, { ...q, scale: 0 }), /scale is 0; expected a positive finite number/);
});

test("sizeAndTimeChart: size bars first, then time bars with the middle half as whiskers", () => {
  const fig = sizeAndTimeChart({ labels: ["FP32", "INT8"], sizesKB: [2.54, 0.66], times: [{ medianMs: 0.5, q1Ms: 0.45, q3Ms: 0.6 }, { medianMs: 0.52, q1Ms: 0.5, q3Ms: 0.53 }] });
  assert.deepEqual([fig.data[0].x, fig.data[0].y], [["FP32", "INT8"], [2.54, 0.66]]);
  assert.deepEqual(fig.data[1].y, [0.5, 0.52]);
  const e = fig.data[1].error_y as { array: number[]; arrayminus: number[] };
  assert.deepEqual(e.array.map((v) => Math.round(v * 1e6) / 1e6), [0.1, 0.01]);
  assert.deepEqual(e.arrayminus.map((v) => Math.round(v * 1e6) / 1e6), [0.05, 0.02]);
  assert.equal(fig.data[0].marker, undefined, "plotly's default colours");
  assert.throws(() => sizeAndTimeChart({ labels: ["a"], sizesKB: [1, 2], times: [] }), /1 labels, 2 sizes and 0 times/);
});
