import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import Module from "node:module";
import { DataFrame } from "danfojs-node";
import {
  barChart,
  createPlot,
  dataFrameToHtml,
  dataFrameToText,
  describePlot,
  displayBundle,
  displayPlot,
  displayTable,
  escapeHtml,
  plotBundle,
  plotlyJsVersionString,
  resetPlotlyJsInclusion,
  setDisplayPublisher,
  tableBundle,
  type DisplayData,
} from "../lib/display";
import { ROOT } from "./paths";

/** Runs `fn` with display messages captured instead of sent. */
function capture(fn: () => void): DisplayData[] {
  const sent: DisplayData[] = [];
  setDisplayPublisher((content, update) => {
    assert.equal(update, false, "a new output, not an update");
    sent.push(content);
  });
  try {
    fn();
  } finally {
    setDisplayPublisher(undefined);
  }
  return sent;
}

const summary = (): DataFrame =>
  new DataFrame(
    { acc: [0.96, 0.9578], KB: [2.54, 0.66], n: [10, 1024], note: ['<script>alert("x")</script>', "a & b 'c'"] },
    { index: ["FP32", "INT8"] },
  );

/** The text of every `<td>` / `<th>` of an HTML table, row by row (our own simple, regular output). */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[dh]>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]));
}

const PLOTLY_MARKER = `plotly.js (basic - minified) v${plotlyJsVersionString()}`;

test("escapeHtml escapes & < > \" '", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
});

test("tableBundle: text/html and text/plain, nothing else", () => {
  const bundle = tableBundle(summary());
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.ok(bundle["text/html"].length > 0 && bundle["text/plain"].length > 0);
});

test("dataFrameToHtml: a pandas-style table with header, index column, escaped text and formatted numbers", () => {
  const html = dataFrameToHtml(summary());
  assert.match(html, /<table border="1" class="dataframe">/);
  const rows = cells(html);
  assert.deepEqual(rows[0], ["", "acc", "KB", "n", "note"], "header row: an empty corner over the index, then the columns");
  assert.deepEqual(rows[1], ["FP32", "0.9600", "2.54", "10", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"]);
  assert.deepEqual(rows[2], ["INT8", "0.9578", "0.66", "1024", "a &amp; b &#39;c&#39;"]);
  assert.ok(!html.includes("<script"), "a <script> in a cell value is text, not markup");
  assert.match(html, /<th>FP32<\/th>/, "the index is a <th> column");
});

test("numbers: one number of decimals per column, integers as integers, NaN, scientific for tiny values", () => {
  const df = new DataFrame(
    { f: [0.5, 0.123456789, 2], i: [1, 2, 3], tiny: [1e-7, 0.5, 3], f32: [Math.fround(0.96), 0.5, 1] },
    { index: ["a", "b", "c"] },
  );
  const rows = cells(dataFrameToHtml(df)).slice(1);
  assert.deepEqual(rows.map((r) => r[1]), ["0.500000", "0.123457", "2.000000"], "to 6 places, aligned");
  assert.deepEqual(rows.map((r) => r[2]), ["1", "2", "3"]);
  assert.deepEqual(rows.map((r) => r[3]), ["1.0000e-7", "5.0000e-1", "3.0000e+0"]);
  assert.deepEqual(rows.map((r) => r[4]), ["0.96", "0.50", "1.00"], "float32 noise (0.9599999785…) does not show");
  const withNaN = new DataFrame({ x: [1.5, NaN] }, { index: ["p", "q"] });
  assert.deepEqual(cells(dataFrameToHtml(withNaN)).slice(1).map((r) => r[1]), ["1.5", "NaN"]);
});

test("dataFrameToText: the index left, columns right-aligned, like pandas' repr", () => {
  const df = new DataFrame({ acc: [0.96, 0.9578], KB: [2.54, 0.66] }, { index: ["FP32", "INT8"] });
  assert.equal(dataFrameToText(df), ["         acc    KB", "FP32  0.9600  2.54", "INT8  0.9578  0.66"].join("\n"));
  assert.equal(tableBundle(df)["text/plain"], dataFrameToText(df));
});

test("big tables are cut like pandas': first and last rows / columns, ... between, and the size", () => {
  const columns: Record<string, number[]> = {};
  for (let j = 0; j < 30; j++) columns[`c${j}`] = Array.from({ length: 70 }, (_, i) => i * 100 + j);
  const df = new DataFrame(columns);
  const rows = cells(dataFrameToHtml(df));
  assert.equal(rows.length, 1 + 5 + 1 + 5, "header, 5 rows, ..., 5 rows");
  assert.equal(rows[0].length, 1 + 10 + 1 + 10, "index, 10 columns, ..., 10 columns");
  assert.deepEqual([rows[0][10], rows[0][11], rows[0][12]], ["c9", "...", "c20"]);
  assert.deepEqual([rows[5][0], rows[6][0], rows[7][0]], ["4", "...", "65"]);
  assert.equal(rows[7][1], "6500");
  assert.match(dataFrameToHtml(df), /<p>70 rows × 30 columns<\/p>/);
  assert.match(dataFrameToText(df), /\[70 rows × 30 columns\]$/);
  assert.equal(cells(dataFrameToHtml(df, { maxRows: 100, maxColumns: 100 })).length, 71, "limits are options");
});

test("a table whose values do not fit its labels is refused", () => {
  assert.throws(() => dataFrameToHtml({ columns: ["a"], index: ["x", "y"], values: [[1]] }), /1 rows of values but 2 index labels/);
  assert.throws(() => dataFrameToHtml({ columns: ["a", "b"], index: ["x"], values: [[1]] }), /1 values but there are 2 columns/);
});

test("displayTable sends ONE display message carrying both MIME types", () => {
  const df = summary();
  const sent = capture(() => displayTable(df));
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].data, tableBundle(df));
  assert.deepEqual(sent[0].metadata, {});
});

