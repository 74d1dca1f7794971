/**
 * Display of tables and plots: rich outputs for the tslab kernel as Jupyter MIME bundles.
 *
 * Every output goes out as ONE `display_data` message carrying several representations, the way
 * IPython's `display(obj, raw=True)` and plotly.py's notebook renderers do, so the frontend picks the
 * richest one it can show:
 *
 * - a table (a danfo.js `DataFrame`): `text/html` (a pandas-style `<table class="dataframe">`) and
 *   `text/plain` (an aligned text table);
 * - a plot (a `plotly-notebook-js` figure): `application/vnd.plotly.v1+json` (`{ data, layout, config }`,
 *   drawn natively by JupyterLab's / VS Code's plotly renderers), `text/html` (a `<div>` drawn by
 *   `Plotly.newPlot`, with plotly.js from npm inlined, never fetched) and `text/plain` (a description).
 *
 * tslab's public `display.*` functions send one MIME type per message, so bundles are sent through the
 * kernel's own publisher (`lastWriteDisplayData` in `tslab/dist/jupyter.js`), the function those
 * `display.*` calls end in. Outside a kernel, the `text/plain` part is printed instead.
 */
import { randomUUID } from "crypto";
import { readFileSync } from "fs";

// ---------------------------------------------------------------------------------------------------
// MIME bundles and how they reach the frontend
// ---------------------------------------------------------------------------------------------------

/** A MIME bundle: one representation of the same object per MIME type (values are strings or JSON). */
export type MimeBundle = Readonly<Record<string, unknown>>;

/** What a table is displayed as. */
export type TableBundle = {
  readonly "text/html": string;
  readonly "text/plain": string;
};

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

/** The content of a Jupyter `display_data` message. */
export interface DisplayData {
  readonly data: MimeBundle;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly transient?: { readonly display_id?: string };
}

/** Sends one `display_data` (or `update_display_data` when `update`) message to the frontend. */
export type DisplayPublisher = (content: DisplayData, update: boolean) => void;

let publisherOverride: DisplayPublisher | undefined;

/**
 * Replaces the function rich outputs are sent through (tests, other kernels); `undefined` restores the
 * default (the tslab kernel's publisher, or printing `text/plain` outside a kernel).
 *
 * @example
 * const sent: DisplayData[] = [];
 * setDisplayPublisher((content) => sent.push(content));
 * displayTable(df);               // sent[0].data has "text/html" and "text/plain"
 * setDisplayPublisher(undefined);
 */
export function setDisplayPublisher(publisher: DisplayPublisher | undefined): void {
  publisherOverride = publisher;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/**
 * The running tslab kernel's publisher, if this process is one. tslab keeps the `display_data` writer of
 * the cell being executed in `exports.lastWriteDisplayData` of its `dist/jupyter.js` (reassigned on every
 * execute request, so it is looked up on every call). It is searched for in the module cache rather than
 * `require`d, so it is the kernel's own copy even when tslab is installed globally, and nothing is loaded
 * outside a kernel.
 */
function tslabPublisher(): DisplayPublisher | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!mod || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const exported: unknown = mod.exports;
    if (isRecord(exported) && typeof exported.lastWriteDisplayData === "function") {
      const write = exported.lastWriteDisplayData as (content: DisplayData, update: boolean) => void;
      return (content, update) => write(content, update);
    }
  }
  return undefined;
}

/**
 * Sends `bundle` as ONE `display_data` message (all its MIME types together). In a tslab kernel it goes
 * through the kernel's publisher; elsewhere (plain `node`) its `text/plain` part is printed.
 *
 * @example
 * displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" });
 */
export function displayBundle(bundle: MimeBundle, metadata: Readonly<Record<string, unknown>> = {}): void {
  const publish = publisherOverride ?? tslabPublisher();
  if (publish) {
    publish({ data: bundle, metadata, transient: {} }, false);
    return;
  }
  const text = bundle["text/plain"];
  console.log(typeof text === "string" ? text : JSON.stringify(bundle, null, 2));
}

// ---------------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------------

/** A table cell value as danfo.js stores it. */
export type CellValue = string | number | boolean | null | undefined;

/**
 * What a table needs from a danfo.js `DataFrame` (any `DataFrame` is one): column names, index labels
 * and the values, row by row (`values` is `[rows][cols]`).
 */
