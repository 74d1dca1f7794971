/**
 * Plots: `plotly-notebook-js` figures, typed, drawn offline by plotly.js from npm, as one MIME bundle per
 * output.
 *
 * A plot is displayed, the way plotly.py's notebook renderers do it, as `application/vnd.plotly.v1+json`
 * (`{ data, layout, config }`, drawn natively by JupyterLab's / VS Code's plotly renderers), `text/html`
 * (a `<div>` drawn by `Plotly.newPlot`, with plotly.js from npm inlined, never fetched) and `text/plain`
 * (a description). The bundle is sent with `displayBundle` of `./display`.
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

/** Which plotly.js is inlined: the npm package `plotly.js-basic-dist-min` (bar, scatter, pie). */
const PLOTLY_JS_PACKAGE = "plotly.js-basic-dist-min";

let plotlyJsSource: string | undefined;
let plotlyJsVersion: string | undefined;

/** The minified plotly.js bundle, read once from `node_modules`, made safe to put inside `<script>`. */
function plotlyJs(): string {
  if (plotlyJsSource === undefined) {
    const file = require.resolve(PLOTLY_JS_PACKAGE);
    // `</script` would end the enclosing element; `<!--` could switch the HTML parser's script state. Both can
    // only be in strings, regexes or comments (none is in 2.35.3), where `\/` and `\u0021` mean `/` and `!`.
    plotlyJsSource = readFileSync(file, "utf8").replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\u0021--");
  }
  return plotlyJsSource;
}

/** The version of the plotly.js that plot outputs inline (e.g. `"2.35.3"`). */
export function plotlyJsVersionString(): string {
  if (plotlyJsVersion === undefined) {
    const pkg: unknown = JSON.parse(readFileSync(require.resolve(`${PLOTLY_JS_PACKAGE}/package.json`), "utf8"));
    plotlyJsVersion = isRecord(pkg) && typeof pkg.version === "string" ? pkg.version : "unknown";
  }
  return plotlyJsVersion;
}

/** Whether this process (kernel session) has already put plotly.js into a plot output. */
let plotlyJsIncluded = false;

/**
 * Forgets that plotly.js was already sent, so the next plot output inlines it again (a kernel restart does
 * the same). Useful after clearing the output that carried it.
 *
 * @example
 * resetPlotlyJsInclusion();
 * displayPlot(fig); // this output carries plotly.js again
 */
export function resetPlotlyJsInclusion(): void {
  plotlyJsIncluded = false;
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
  const shown = values.slice(0, max).map((v) => (typeof v === "number" ? String(v) : JSON.stringify(v)));
  return `[${shown.join(", ")}${values.length > max ? `, … (${values.length} values)` : ""}]`;
}

/**
 * A short text description of a figure (title, axis titles, each trace's type, name and x/y values):
 * the `text/plain` of a plot, shown where no HTML is, e.g. `jupyter nbconvert --to markdown`.
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
  const traces = plot.data.map(
    (t, i) =>
      `  trace ${i}: ${t.type ?? "scatter"}${t.name ? ` "${t.name}"` : ""}, ` +
      `x = ${listValues(t.x)}, y = ${listValues(t.y)}`,
  );
  return [head, ...(traces.length ? traces : ["  (no traces)"])].join("\n");
}

/** Options of {@link plotBundle} and {@link displayPlot}. */
export interface PlotBundleOptions {
  /**
   * Whether the `text/html` carries plotly.js itself: `"once"` (default) inlines it in the first plot
   * output of the kernel session only; `true` always; `false` never (the output then waits for a
   * `window.Plotly` put on the page by another output).
   */
  readonly includePlotlyJs?: "once" | boolean;
  /** Height of the figure in pixels when the layout sets none. Default 450 (plotly.js' own). */
  readonly height?: number;
  /** plotly.js config. Default {@link DEFAULT_PLOTLY_CONFIG}. */
  readonly config?: PlotlyConfig;
}

/** Page globals the plot outputs share: the version of plotly.js loaded by them, the plots waiting for it. */
const PAGE_FLAG = "__tsnbPlotlyJs";
const PAGE_QUEUE = "__tsnbPlotlyQueue";

/**
 * The `<script>` that puts plotly.js on the page as `window.Plotly`, at most once per page (guarded by
 * `window.Plotly`; `window.__tsnbPlotlyJs` records the version it loaded), then draws the plots waiting for it. It runs the UMD bundle inside a
 * function whose `define`, `require`, `module` and `exports` parameters are `undefined`, so with RequireJS
 * on the page (classic Notebook, nbconvert HTML) the bundle neither registers an anonymous AMD module
 * (RequireJS' "Mismatched anonymous define()" error) nor hides itself in a module: it always ends up in
 * `window.Plotly`. No network request is made.
 */
