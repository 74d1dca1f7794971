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
  /** One caption per image, shown above it (e.g. the label). Default none. */
  readonly titles?: readonly string[];
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
  const titles = options.titles;
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
