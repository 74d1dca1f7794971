/**
 * Plots: `plotly-notebook-js` figures, typed, drawn offline by plotly.js from npm, as one MIME bundle per
 * output.
 *
 * A plot is displayed, the way plotly.py's notebook renderers do it, as `application/vnd.plotly.v1+json`
 * (`{ data, layout, config }`, drawn natively by JupyterLab's / VS Code's plotly renderers), `text/html`
 * (a `<div>` drawn by `Plotly.newPlot`, with plotly.js from npm, never fetched) and `text/plain`
 * (a description). The bundle is sent with `displayBundle` of `./transport`.
 *
 * plotly.js itself (≈1.3 MB) is put on the page once, by {@link initPlotly} in the notebook's imports cell
 * (as plotly.py's `init_notebook_mode(connected=False)`); every later plot output waits for `window.Plotly`.
 * A plot shown in a kernel session where `initPlotly()` has not run carries plotly.js itself.
 */
import { randomUUID } from "crypto";
import { readFileSync } from "fs";
import { displayBundle } from "./transport";
import { escapeHtml } from "./table";

/** The JSON a plotly figure is displayed as (the `application/vnd.plotly.v1+json` MIME type). */
export interface PlotlyFigureJson {
  readonly data: readonly PlotlyTrace[];
  readonly layout: PlotlyLayout;
  readonly config: PlotlyConfig;
}

/** What a plot is displayed as. */
export type PlotBundle = {
  readonly "application/vnd.plotly.v1+json": PlotlyFigureJson;
  readonly "text/html": string;
  readonly "text/plain": string;
};

/** One plotly.js trace (`{ type: "bar", x, y, … }`); any other plotly.js trace attribute is allowed. */
export interface PlotlyTrace {
  type?: string;
  name?: string;
  x?: readonly (string | number)[];
  y?: readonly (string | number)[];
  [attribute: string]: unknown;
}

/** A plotly.js layout; `title` is a string or `{ text }` (plotly.js ≥ 2 prefers the latter). */
export interface PlotlyLayout {
  title?: string | { text?: string; [attribute: string]: unknown };
  xaxis?: { title?: string | { text?: string }; [attribute: string]: unknown };
  yaxis?: { title?: string | { text?: string }; [attribute: string]: unknown };
  [attribute: string]: unknown;
}

/** The plotly.js `config` argument of `Plotly.newPlot`. */
export type PlotlyConfig = Readonly<Record<string, unknown>>;

/**
 * A figure of `plotly-notebook-js` (`createPlot(data, layout)`): its `data` and `layout` are plain
 * plotly.js objects; the methods edit the figure in place and return it, so they chain.
 * (The package ships no types; this is its documented API. Its own `render()` is not used: it draws
 * with plotly.js 1.5 from a CDN or a hard-coded server path, which fails offline and in HTML exports.)
 */
export interface NotebookPlot {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  /**
   * Inserts traces before `indices`. Without `indices` it calls `splice(-1, 0, trace)`, which puts a trace
   * BEFORE the last one (a quirk of 0.1.2): pass `plot.data.length` to append.
   */
  addTraces(traces: PlotlyTrace | PlotlyTrace[], indices?: number | number[]): NotebookPlot;
  /** Removes the traces at `indices` (negative counts from the end). */
  deleteTraces(indices: number | number[]): NotebookPlot;
  /** Merges `update` into the traces at `indices` (all traces when omitted). */
  restyle(update: Partial<PlotlyTrace>, indices?: number | number[]): NotebookPlot;
}

interface PlotlyNotebookModule {
  createPlot(data?: PlotlyTrace[], layout?: PlotlyLayout): NotebookPlot;
}

const plotlyNotebook = require("plotly-notebook-js") as PlotlyNotebookModule;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/**
 * `plotly-notebook-js`'s `createPlot`, typed: a new figure from plotly.js traces and a layout.
 *
 * @example
 * const fig = createPlot([{ type: "bar", x: ["FP32", "INT8"], y: [2.54, 0.66] }], { title: { text: "Size" } })
 *   .restyle({ name: "KB" });
 * displayPlot(fig);
 */
export function createPlot(data: PlotlyTrace[] = [], layout: PlotlyLayout = {}): NotebookPlot {
  return plotlyNotebook.createPlot(data, layout);
}

/** The plotly.js `config` every figure is drawn with (as plotly.py: responsive to the output's width). */
export const DEFAULT_PLOTLY_CONFIG: PlotlyConfig = { responsive: true, displaylogo: false };