test("outside a kernel, a bundle's text/plain is printed", () => {
  const printed: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(...args);
  try {
    displayBundle({ "text/html": "<b>hi</b>", "text/plain": "hi" });
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, ["hi"]);
});

test("in a tslab kernel, bundles go through tslab's own publisher (found in the module cache)", () => {
  // tslab's public display.* ends in `jupyter.lastWriteDisplayData({ data: { [oneType]: value }, … })`.
  const tslabJupyter = path.join(ROOT, "node_modules", "tslab", "dist", "jupyter.js");
  assert.match(fs.readFileSync(tslabJupyter, "utf8"), /exports\.lastWriteDisplayData = writeDisplayData;/, "tslab still keeps its publisher there");
  const fake = path.join(ROOT, "out", "fake", "node_modules", "tslab", "dist", "jupyter.js");
  const sent: Array<[DisplayData, boolean]> = [];
  const mod = new Module(fake);
  mod.exports = { lastWriteDisplayData: (content: DisplayData, update: boolean) => void sent.push([content, update]) };
  require.cache[fake] = mod;
  try {
    displayBundle({ "text/html": "<i>x</i>", "text/plain": "x" });
  } finally {
    delete require.cache[fake];
  }
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0], [{ data: { "text/html": "<i>x</i>", "text/plain": "x" }, metadata: {}, transient: {} }, false]);
});

const sizeChart = () => barChart({ x: ["FP32", "INT8"], y: [2.54, 0.66], title: "FP32 vs INT8 size", yTitle: "Model size (KB)" });

test("barChart builds the figure with plotly-notebook-js (still editable with its API)", () => {
  const fig = sizeChart();
  assert.equal(fig.data.length, 1);
  assert.deepEqual({ type: fig.data[0].type, x: fig.data[0].x, y: fig.data[0].y }, { type: "bar", x: ["FP32", "INT8"], y: [2.54, 0.66] });
  assert.deepEqual(fig.layout.title, { text: "FP32 vs INT8 size" });
  assert.deepEqual(fig.layout.yaxis?.title, { text: "Model size (KB)" });
  fig.restyle({ name: "size" }).addTraces({ type: "bar", x: ["FP32"], y: [1] }, fig.data.length);
  assert.equal(fig.data[0].name, "size");
  assert.deepEqual(fig.data[1].y, [1], "appended where asked");
  assert.throws(() => barChart({ x: ["a"], y: [1, 2], title: "", yTitle: "" }), /1 labels but 2 values/);
});

