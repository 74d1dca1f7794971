/**
 * The lesson's figures, built with `createPlot` (plotly-notebook-js) and shown with `displayPlot`: small
 * images (digits, weight rows), a weight histogram with the int8 grid, and paired bar charts. Each builder
 * returns the figure, so a cell can still restyle it before displaying it.
 */
import type { Matrix } from "../core/matrix";
import { createPlot, type NotebookPlot, type PlotlyLayout, type PlotlyTrace } from "./plot";

/** A plotly.js colour scale: a named one (`"RdBu"`) or `[fraction, colour]` stops from 0 to 1. */
export type Colorscale = string | ReadonlyArray<readonly [number, string]>;

/** Ink on paper: 0 is white, the largest value black (matplotlib's `gray_r`, how the digits are usually shown). */
export const INK_COLORSCALE: Colorscale = [
  [0, "#ffffff"],
  [1, "#000000"],
];

/** Negative blue, zero white, positive red: for weights and differences (use with a symmetric `zmin`/`zmax`). */
export const SIGNED_COLORSCALE: Colorscale = [
  [0, "#2166ac"],
  [0.5, "#ffffff"],
  [1, "#b2182b"],
];

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  /** One caption per image, shown above it (e.g. the labels `y.subarray(0, 20)`). Default none. */
  readonly titles?: ArrayLike<string | number>;
  /** Images per row of the grid. Default `min(n, 10)`. */
  readonly columns?: number;
  /** Colour scale shared by all images. Default {@link INK_COLORSCALE}. */
  readonly colorscale?: Colorscale;
  /** Value drawn with the scale's first colour. Default the smallest value of all images. */
  readonly zmin?: number;
  /** Value drawn with the scale's last colour. Default the largest value of all images. */
  readonly zmax?: number;
  /** Figure title. */
  readonly title?: string;
  /** Whether to draw the shared colour bar. Default: true unless the scale is {@link INK_COLORSCALE}. */
  readonly showScale?: boolean;
  /** Side of one image in pixels. Default 72. */
  readonly cellPx?: number;
}

type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array;

/**
 * Draws each row of `images` (`[n, side²]`, e.g. `[n, 64]` for 8×8) as a square image, row-major (pixel
 * `side·r + c` at row `r`, column `c`, row 0 on top, as `plt.imshow(x.reshape(8, 8))`), in a grid, all on one
 * shared colour scale: plotly.js heatmaps, one per image, each on its own pair of hidden axes.
 *
 * @param images - `[n, side²]`, n ≥ 1, finite values.
 * @example
 * displayPlot(imageGrid(takeFirstRows(X, 10), { titles: ["0", "1", …] }));         // digits, ink on paper
 * displayPlot(imageGrid(W, { colorscale: SIGNED_COLORSCALE, zmin: -m, zmax: m })); // ten weight rows
 */