export interface TableLike {
  readonly columns: readonly string[];
  readonly index: readonly (string | number)[];
  readonly values: readonly unknown[];
}

/** HTML-escapes text for element content and attribute values (`& < > " '`). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Decimal places shown at most for a float, as pandas' `display.precision` (6). */
const MAX_DECIMALS = 6;

/** How many decimals `x` needs once rounded to `MAX_DECIMALS` places (0 for integers). */
function decimalsNeeded(x: number): number {
  const s = String(Number(x.toFixed(MAX_DECIMALS)));
  const dot = s.indexOf(".");
  return dot < 0 || s.includes("e") ? 0 : s.length - dot - 1;
}

function useScientific(x: number): boolean {
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e16 || a < 1e-4);
}

/**
 * Formats one column like pandas: integers as integers; floats with one number of decimals for the whole
 * column (the fewest that show every value to 6 places), so the decimal points line up; scientific
 * notation when some value is tiny or huge; `NaN` for missing numbers; strings as they are.
 */
function formatColumn(values: readonly CellValue[]): string[] {
  const finite = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const allIntegers = finite.every((v) => Number.isInteger(v) && Math.abs(v) < 1e16);
  const scientific = !allIntegers && finite.some(useScientific);
  const decimals = allIntegers || scientific ? 0 : Math.max(1, ...finite.map(decimalsNeeded));
  return values.map((v) => {
    if (v === null || v === undefined) return "NaN";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "string") return v;
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (allIntegers) return String(v);
    if (scientific) return v.toExponential(MAX_DECIMALS - 2);
    return v.toFixed(decimals);
  });
}

function toCell(v: unknown): CellValue {
  if (v === null || v === undefined) return v;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  return String(v);
}

/** Options of the table functions: how much of a big table is shown (as pandas' display options). */
export interface TableOptions {
  /** More rows than this and only the first and last 5 are shown, `...` between. Default 60. */
  readonly maxRows?: number;
  /** More columns than this and only the first and last `maxColumns / 2` are shown. Default 20. */
  readonly maxColumns?: number;
}

/** The table as formatted strings: `columns`, `index` and `cells[row][col]`, `...` where cut. */
interface FormattedTable {
  readonly columns: string[];
  readonly index: string[];
  readonly cells: string[][];
  /** `"5 rows × 65 columns"` when rows or columns were cut, else `undefined`. */
  readonly dimensions?: string;
}

const ELLIPSIS = "...";

/** Positions to show out of `n`: all, or the first and last halves of `keep` with `-1` (a gap) between. */
function positions(n: number, max: number, keep: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  const head = Math.ceil(keep / 2);
  const tail = Math.floor(keep / 2);
  return [...all.slice(0, head), -1, ...all.slice(n - tail)];
}

function formatTable(df: TableLike, options: TableOptions): FormattedTable {
  const maxRows = options.maxRows ?? 60;
  const maxColumns = options.maxColumns ?? 20;
  const columns = df.columns.map(String);
  const index = df.index.map(String);
  const rows: CellValue[][] = df.values.map((row) =>
    Array.isArray(row) ? row.map(toCell) : [toCell(row)],
  );
  if (rows.length !== index.length) {
    throw new RangeError(`table: ${rows.length} rows of values but ${index.length} index labels`);
  }
  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new RangeError(`table: a row has ${row.length} values but there are ${columns.length} columns`);
    }
  }
  const rowAt = positions(rows.length, maxRows, Math.min(10, maxRows));
  const colAt = positions(columns.length, maxColumns, maxColumns);
  const shownRows = rowAt.filter((i) => i >= 0);
  const byColumn = new Map<number, string[]>();
  for (const j of colAt) if (j >= 0) byColumn.set(j, formatColumn(shownRows.map((i) => rows[i][j])));
  const cells = rowAt.map((i) =>
    colAt.map((j) => (i < 0 || j < 0 ? ELLIPSIS : (byColumn.get(j) ?? [])[shownRows.indexOf(i)])),
  );
  const cut = rowAt.includes(-1) || colAt.includes(-1);
  return {
    columns: colAt.map((j) => (j < 0 ? ELLIPSIS : columns[j])),
    index: rowAt.map((i) => (i < 0 ? ELLIPSIS : index[i])),
    cells,
    dimensions: cut ? `${rows.length} rows × ${columns.length} columns` : undefined,
  };
}