test("plotBundle: plotly JSON equal to the figure, HTML, and a text description", () => {
  resetPlotlyJsInclusion();
  const fig = createPlot([{ type: "bar", x: ["FP32", "INT8"], y: [2.54, 0.66], name: "size" }], {
    title: "FP32 vs INT8 size",
    yaxis: { title: "Model size (KB)" },
  });
  const bundle = plotBundle(fig);
  assert.deepEqual(Object.keys(bundle).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  const json: unknown = JSON.parse(JSON.stringify(bundle["application/vnd.plotly.v1+json"]));
  assert.deepEqual(json, { data: fig.data, layout: fig.layout, config: { responsive: true, displaylogo: false } }, "valid JSON, equal to the figure");
  assert.equal(
    bundle["text/plain"],
    'Figure: FP32 vs INT8 size (y axis: Model size (KB))\n  trace 0: bar "size", x = ["FP32", "INT8"], y = [2.54, 0.66]',
  );
  assert.equal(describePlot(createPlot()), "Figure: (untitled)\n  (no traces)");
  assert.match(bundle["text/html"], /Plotly\.newPlot\(el, figure\.data, figure\.layout, figure\.config\)/);
  assert.ok(!/<script[^>]+src=/.test(bundle["text/html"]), "no network: no <script src>");
  const later = plotBundle(fig)["text/html"];
  assert.ok(!/https?:|<link|@import|url\(/.test(later), "no URL at all outside the inlined library");
});

test("plotly.js is inlined in the first plot output of the session, then not again", () => {
  resetPlotlyJsInclusion();
  const first = plotBundle(sizeChart())["text/html"];
  const second = plotBundle(sizeChart())["text/html"];
  const third = plotBundle(sizeChart())["text/html"];
  const library = fs.readFileSync(require.resolve("plotly.js-basic-dist-min"), "utf8");
  assert.ok(first.includes(PLOTLY_MARKER) && first.length > library.length, "the first output carries the whole library");
  assert.ok(first.includes(library.slice(-2000)), "… all of it, up to its last bytes");
  assert.ok(!second.includes(PLOTLY_MARKER) && second.length < 10_000, "the second does not");
  assert.ok(!third.includes(PLOTLY_MARKER));
  assert.match(second, /if \(window\.Plotly\) draw\(\);\s*else \(window\.__tsnbPlotlyQueue/, "later outputs wait for window.Plotly");
  assert.match(first, /\(function \(define, require, module, exports\) \{/, "RequireJS-safe: define/require hidden from the UMD bundle");
  assert.match(first, /if \(!window\.Plotly\) \{/, "loaded at most once per page");
  assert.ok(plotBundle(sizeChart(), { includePlotlyJs: true })["text/html"].includes(PLOTLY_MARKER), "includePlotlyJs: true forces it");
  resetPlotlyJsInclusion();
  assert.ok(!plotBundle(sizeChart(), { includePlotlyJs: false })["text/html"].includes(PLOTLY_MARKER), "false never inlines it …");
  assert.ok(plotBundle(sizeChart())["text/html"].includes(PLOTLY_MARKER), "… nor counts as sent");
});

test("displayPlot sends ONE display message with the three MIME types", () => {
  resetPlotlyJsInclusion();
  const sent = capture(() => {
    displayPlot(sizeChart());
    displayPlot(sizeChart());
  });
  assert.equal(sent.length, 2);
  for (const msg of sent) {
    assert.deepEqual(Object.keys(msg.data).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  }
  assert.ok(String(sent[0].data["text/html"]).includes(PLOTLY_MARKER));
  assert.ok(!String(sent[1].data["text/html"]).includes(PLOTLY_MARKER));
});

test("figure text cannot break out of the script, and the script draws the figure", () => {
  const evil = '</script><script>alert("x")</script> & <!-- \u2028';
  const fig = createPlot([{ type: "bar", x: [evil, "b"], y: [1, 2], name: evil }], { title: evil });
  const html = plotBundle(fig, { includePlotlyJs: false })["text/html"];
  assert.equal(html.match(/<script/g)?.length, 1, "one <script> element only");
  assert.equal(html.match(/<\/script>/g)?.length, 1, "closed once");
  assert.ok(!html.includes("<!--"));
  // Run the draw script against a fake page: it must hand Plotly.newPlot exactly the figure.
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
  const id = /<div id="([^"]+)" class="plotly-graph-div"/.exec(html)?.[1];
  const el = { id, textContent: "placeholder" };
  const calls: unknown[][] = [];
  const window: Record<string, unknown> = { Plotly: { newPlot: (...args: unknown[]) => void calls.push(args) } };
  const document = { getElementById: (want: string) => (want === id ? el : null) };
  vm.runInNewContext(script, { window, document, setTimeout });
  assert.equal(calls.length, 1);
  assert.equal(calls[0][0], el);
  assert.deepEqual(JSON.parse(JSON.stringify(calls[0].slice(1))), [fig.data, fig.layout, { responsive: true, displaylogo: false }]);
  assert.equal(el.textContent, "", "the placeholder note is cleared");
});

test("a plot drawn before plotly.js is on the page waits in the queue", () => {
  const html = plotBundle(sizeChart(), { includePlotlyJs: false })["text/html"];
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
  const id = /<div id="([^"]+)"/.exec(html)?.[1];
  const window: Record<string, unknown> = {};
  const calls: unknown[] = [];
  vm.runInNewContext(script, { window, document: { getElementById: () => ({ id }) }, setTimeout });
  const queue = window.__tsnbPlotlyQueue;
  assert.ok(Array.isArray(queue) && queue.length === 1, "queued");
  window.Plotly = { newPlot: (...args: unknown[]) => void calls.push(args) };
  (queue[0] as () => void)();
  assert.equal(calls.length, 1, "drawn once plotly.js arrives");
});