export function imageGrid(images: Matrix<NumericArray>, options: ImageGridOptions = {}): NotebookPlot {
  const { rows: n, cols: pixels, data } = images;
  const side = Math.round(Math.sqrt(pixels));
  if (n < 1) throw new RangeError("imageGrid: images has no rows; expected at least one image");
  if (side * side !== pixels || pixels === 0) {
    throw new RangeError(`imageGrid: images is [${n}, ${pixels}]; expected [n, side²] (e.g. [n, 64] for 8×8 images)`);
  }
  const titles = options.titles === undefined ? undefined : Array.from(options.titles, (t) => String(t));
  if (titles !== undefined && titles.length !== n) {
    throw new RangeError(`imageGrid: ${titles.length} titles for ${n} images; expected one each`);
  }
  const columns = options.columns ?? Math.min(n, 10);
  if (!Number.isInteger(columns) || columns < 1) {
    throw new RangeError(`imageGrid: options.columns is ${columns}; expected a positive integer`);
  }
  const cellPx = options.cellPx ?? 72;
  if (!(cellPx > 0)) throw new RangeError(`imageGrid: options.cellPx is ${cellPx}; expected a positive number of pixels`);

  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new RangeError(`imageGrid: images[${Math.floor(i / pixels)}, ${i % pixels}] is ${v}; expected finite values`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const zmin = options.zmin ?? lo;
  const zmax = options.zmax ?? (hi > zmin ? hi : zmin + 1);
  if (!(zmax > zmin)) throw new RangeError(`imageGrid: zmin ${zmin} must be below zmax ${zmax}`);
  const colorscale = options.colorscale ?? INK_COLORSCALE;

  const gridRows = Math.ceil(n / columns);
  const gapPx = 6;
  const titlePx = titles ? 18 : 0;
  const plotW = columns * cellPx + (columns - 1) * gapPx;
  const plotH = gridRows * (cellPx + titlePx) + (gridRows - 1) * gapPx;
  const traces: PlotlyTrace[] = [];
  const layout: PlotlyLayout = {
    width: plotW + 140,
    height: plotH + (options.title ? 70 : 30) + 10,
    margin: { l: 20, r: 120, t: options.title ? 60 : 20, b: 10 },
    showlegend: false,
    coloraxis: {
      colorscale,
      cmin: zmin,
      cmax: zmax,
      showscale: options.showScale ?? colorscale !== INK_COLORSCALE,
      colorbar: { thickness: 12, len: Math.min(1, Math.max(0.5, 240 / plotH)) },
    },
  };
  if (options.title) layout.title = { text: options.title };
  const annotations: Record<string, unknown>[] = [];
  // A thin frame per image: a digit's white background would otherwise merge with the page.
  const shapes: Record<string, unknown>[] = [];

  for (let k = 0; k < n; k++) {
    const r = Math.floor(k / columns);
    const c = k % columns;
    const x0 = (c * (cellPx + gapPx)) / plotW;
    const x1 = (c * (cellPx + gapPx) + cellPx) / plotW;
    const yTop = 1 - (r * (cellPx + titlePx + gapPx) + titlePx) / plotH;
    const yBottom = yTop - cellPx / plotH;
    const z: number[][] = [];
    for (let i = 0; i < side; i++) z.push(Array.from(data.subarray(k * pixels + i * side, k * pixels + (i + 1) * side)));
    const suffix = k === 0 ? "" : String(k + 1);
    traces.push({
      type: "heatmap",
      z,
      coloraxis: "coloraxis",
      xaxis: `x${suffix}`,
      yaxis: `y${suffix}`,
      name: titles ? titles[k] : `image ${k}`,
      hovertemplate: `row %{y}, column %{x}: %{z:.4g}<extra>${titles ? escapeHover(titles[k]) : `image ${k}`}</extra>`,
    });
    const axis = { visible: false, fixedrange: true, constrain: "domain" };
    layout[`xaxis${suffix}`] = { ...axis, domain: [x0, x1], range: [-0.5, side - 0.5] };
    layout[`yaxis${suffix}`] = { ...axis, domain: [clamp01(yBottom), clamp01(yTop)], range: [side - 0.5, -0.5], scaleanchor: `x${suffix}` };
    shapes.push({
      type: "rect",
      xref: `x${suffix}`,
      yref: `y${suffix}`,
      x0: -0.5,
      x1: side - 0.5,
      y0: -0.5,
      y1: side - 0.5,
      line: { color: "#bbbbbb", width: 1 },
    });
    if (titles) {
      annotations.push({
        text: escapeHover(titles[k]),
        xref: "paper",
        yref: "paper",
        x: (x0 + x1) / 2,
        y: clamp01(yTop),
        xanchor: "center",
        yanchor: "bottom",
        showarrow: false,
        font: { size: 12 },
      });
    }
  }
  layout.shapes = shapes;
  if (annotations.length) layout.annotations = annotations;
  return createPlot(traces, layout);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** plotly.js renders a subset of HTML in hover labels and annotations: keep captions literal. */
function escapeHover(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The plotly.js axis of the k-th image of an {@link imageGrid} (`""` for the first, then `"2"`, `"3"`, …). */
function axisSuffix(k: number): string {
  return k === 0 ? "" : String(k + 1);
}

/** The largest |value| of some arrays (0 when all are empty). */
function maxAbs(...arrays: ArrayLike<number>[]): number {
  let m = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Options of {@link weightImages}. */
export interface WeightImagesOptions {
  /** What each row of weights predicts, shown above its images. Default `0`, `1`, …. */
  readonly classes?: ArrayLike<number>;
  /** Figure title. */
  readonly title?: string;
}

/**
 * The weight rows of a model as images, in three rows: FP32 (`W`), INT8 dequantized (`Wdeq`) on the same
 * colour scale, and their difference `Wdeq - W` on its own scale (it is a few hundred times smaller). Built on
 * {@link imageGrid}: each class's 64 weights as an 8×8 image, red for positive, blue for negative.
 *
 * @param W - float32 weights `[k, side²]` (`[10, 64]` for the digits).
 * @param Wdeq - the dequantized weights, same shape.
 * @example
 * displayPlot(weightImages(model.coef, dequantizeRows(rq))); // 30 images: FP32, INT8, INT8 − FP32
 */
export function weightImages(W: Matrix<Float32Array>, Wdeq: Matrix<Float32Array>, options: WeightImagesOptions = {}): NotebookPlot {
  if (W.rows !== Wdeq.rows || W.cols !== Wdeq.cols) {
    throw new RangeError(`weightImages: W is [${W.rows}, ${W.cols}] but Wdeq is [${Wdeq.rows}, ${Wdeq.cols}]; expected the same shape`);
  }
  const k = W.rows;
  const classes = options.classes ?? Array.from({ length: k }, (_, c) => c);
  if (classes.length !== k) throw new RangeError(`weightImages: ${classes.length} classes for ${k} weight rows`);
  const diff = new Float32Array(W.data.length);
  for (let i = 0; i < diff.length; i++) diff[i] = Wdeq.data[i] - W.data[i];
  const all = new Float32Array(3 * W.data.length);
  all.set(W.data, 0);
  all.set(Wdeq.data, W.data.length);
  all.set(diff, 2 * W.data.length);
  const m = maxAbs(W.data, Wdeq.data) || 1;
  const e = maxAbs(diff) || m;
  const titles = [...Array.from(classes, (c) => String(c)), ...new Array<string>(2 * k).fill("")];
  const fig = imageGrid({ data: all, rows: 3 * k, cols: W.cols }, { titles, columns: k, colorscale: SIGNED_COLORSCALE, zmin: -m, zmax: m, title: options.title, showScale: true });
  for (let t = 2 * k; t < 3 * k; t++) fig.data[t].coloraxis = "coloraxis2";
  const domain = (t: number): number[] => (fig.layout[`yaxis${axisSuffix(t)}`] as { domain: number[] }).domain;
  const [top, middle, bottom] = [domain(0), domain(k), domain(2 * k)];
  const axis = fig.layout.coloraxis as Record<string, unknown>;
  axis.colorbar = { thickness: 12, y: (middle[0] + top[1]) / 2, len: top[1] - middle[0], yanchor: "middle", title: { text: "weight", side: "right" } };
  fig.layout.coloraxis2 = {
    colorscale: SIGNED_COLORSCALE,
    cmin: -e,
    cmax: e,
    colorbar: { thickness: 12, y: (bottom[0] + bottom[1]) / 2, len: Math.max(0.25, bottom[1] - bottom[0]), yanchor: "middle", title: { text: "error", side: "right" } },
  };
  const margin = fig.layout.margin as { l: number };
  margin.l = 80;
  fig.layout.width = (fig.layout.width as number) + 60;
  const notes = (fig.layout.annotations as Record<string, unknown>[]) ?? [];
  const rowLabel = (text: string, d: number[]): Record<string, unknown> => ({
    text, xref: "paper", yref: "paper", x: 0, xshift: -8, y: (d[0] + d[1]) / 2, xanchor: "right", yanchor: "middle", showarrow: false, font: { size: 12 },
  });
  fig.layout.annotations = [...notes.filter((a) => a.text !== ""), rowLabel("FP32", top), rowLabel("INT8", middle), rowLabel("INT8 − FP32", bottom)];
  return fig;
}

/** Options of {@link weightHistogram}. */
export interface WeightHistogramOptions {
  /** Figure title. */
  readonly title?: string;
  /** Histogram bins. Default 40. */
  readonly bins?: number;
}

/**
 * One weight row on the int8 grid, two panels sharing the weight axis:
 *
 * - top: the histogram of the weights, the clip range `[(−128 − zp)·scale, (127 − zp)·scale]` (dashed; every
 *   weight of the row falls inside, since the grid was fitted to its min and max), 0.0 (level `zp`), and the
 *   256 levels of the grid as a comb along the bottom;
 * - bottom: each weight's rounding error, `dequantized − w`, between the lines ±scale/2 (half a step).
 *
 * @param w - the weights (one row, e.g. 64).
 * @param q - their int8 levels, scale and zero-point, as {@link quantizePerTensor} returns them.
 * @example
 * displayPlot(weightHistogram(row(W, 3), quantizePerTensor(row(W, 3))));
 */
export function weightHistogram(
  w: Float32Array,
  q: { readonly q: Int8Array; readonly scale: number; readonly zp: number },
  options: WeightHistogramOptions = {},
): NotebookPlot {
  if (q.q.length !== w.length) throw new RangeError(`weightHistogram: ${w.length} weights but ${q.q.length} levels`);
  if (!(q.scale > 0) || !Number.isFinite(q.scale)) throw new RangeError(`weightHistogram: scale is ${q.scale}; expected a positive finite number`);
  const { scale, zp } = q;
  const lo = (-128 - zp) * scale;
  const hi = (127 - zp) * scale;
  const error = Array.from(w, (v, i) => (q.q[i] - zp) * Math.fround(scale) - v);
  const bins = options.bins ?? 40;
  const pad = (hi - lo) * 0.04;
  const levels = Array.from({ length: 256 }, (_, i) => (i - 128 - zp) * scale);
  const traces: PlotlyTrace[] = [
    { type: "histogram", x: Array.from(w), xbins: { start: lo, end: hi, size: (hi - lo) / bins }, name: "weights", marker: { color: "#4c78a8" }, hovertemplate: "%{x}: %{y} weights<extra></extra>" },
    {
      type: "scatter", mode: "markers", x: levels, y: levels.map(() => 0), name: "int8 levels", yaxis: "y", cliponaxis: false,
      marker: { symbol: "line-ns-open", size: 7, color: "#999999", line: { width: 1 } }, hovertemplate: "level %{text}: %{x:.5f}<extra></extra>",
      text: levels.map((_, i) => String(i - 128)),
    },
    {
      type: "scatter", mode: "markers", x: Array.from(w), y: error, xaxis: "x", yaxis: "y2", name: "rounding error",
      marker: { color: "#e45756", size: 6 }, hovertemplate: "w = %{x:.5f}: error %{y:.2e}<extra></extra>",
    },
  ];
  const vline = (x: number, yref: string, dash: string, color: string): Record<string, unknown> => ({
    type: "line", xref: "x", yref: `${yref} domain`, x0: x, x1: x, y0: 0, y1: 1, line: { dash, color, width: 1.5 },
  });
  const hline = (y: number): Record<string, unknown> => ({
    type: "line", xref: "x domain", yref: "y2", x0: 0, x1: 1, y0: y, y1: y, line: { dash: "dot", color: "#e45756", width: 1 },
  });
  const layout: PlotlyLayout = {
    title: { text: options.title ?? `${w.length} weights on the int8 grid (scale ${scale.toPrecision(3)}, zero-point ${zp})` },
    height: 480,
    showlegend: false,
    bargap: 0.05,
    margin: { l: 60, r: 20, t: 60, b: 50 },
    xaxis: { title: { text: "weight value" }, range: [lo - pad, hi + pad], anchor: "y2" },
    yaxis: { title: { text: "weights" }, domain: [0.42, 1], rangemode: "tozero" },
    yaxis2: { title: { text: "error" }, domain: [0, 0.3], range: [-0.65 * scale, 0.65 * scale], exponentformat: "e", zeroline: true },
    shapes: [vline(lo, "y", "dash", "#333333"), vline(hi, "y", "dash", "#333333"), vline(0, "y", "solid", "#bbbbbb"), hline(scale / 2), hline(-scale / 2)],
    annotations: [
      { text: "q = −128", x: lo, xref: "x", y: 1, yref: "y domain", yanchor: "bottom", showarrow: false, font: { size: 11 } },
      { text: "q = 127", x: hi, xref: "x", y: 1, yref: "y domain", yanchor: "bottom", showarrow: false, font: { size: 11 } },
      { text: `0.0 (q = ${zp})`, x: 0, xref: "x", y: 1, yref: "y domain", yanchor: "bottom", showarrow: false, font: { size: 11, color: "#666666" } },
      { text: "± half a step (scale / 2)", x: 1, xref: "x domain", xanchor: "right", y: scale / 2, yref: "y2", yanchor: "bottom", showarrow: false, font: { size: 10, color: "#e45756" } },
    ],
  };
  return createPlot(traces, layout);
}

/** One timing for {@link sizeAndTimeChart}: the median and the middle half of the runs (ms). */
export interface TimingSummary {
  readonly medianMs: number;
  readonly q1Ms: number;
  readonly q3Ms: number;
}

/** Arguments of {@link sizeAndTimeChart}. */
export interface SizeAndTimeSpec {
  /** Bar labels, left to right (`["FP32", "INT8"]`). */
  readonly labels: readonly string[];
  /** Model sizes in KB, one per label. */
  readonly sizesKB: readonly number[];
  /** Inference times, one per label: the bar is the median, the whisker the middle half of the runs. */
  readonly times: readonly TimingSummary[];
  /** Figure title. Default "FP32 vs INT8: size and time". */
  readonly title?: string;
}

/**
 * Two bar charts side by side: model size (KB) on the left, as the original's section 9 chart, and inference
 * time (ms) on the right, each bar the median with a whisker over the middle half of the runs (quartile 1 to 3).
 * Each bar carries its value; the colours are plotly's defaults (the first and second of its colour cycle).
 *
 * @example
 * displayPlot(sizeAndTimeChart({ labels: ["FP32", "INT8"], sizesKB: [2.54, 0.66], times: [fp32Time, int8Time] }));
 */
export function sizeAndTimeChart(spec: SizeAndTimeSpec): NotebookPlot {
  const n = spec.labels.length;
  if (spec.sizesKB.length !== n || spec.times.length !== n) {
    throw new RangeError(`sizeAndTimeChart: ${n} labels, ${spec.sizesKB.length} sizes and ${spec.times.length} times; expected one each`);
  }
  const medians = spec.times.map((t) => t.medianMs);
  const shown = (v: number): string => (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  return createPlot(
    [
      { type: "bar", x: [...spec.labels], y: [...spec.sizesKB], name: "Model size (KB)", text: spec.sizesKB.map((v) => String(v)), textposition: "auto" },
      {
        type: "bar", x: [...spec.labels], y: medians, name: "Inference time (ms)", xaxis: "x2", yaxis: "y2",
        text: medians.map(shown), textposition: "inside", insidetextanchor: "start",
        error_y: { type: "data", symmetric: false, array: spec.times.map((t) => t.q3Ms - t.medianMs), arrayminus: spec.times.map((t) => t.medianMs - t.q1Ms), color: "#333333", thickness: 1.5, width: 8 },
      },
    ],
    {
      title: { text: spec.title ?? "FP32 vs INT8: size and time" },
      height: 400,
      showlegend: false,
      grid: { rows: 1, columns: 2, pattern: "independent" },
      xaxis: { type: "category", domain: [0, 0.44] },
      yaxis: { title: { text: "Model size (KB)" }, rangemode: "tozero" },
      xaxis2: { type: "category", domain: [0.56, 1] },
      yaxis2: { title: { text: "Inference time (ms)" }, rangemode: "tozero", anchor: "x2" },
      annotations: [
        { text: "size", xref: "x domain", yref: "y domain", x: 0.5, y: 1.04, yanchor: "bottom", showarrow: false, font: { size: 12, color: "#555555" } },
        { text: "time: median; whisker, the middle half of the runs", xref: "x2 domain", yref: "y2 domain", x: 0.5, y: 1.04, yanchor: "bottom", showarrow: false, font: { size: 12, color: "#555555" } },
      ],
    },
  );
}