function plotlyLoaderScript(): string {
  return [
    `<script type="text/javascript">/* plotly.js ${plotlyJsVersionString()} (${PLOTLY_JS_PACKAGE}), inlined once per notebook */`,
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

/**
 * The `<script>` that draws one figure into `<div id>` with `Plotly.newPlot`, now if `window.Plotly` is
 * there, else when the output carrying plotly.js runs (a queue on `window`). The div may not be in the
 * document yet when the script runs (JupyterLab renders outputs detached), so it retries for ~5 s.
 */
function drawScript(id: string, figure: PlotlyFigureJson): string {
  return [
    `<script type="text/javascript">`,
    `(function () {`,
    `  var id = ${scriptJson(id)};`,
    `  var figure = ${scriptJson(figure)};`,
    `  var tries = 0;`,
    `  function draw() {`,
    `    var el = document.getElementById(id);`,
    `    if (!el) { if (++tries < 50) setTimeout(draw, 100); return; }`,
    `    el.textContent = "";`,
    `    window.Plotly.newPlot(el, figure.data, figure.layout, figure.config);`,
    `  }`,
    `  if (window.Plotly) draw();`,
    `  else (window.${PAGE_QUEUE} = window.${PAGE_QUEUE} || []).push(draw);`,
    `})();`,
    `</script>`,
  ].join("\n");
}

/**
 * The figure's MIME bundle, the way plotly.py's notebook renderers build it:
 *
 * - `application/vnd.plotly.v1+json`: `{ data, layout, config }` (JupyterLab / VS Code plotly renderers);
 * - `text/html`: a `<div>` plus a script drawing it with `Plotly.newPlot`. The first plot of a kernel
 *   session (see `includePlotlyJs`) also inlines plotly.js (~1 MB, from npm `plotly.js-basic-dist-min`),
 *   loaded at most once per page and RequireJS-safe; later outputs reuse `window.Plotly`. A notebook saved
 *   after a full run (Restart & Run All, `npm start`, nbconvert) keeps that first output, so the library is
 *   on the page again when it is reopened (trusted) or exported to HTML, before the plots that need it.
 *   Re-running only that first plot cell later in the session replaces it with an output without the
 *   library: the live page still works (`window.Plotly` stays), but the saved file would not; run all
 *   again before saving, or call {@link resetPlotlyJsInclusion}. Until drawn, the div shows a note
 *   saying why it may not be (untrusted notebook, or the output carrying plotly.js is gone) and the text;
 * - `text/plain`: {@link describePlot}.
 *
 * @example
 * const bundle = plotBundle(barChart({ x: ["FP32", "INT8"], y: [2.54, 0.66], title: "Size", yTitle: "KB" }));
 * bundle["application/vnd.plotly.v1+json"].data[0].y; // [2.54, 0.66]
 */
export function plotBundle(plot: Pick<NotebookPlot, "data" | "layout">, options: PlotBundleOptions = {}): PlotBundle {
  const include = options.includePlotlyJs ?? "once";
  const inline = include === true || (include === "once" && !plotlyJsIncluded);
  if (inline) plotlyJsIncluded = true;

  const layout: PlotlyLayout = { ...plot.layout };
  const height = typeof layout.height === "number" ? layout.height : options.height ?? 450;
  const figure: PlotlyFigureJson = {
    data: plot.data.map((t) => ({ ...t })),
    layout,
    config: { ...(options.config ?? DEFAULT_PLOTLY_CONFIG) },
  };
  const text = describePlot(plot);
  const id = `plot-${randomUUID()}`;
  const note =
    `${titleText(layout.title) ?? "Figure"}: an interactive plotly.js chart, drawn by this output's script. ` +
    `If you read this, scripts did not run (notebook not trusted: File → Trust Notebook) or plotly.js, ` +
    `inlined in the notebook's first plot output, is not on the page (Kernel → Restart & Run All).`;
  const html = [
    `<div class="tsnb-plotly" style="width: 100%;">`,
    `<div id="${escapeHtml(id)}" class="plotly-graph-div" style="height: ${height}px; width: 100%;">` +
      `<pre style="white-space: pre-wrap; color: #666;">${escapeHtml(note)}\n\n${escapeHtml(text)}</pre></div>`,
    inline ? plotlyLoaderScript() : "",
    drawScript(id, figure),
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