/**
 * Which plotly.js is put on the page: the npm package `plotly.js-cartesian-dist-min`, the smallest of
 * plotly.js' partial bundles with both heatmaps and histograms (its traces: bar, box, contour, heatmap,
 * histogram, histogram2d, histogram2dcontour, image, pie, scatter, scatterternary, violin).
 */
export const PLOTLY_JS_PACKAGE = "plotly.js-cartesian-dist-min";

let plotlyJsSource: string | undefined;
let plotlyJsVersion: string | undefined;

/** The minified plotly.js bundle, read once from `node_modules`, made safe to put inside `<script>`. */
function plotlyJs(): string {
  if (plotlyJsSource === undefined) {
    const file = require.resolve(PLOTLY_JS_PACKAGE);
    // `</script` would end the enclosing element; `<!--` could switch the HTML parser's script state. Both can
    // only be in strings, regexes or comments, where `\/` and `\u0021` mean `/` and `!`.
    plotlyJsSource = readFileSync(file, "utf8").replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\u0021--");
  }
  return plotlyJsSource;
}

/** The version of the plotly.js that plot outputs use (e.g. `"2.35.3"`). */
export function plotlyJsVersionString(): string {
  if (plotlyJsVersion === undefined) {
    const pkg: unknown = JSON.parse(readFileSync(require.resolve(`${PLOTLY_JS_PACKAGE}/package.json`), "utf8"));
    plotlyJsVersion = isRecord(pkg) && typeof pkg.version === "string" ? pkg.version : "unknown";
  }
  return plotlyJsVersion;
}

/** Whether {@link initPlotly} has run in this process (kernel session). */
let plotlyInitialized = false;

/**
 * Forgets that {@link initPlotly} ran, so later plot outputs carry plotly.js themselves again (a kernel
 * restart does the same).
 *
 * @example
 * resetPlotlyJsInclusion();
 * displayPlot(fig); // this output carries plotly.js
 */
export function resetPlotlyJsInclusion(): void {
  plotlyInitialized = false;
}