/**
 * The table as pandas' `DataFrame._repr_html_()` writes it: a `<table class="dataframe">` with a header
 * row, the index as the first column (`<th>`), numbers formatted per column (see {@link dataFrameToText}),
 * every label and value HTML-escaped, and big tables cut with `...` (see {@link TableOptions}).
 *
 * @example
 * const df = new DataFrame({ acc: [0.96, 0.9578] }, { index: ["FP32", "INT8"] });
 * dataFrameToHtml(df);
 * // <div><style scoped>…</style><table border="1" class="dataframe"><thead>…<th>acc</th>…
 * //   <tr><th>FP32</th><td>0.9600</td></tr><tr><th>INT8</th><td>0.9578</td></tr>…</table></div>
 */
export function dataFrameToHtml(df: TableLike, options: TableOptions = {}): string {
  const t = formatTable(df, options);
  const out: string[] = [
    "<div>",
    "<style scoped>",
    "    .dataframe tbody tr th:only-of-type { vertical-align: middle; }",
    "    .dataframe tbody tr th { vertical-align: top; }",
    "    .dataframe thead th { text-align: right; }",
    "    .dataframe td { text-align: right; font-variant-numeric: tabular-nums; }",
    "</style>",
    '<table border="1" class="dataframe">',
    "  <thead>",
    '    <tr style="text-align: right;">',
    "      <th></th>",
    ...t.columns.map((c) => `      <th>${escapeHtml(c)}</th>`),
    "    </tr>",
    "  </thead>",
    "  <tbody>",
  ];
  t.index.forEach((label, i) => {
    out.push("    <tr>", `      <th>${escapeHtml(label)}</th>`);
    for (const cell of t.cells[i]) out.push(`      <td>${escapeHtml(cell)}</td>`);
    out.push("    </tr>");
  });
  out.push("  </tbody>", "</table>");
  if (t.dimensions) out.push(`<p>${escapeHtml(t.dimensions)}</p>`);
  out.push("</div>");
  return out.join("\n");
}

/**
 * The table as plain text, like pandas' `repr(df)`: the index on the left, columns right-aligned, numbers
 * formatted per column (integers as integers; floats with the same decimals down a column, the fewest that
 * show every value to 6 places; scientific notation for tiny or huge values), big tables cut with `...`.
 *
 * @example
 * dataFrameToText(new DataFrame({ acc: [0.96, 0.9578], KB: [2.54, 0.66] }, { index: ["FP32", "INT8"] }));
 * //          acc    KB
 * // FP32  0.9600  2.54
 * // INT8  0.9578  0.66
 */
export function dataFrameToText(df: TableLike, options: TableOptions = {}): string {
  const t = formatTable(df, options);
  const indexWidth = Math.max(0, ...t.index.map((s) => s.length));
  const widths = t.columns.map((c, j) => Math.max(c.length, ...t.cells.map((r) => r[j].length)));
  const line = (first: string, cells: readonly string[]): string =>
    [first.padEnd(indexWidth), ...cells.map((c, j) => c.padStart(widths[j]))].join("  ").trimEnd();
  const lines = [line("", t.columns), ...t.index.map((label, i) => line(label, t.cells[i]))];
  if (t.dimensions) lines.push("", `[${t.dimensions}]`);
  return lines.join("\n");
}

/**
 * The table's MIME bundle: `text/html` ({@link dataFrameToHtml}) and `text/plain` ({@link dataFrameToText}).
 *
 * @example
 * const bundle = tableBundle(summary);
 * Object.keys(bundle); // ["text/html", "text/plain"]
 */
export function tableBundle(df: TableLike, options: TableOptions = {}): TableBundle {
  return { "text/html": dataFrameToHtml(df, options), "text/plain": dataFrameToText(df, options) };
}

/**
 * Shows a DataFrame as a cell output: one display message with an HTML table (for Notebook, Lab, VS Code
 * and the HTML export) and a text table (for consoles and `jupyter nbconvert --to script/markdown`).
 *
 * @example
 * import { DataFrame } from "danfojs-node";
 * displayTable(new DataFrame({ acc: [0.96, 0.96], KB: [2.54, 0.66] }, { index: ["FP32", "INT8"] }));
 */
export function displayTable(df: TableLike, options: TableOptions = {}): void {
  displayBundle(tableBundle(df, options));
}

// ---------------------------------------------------------------------------------------------------
// Plots
// ---------------------------------------------------------------------------------------------------

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
