import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix } from "../../lib/core/matrix";
import { imageGrid, INK_COLORSCALE, SIGNED_COLORSCALE } from "../../lib/display/figures";

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