/** JSON that is safe inside an inline `<script>` (no `<`, `>`, `&`, U+2028, U+2029). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function titleText(title: PlotlyLayout["title"]): string | undefined {
  if (typeof title === "string") return title;
  return title && typeof title.text === "string" ? title.text : undefined;
}

function listValues(values: readonly (string | number)[] | undefined, max = 12): string {
  if (!values) return "[]";
  // Fractions to 4 significant digits, integers whole: a description, not the data (that is in the plotly JSON).
  const num = (v: number): string => String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
  const shown = values.slice(0, max).map((v) => (typeof v === "number" ? num(v) : JSON.stringify(v)));
  return `[${shown.join(", ")}${values.length > max ? `, … (${values.length} values)` : ""}]`;
}

/** `z = [rows×cols], min … max` of a heatmap's / image's `z` (rows of numbers), or undefined if it has none. */
function gridSummary(z: unknown): string | undefined {
  if (!Array.isArray(z) || z.length === 0 || !z.every((row) => Array.isArray(row) || ArrayBuffer.isView(row))) return undefined;
  const rows = z as ArrayLike<unknown>[];
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (typeof v === "number" && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  const range = lo <= hi ? `, values ${Number(lo.toPrecision(4))} … ${Number(hi.toPrecision(4))}` : "";
  return `z = [${rows.length}×${rows[0].length}]${range}`;
}

/**
 * A short text description of a figure: title, axis titles, each trace's type, name and x/y values (the
 * first 12; fractions to 4 significant digits), or the size and range of a heatmap's `z`. It is the
 * `text/plain` of a plot, shown where no HTML is (e.g. `jupyter nbconvert --to markdown`) and, under a
 * note, where scripts cannot run.
 *
 * @example
 * describePlot(barChart({ x: ["FP32", "INT8"], y: [2.54, 0.66], title: "Size", yTitle: "KB" }));
 * // Figure: Size (y axis: KB)
 * //   trace 0: bar, x = ["FP32", "INT8"], y = [2.54, 0.66]
 */
export function describePlot(plot: Pick<NotebookPlot, "data" | "layout">): string {
  const title = titleText(plot.layout.title);
  const axes = [
    titleText(plot.layout.xaxis?.title) && `x axis: ${titleText(plot.layout.xaxis?.title)}`,
    titleText(plot.layout.yaxis?.title) && `y axis: ${titleText(plot.layout.yaxis?.title)}`,
  ].filter((s): s is string => typeof s === "string");
  const head = `Figure: ${title ?? "(untitled)"}${axes.length ? ` (${axes.join(", ")})` : ""}`;
  const traces = plot.data.map((t, i) => {
    const grid = gridSummary(t.z);
    const values = grid ?? `x = ${listValues(t.x)}, y = ${listValues(t.y)}`;
    return `  trace ${i}: ${t.type ?? "scatter"}${t.name ? ` "${t.name}"` : ""}, ${values}`;
  });
  return [head, ...(traces.length ? traces : ["  (no traces)"])].join("\n");
}

/** Options of {@link plotBundle} and {@link displayPlot}. */
export interface PlotBundleOptions {
  /**
   * Whether the `text/html` carries plotly.js itself: `"auto"` (default) unless {@link initPlotly} has run
   * in this kernel session (whose output then puts it on the page); `true` always; `false` never (the output
   * waits for a `window.Plotly` put on the page by another output).
   */
  readonly includePlotlyJs?: "auto" | boolean;
  /** Height of the figure in pixels when the layout sets none. Default 450 (plotly.js' own). */
  readonly height?: number;
  /** plotly.js config. Default {@link DEFAULT_PLOTLY_CONFIG}. */
  readonly config?: PlotlyConfig;
}

/** Page globals the plot outputs share: the version of plotly.js loaded by them, the plots waiting for it. */
const PAGE_FLAG = "__tsnbPlotlyJs";
const PAGE_QUEUE = "__tsnbPlotlyQueue";

/**
 * What a plot output says until its script draws it — all a reader sees where scripts cannot run, so it
 * names the command in each front end (JupyterLab 4 has no File → Trust Notebook; its "Trust Notebook" is in
 * the command palette).
 */
export const UNTRUSTED_NOTE =
  "This chart is drawn by a script, which did not run: the notebook is not trusted. " +
  "To draw it, trust the notebook — JupyterLab: command palette (Ctrl+Shift+C) → “Trust Notebook”; " +
  "classic Notebook: File → Trust Notebook — or run it again (JupyterLab: Kernel → Restart Kernel and " +
  "Run All Cells…; classic Notebook: Kernel → Restart & Run All). What it shows:";

/**
 * What a plot output says when its script ran but plotly.js is not on the page after 10 s (the output of
 * `initPlotly()` is gone, e.g. cleared), per front end; chosen by the script from the page it runs in.
 */
export const MISSING_PLOTLY_NOTES = {
  jupyterlab:
    "plotly.js is not on the page: it comes with the output of the cell that calls initPlotly() (the imports, " +
    "section 1). Run that cell, or Kernel → Restart Kernel and Run All Cells…",
  classic:
    "plotly.js is not on the page: it comes with the output of the cell that calls initPlotly() (the imports, " +
    "section 1). Run that cell, or Kernel → Restart & Run All.",
  other:
    "plotly.js is not on the page: it comes with the output of the cell that calls initPlotly() (the imports, " +
    "section 1). Run all cells, then save or export the notebook again.",
} as const;

/**
 * The `<script>` that puts plotly.js on the page as `window.Plotly`, at most once per page (guarded by
 * `window.Plotly`; `window.__tsnbPlotlyJs` records the version it loaded), then draws the plots waiting for
 * it. It runs the UMD bundle inside a function whose `define`, `require`, `module` and `exports` parameters
 * are `undefined`, so with RequireJS on the page (classic Notebook, nbconvert HTML) the bundle neither
 * registers an anonymous AMD module (RequireJS' "Mismatched anonymous define()" error) nor hides itself in a
 * module: it always ends up in `window.Plotly`. No network request is made.
 */
function plotlyLoaderScript(): string {
  return [
    `<script type="text/javascript">/* plotly.js ${plotlyJsVersionString()} (${PLOTLY_JS_PACKAGE}), put on the page once */`,
    `window.PlotlyConfig = window.PlotlyConfig || { MathJaxConfig: "local" };`,
    `if (!window.Plotly) {`,
    `  (function (define, require, module, exports) {`,
    plotlyJs(),
    `  }).call(window, undefined, undefined, undefined, undefined);`,
    `  window.${PAGE_FLAG} = ${scriptJson(plotlyJsVersionString())};`,
    `}`,
    `(function () {`,
    `  var queue = window.${PAGE_QUEUE} || [];`,
    `  window.${PAGE_QUEUE} = [];`,
    `  for (var i = 0; i < queue.length; i++) queue[i]();`,
    `})();`,
    `</script>`,
  ].join("\n");
}

/** What the output of {@link initPlotly} is: plotly.js for the page, and one line saying so. */
export type PlotlyInitBundle = {
  readonly "text/html": string;
  readonly "text/plain": string;
};

/**
 * The output {@link initPlotly} displays: plotly.js (≈1.3 MB, npm `plotly.js-cartesian-dist-min`) in a
 * `<script>` that puts it on the page at most once (see the loader above), and one line of text: before the
 * script runs it says the output carries plotly.js; after, that plotly.js is on the page.
 *
 * @example
 * initPlotlyBundle()["text/plain"]; // "plotly.js 2.35.3 (plotly.js-cartesian-dist-min) for the charts of this notebook, offline"
 */
export function initPlotlyBundle(): PlotlyInitBundle {
  const version = plotlyJsVersionString();
  const id = `plotly-init-${randomUUID()}`;
  const before = `This output carries plotly.js ${version} for the charts of this notebook; it runs when the notebook is trusted.`;
  const after = `plotly.js ${version} is on the page for the charts of this notebook (offline, from this output).`;
  const html = [
    `<div class="tsnb-plotly-init" id="${escapeHtml(id)}" style="color: #888; font-size: 85%;">${escapeHtml(before)}</div>`,
    plotlyLoaderScript(),
    `<script type="text/javascript">(function () {`,
    `  var el = document.getElementById(${scriptJson(id)});`,
    `  if (el && window.Plotly) el.textContent = ${scriptJson(after)};`,
    `})();</script>`,
  ].join("\n");
  return { "text/html": html, "text/plain": `plotly.js ${version} (${PLOTLY_JS_PACKAGE}) for the charts of this notebook, offline` };
}

/**
 * Puts plotly.js on the page for every chart of the notebook, once: call it in the imports cell (as
 * plotly.py's `init_notebook_mode(connected=False)`). Its output carries plotly.js (≈1.3 MB, never fetched);
 * every plot shown later in the kernel session is a few KB and waits for `window.Plotly`, so a notebook saved
 * after running this cell draws every chart when reopened (trusted) or exported to HTML, whatever order the
 * cells ran in and however often. Without it, each plot output carries plotly.js itself.
 *
 * @example
 * import { initPlotly } from "quantization-lesson/display";
 * initPlotly();
 */
export function initPlotly(): void {
  displayBundle(initPlotlyBundle());
  plotlyInitialized = true;
}

/**
 * The `<script>` that draws one figure into its `<div>` with `Plotly.newPlot`: now if `window.Plotly` is
 * there, else when the output carrying plotly.js runs (a queue on `window`). The div is found next to the
 * script (`document.currentScript`; several views of one output share its id), else by id. The div may not
 * be in the document yet when the script runs, so it retries for ~5 s. Until drawn the div grows with its note
 * (`min-height`); drawn, it is the figure's height. If plotly.js is still missing after
 * 10 s, the note says what to run, in the words of the front end it is in.
 */
function drawScript(id: string, figure: PlotlyFigureJson, height: number): string {
  return [
    `<script type="text/javascript">`,
    `(function () {`,
    `  var script = document.currentScript;`,
    `  var id = ${scriptJson(id)};`,
    `  var figure = ${scriptJson(figure)};`,
    `  var height = ${scriptJson(height)};`,
    `  var notes = ${scriptJson(MISSING_PLOTLY_NOTES)};`,
    `  var tries = 0, drawn = false;`,
    `  function target() {`,
    `    var box = script && script.parentNode;`,
    `    var el = box && box.querySelector ? box.querySelector(".plotly-graph-div") : null;`,
    `    return el && el.id === id ? el : document.getElementById(id);`,
    `  }`,
    `  function draw() {`,
    `    if (drawn) return;`,
    `    var el = target();`,
    `    if (!el || !el.isConnected) { if (++tries < 50) setTimeout(draw, 100); return; }`,
    `    drawn = true;`,
    `    el.textContent = "";`,
    `    el.style.minHeight = "";`,
    `    el.style.height = height + "px";`,
    `    window.Plotly.newPlot(el, figure.data, figure.layout, figure.config);`,
    `  }`,
    `  function explain() {`,
    `    var el = target();`,
    `    var note = el && el.querySelector(".tsnb-plotly-note");`,
    `    if (drawn || !note) return;`,
    `    var lab = document.querySelector(".jp-LabShell") !== null;`,
    `    var classic = !lab && window.Jupyter !== undefined && window.Jupyter.notebook !== undefined;`,
    `    note.textContent = lab ? notes.jupyterlab : classic ? notes.classic : notes.other;`,
    `  }`,
    `  if (window.Plotly) draw();`,
    `  else {`,
    `    (window.${PAGE_QUEUE} = window.${PAGE_QUEUE} || []).push(draw);`,
    `    setTimeout(explain, 10000);`,
    `  }`,
    `})();`,
    `</script>`,
  ].join("\n");
}

/**
 * The figure's MIME bundle, the way plotly.py's notebook renderers build it:
 *
 * - `application/vnd.plotly.v1+json`: `{ data, layout, config }` (JupyterLab / VS Code plotly renderers);
 * - `text/html`: a `<div>` plus a script drawing it with `Plotly.newPlot` once `window.Plotly` is on the
 *   page — put there by the output of {@link initPlotly}, or, when that has not run in this kernel session
 *   (see `includePlotlyJs`), by this output itself (≈1.3 MB of plotly.js, loaded at most once per page and
 *   RequireJS-safe). Until drawn, the div shows {@link UNTRUSTED_NOTE} and the text description;
 * - `text/plain`: {@link describePlot}.
 *
 * @example
 * const bundle = plotBundle(barChart({ x: ["FP32", "INT8"], y: [2.54, 0.66], title: "Size", yTitle: "KB" }));
 * bundle["application/vnd.plotly.v1+json"].data[0].y; // [2.54, 0.66]
 */
export function plotBundle(plot: Pick<NotebookPlot, "data" | "layout">, options: PlotBundleOptions = {}): PlotBundle {
  const include = options.includePlotlyJs ?? "auto";
  const inline = include === true || (include === "auto" && !plotlyInitialized);

  const layout: PlotlyLayout = { ...plot.layout };
  const height = typeof layout.height === "number" ? layout.height : options.height ?? 450;
  const figure: PlotlyFigureJson = {
    data: plot.data.map((t) => ({ ...t })),
    layout,
    config: { ...(options.config ?? DEFAULT_PLOTLY_CONFIG) },
  };
  const text = describePlot(plot);
  const id = `plot-${randomUUID()}`;
  const html = [
    `<div class="tsnb-plotly" style="width: 100%;">`,
    `<div id="${escapeHtml(id)}" class="plotly-graph-div" style="min-height: ${height}px; width: 100%;">` +
      `<p class="tsnb-plotly-note" style="color: #666;">${escapeHtml(UNTRUSTED_NOTE)}</p>` +
      `<pre style="white-space: pre-wrap; color: #666;">${escapeHtml(text)}</pre></div>`,
    inline ? plotlyLoaderScript() : "",
    drawScript(id, figure, height),
    `</div>`,
  ]
    .filter((s) => s !== "")
    .join("\n");
  return { "application/vnd.plotly.v1+json": figure, "text/html": html, "text/plain": text };
}

/**
 * Shows a figure as a cell output: one display message with the plotly JSON, the HTML drawing it offline
 * and a text description (see {@link plotBundle}).
 *
 * @example
 * displayPlot(createPlot([{ type: "bar", x: ["FP32", "INT8"], y: [2.54, 0.66] }]));
 */
export function displayPlot(plot: Pick<NotebookPlot, "data" | "layout">, options: PlotBundleOptions = {}): void {
  displayBundle(plotBundle(plot, options));
}

/** Arguments of {@link barChart}. */
export interface BarChartSpec {
  /** Bar labels, left to right. */
  readonly x: readonly string[];
  /** Bar heights, one per label. */
  readonly y: readonly number[];
  /** Chart title. */
  readonly title: string;
  /** Title of the y axis (the unit). */
  readonly yTitle: string;
}

/**
 * A one-trace bar chart (matplotlib's `plt.bar(labels, values)` with a title and a y label), built with
 * `plotly-notebook-js` and returned, so it can still be restyled before {@link displayPlot}. Each bar
 * carries its value as text.
 *
 * @example
 * displayPlot(barChart({ x: ["FP32", "INT8"], y: [2.54, 0.66], title: "FP32 vs INT8 size", yTitle: "Model size (KB)" }));
 */
export function barChart(spec: BarChartSpec): NotebookPlot {
  if (spec.x.length !== spec.y.length) {
    throw new RangeError(`barChart: ${spec.x.length} labels but ${spec.y.length} values`);
  }
  return createPlot(
    [
      {
        type: "bar",
        x: [...spec.x],
        y: [...spec.y],
        text: spec.y.map((v) => String(v)),
        textposition: "auto",
      },
    ],
    {
      title: { text: spec.title },
      yaxis: { title: { text: spec.yTitle }, rangemode: "tozero" },
      xaxis: { type: "category" },
      height: 400,
    },
  );
}
