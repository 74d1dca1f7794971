import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as vm from "node:vm";
import { captureDisplays } from "../helpers/capture-display";
import {
  barChart,
  createPlot,
  describePlot,
  displayPlot,
  initPlotly,
  initPlotlyBundle,
  MISSING_PLOTLY_NOTES,
  PLOTLY_JS_PACKAGE,
  plotBundle,
  plotlyJsVersionString,
  resetPlotlyJsInclusion,
  UNTRUSTED_NOTE,
} from "../../lib/display/plot";

const capture = captureDisplays;

const LIBRARY = fs.readFileSync(require.resolve(PLOTLY_JS_PACKAGE), "utf8");
const PLOTLY_MARKER = `plotly.js (cartesian - minified) v${plotlyJsVersionString()}`;
const carriesPlotly = (html: string): boolean => html.includes(PLOTLY_MARKER) && html.includes(LIBRARY.slice(-2000));

const sizeChart = () => barChart({ x: ["FP32", "INT8"], y: [2.54, 0.66], title: "FP32 vs INT8 size", yTitle: "Model size (KB)" });

/** The text of each inline `<script>` of an HTML output. */
const scripts = (html: string): string[] => [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);

test("the plotly.js used is the cartesian bundle 2.35.x, which has bar, scatter, histogram and heatmap", () => {
  assert.equal(PLOTLY_JS_PACKAGE, "plotly.js-cartesian-dist-min");
  assert.match(plotlyJsVersionString(), /^2\.35\.\d+$/);
  assert.ok(LIBRARY.startsWith(`/**\n* ${PLOTLY_MARKER}`), "the file is the bundle it claims to be");
  // Each trace module registers itself by name: moduleType:"trace",name:"<type>".
  for (const trace of ["bar", "scatter", "histogram", "heatmap", "image"]) {
    assert.match(LIBRARY, new RegExp(`moduleType:"trace",name:"${trace}"`), `${trace} traces are in the bundle`);
  }
  assert.ok(LIBRARY.length < 1_500_000, `the bundle is ${LIBRARY.length} bytes (the full plotly.js is ≈3.6 MB)`);
});

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
  assert.match(bundle["text/html"], /window\.Plotly\.newPlot\(el, figure\.data, figure\.layout, figure\.config\)/);
  assert.ok(!/<script[^>]+src=/.test(bundle["text/html"]), "no network: no <script src>");
  const small = plotBundle(fig, { includePlotlyJs: false })["text/html"];
  assert.ok(!/https?:|<link|@import|url\(/.test(small), "no URL at all outside the library");
});

test("describePlot gives a heatmap's grid size and value range instead of x and y", () => {
  const z = [
    [0, 0.5, 1],
    [-2, 3.25, 1],
  ];
  const fig = createPlot([{ type: "heatmap", z, name: "weights" }], { title: { text: "Class 3" } });
  assert.equal(describePlot(fig), 'Figure: Class 3\n  trace 0: heatmap "weights", z = [2×3], values -2 … 3.25');
  const typed = createPlot([{ type: "heatmap", z: [Float32Array.from([0.1, 0.2]), Float32Array.from([0.3, 0.4])] }]);
  assert.equal(describePlot(typed), "Figure: (untitled)\n  trace 0: heatmap, z = [2×2], values 0.1 … 0.4");
  const long = createPlot([{ type: "scatter", x: [0.15282451923076926, 1048576], y: [2.0041040751829, -0.000123456] }]);
  assert.equal(describePlot(long), "Figure: (untitled)\n  trace 0: scatter, x = [0.1528, 1048576], y = [2.004, -0.0001235]", "fractions to 4 significant digits, integers whole");
  const hist = createPlot([{ type: "histogram", x: Array.from({ length: 20 }, (_, i) => i) }]);
  assert.equal(describePlot(hist), "Figure: (untitled)\n  trace 0: histogram, x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, … (20 values)], y = []");
});

test("without initPlotly, EVERY plot output carries plotly.js (a plot cell run alone, or again, still draws when reopened)", () => {
  resetPlotlyJsInclusion();
  const outputs = [plotBundle(sizeChart()), plotBundle(sizeChart()), plotBundle(sizeChart())].map((b) => b["text/html"]);
  for (const [i, html] of outputs.entries()) {
    assert.ok(carriesPlotly(html), `output ${i} carries the whole library`);
    assert.match(html, /\(function \(define, require, module, exports\) \{/, "RequireJS-safe: define/require hidden from the UMD bundle");
    assert.match(html, /if \(!window\.Plotly\) \{/, "loaded at most once per page");
  }
  assert.ok(!carriesPlotly(plotBundle(sizeChart(), { includePlotlyJs: false })["text/html"]), "includePlotlyJs: false never carries it");
});

test("initPlotly: its output carries plotly.js; later plots are small and wait for window.Plotly", () => {
  resetPlotlyJsInclusion();
  const sent = capture(() => {
    initPlotly();
    displayPlot(sizeChart());
    displayPlot(sizeChart());
  });
  assert.equal(sent.length, 3);
  assert.deepEqual(Object.keys(sent[0].data).sort(), ["text/html", "text/plain"], "the init output is HTML and a line of text");
  const init = String(sent[0].data["text/html"]);
  assert.ok(carriesPlotly(init), "the init output carries the whole library");
  assert.equal(sent[0].data["text/plain"], `plotly.js ${plotlyJsVersionString()} (plotly.js-cartesian-dist-min) for the charts of this notebook, offline`);
  for (const msg of sent.slice(1)) {
    const html = String(msg.data["text/html"]);
    assert.ok(!carriesPlotly(html) && html.length < 10_000, `a later plot is ${html.length} bytes, without the library`);
    assert.match(html, /if \(window\.Plotly\) draw\(\);\s*else \{\s*\(window\.__tsnbPlotlyQueue/, "it waits for window.Plotly");
  }
  assert.ok(carriesPlotly(plotBundle(sizeChart(), { includePlotlyJs: true })["text/html"]), "includePlotlyJs: true forces it");
  resetPlotlyJsInclusion();
  assert.ok(carriesPlotly(plotBundle(sizeChart())["text/html"]), "after a reset (as after a kernel restart) plots carry it again");
});

test("a saved notebook keeps plotly.js whatever order its cells ran in (Run All twice, one plot cell again)", () => {
  // The notebook as a list of cells, each keeping the output of its last run, as Jupyter saves it.
  resetPlotlyJsInclusion();
  const saved = new Map<string, string>();
  const run = (cell: string): void => {
    const sent = capture(() => (cell === "imports" ? initPlotly() : displayPlot(sizeChart())));
    saved.set(cell, String(sent[0].data["text/html"]));
  };
  const runAll = (): void => ["imports", "size", "hist", "grid"].forEach(run);
  runAll();
  runAll();
  run("hist");
  const carriers = [...saved.entries()].filter(([, html]) => carriesPlotly(html)).map(([cell]) => cell);
  assert.deepEqual(carriers, ["imports"], "the imports cell's output carries plotly.js, once");
  const total = [...saved.values()].reduce((n, html) => n + html.length, 0);
  assert.ok(total < LIBRARY.length * 1.05, `the four outputs take ${total} bytes: one library, not one per plot`);
});

test("the note says how to trust or re-run in JupyterLab 4 and in the classic Notebook", () => {
  const html = plotBundle(sizeChart(), { includePlotlyJs: false })["text/html"];
  assert.ok(html.includes(`<p class="tsnb-plotly-note" style="color: #666;">${UNTRUSTED_NOTE.replace(/&/g, "&amp;")}</p>`), "the note is in the div, before any script runs");
  assert.match(UNTRUSTED_NOTE, /not trusted/);
  assert.match(UNTRUSTED_NOTE, /JupyterLab: command palette \(Ctrl\+Shift\+C\) → “Trust Notebook”/);
  assert.match(UNTRUSTED_NOTE, /classic Notebook: File → Trust Notebook/);
  assert.match(UNTRUSTED_NOTE, /JupyterLab: Kernel → Restart Kernel and Run All Cells…/);
  assert.match(UNTRUSTED_NOTE, /classic Notebook: Kernel → Restart & Run All/);
  assert.match(html, /<pre [^>]*>Figure: FP32 vs INT8 size \(y axis: Model size \(KB\)\)\n  trace 0: bar/, "… then the chart in text");
  assert.ok(!/File → Trust Notebook/.test(MISSING_PLOTLY_NOTES.jupyterlab), "JupyterLab 4 has no File → Trust Notebook");
  assert.match(MISSING_PLOTLY_NOTES.jupyterlab, /Kernel → Restart Kernel and Run All Cells…$/);
  assert.match(MISSING_PLOTLY_NOTES.classic, /Kernel → Restart & Run All\.$/);
  assert.match(initPlotlyBundle()["text/html"], /This output carries plotly\.js 2\.35\.\d+ for the charts of this notebook; it runs when the notebook is trusted\./);
});

/** A fake page for the draw script: one div (connected or not), Plotly (or not), timers run by hand. */
function fakePage(html: string, options: { plotly: boolean; lab?: boolean; classic?: boolean }) {
  const id = /<div id="([^"]+)" class="plotly-graph-div"/.exec(html)?.[1];
  const note = { textContent: UNTRUSTED_NOTE };
  const el = { id, textContent: "placeholder", isConnected: true, style: { minHeight: "450px", height: "" }, querySelector: (s: string) => (s === ".tsnb-plotly-note" ? note : null) };
  const calls: unknown[][] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const window: Record<string, unknown> = {};
  if (options.plotly) window.Plotly = { newPlot: (...args: unknown[]) => void calls.push(args) };
  if (options.classic) window.Jupyter = { notebook: {} };
  const document = {
    currentScript: undefined,
    getElementById: (want: string) => (want === id ? el : null),
    querySelector: (s: string) => (s === ".jp-LabShell" && options.lab ? {} : null),
  };
  const context = { window, document, setTimeout: (fn: () => void, ms: number) => void timers.push({ fn, ms }) };
  for (const s of scripts(html)) vm.runInNewContext(s, context);
  return { el, note, calls, timers, window };
}

test("figure text cannot break out of the script, and the script draws the figure", () => {
  const evil = '</script><script>alert("x")</script> & <!-- \u2028';
  const fig = createPlot([{ type: "bar", x: [evil, "b"], y: [1, 2], name: evil }], { title: evil, height: 300 });
  const html = plotBundle(fig, { includePlotlyJs: false })["text/html"];
  assert.equal(html.match(/<script/g)?.length, 1, "one <script> element only");
  assert.equal(html.match(/<\/script>/g)?.length, 1, "closed once");
  assert.ok(!html.includes("<!--"));
  // Run the draw script against a fake page: it must hand Plotly.newPlot exactly the figure.
  const page = fakePage(html, { plotly: true });
  assert.equal(page.calls.length, 1);
  assert.equal(page.calls[0][0], page.el);
  assert.deepEqual(JSON.parse(JSON.stringify(page.calls[0].slice(1))), [fig.data, fig.layout, { responsive: true, displaylogo: false }]);
  assert.equal(page.el.textContent, "", "the placeholder note is cleared");
  assert.deepEqual(page.el.style, { minHeight: "", height: "300px" }, "drawn at the figure's height");
});

test("a plot shown before plotly.js is on the page waits in the queue, and after 10 s says what to run", () => {
  const html = plotBundle(sizeChart(), { includePlotlyJs: false })["text/html"];
  const page = fakePage(html, { plotly: false, lab: true });
  const queue = page.window.__tsnbPlotlyQueue;
  assert.ok(Array.isArray(queue) && queue.length === 1, "queued");
  assert.deepEqual(page.timers.map((t) => t.ms), [10_000]);
  page.timers[0].fn();
  assert.equal(page.note.textContent, MISSING_PLOTLY_NOTES.jupyterlab, "JupyterLab's words");
  page.window.Plotly = { newPlot: (...args: unknown[]) => void page.calls.push(args) };
  (queue[0] as () => void)();
  assert.equal(page.calls.length, 1, "drawn once plotly.js arrives");
  (queue[0] as () => void)();
  assert.equal(page.calls.length, 1, "and only once");

  const classic = fakePage(html, { plotly: false, classic: true });
  classic.timers[0].fn();
  assert.equal(classic.note.textContent, MISSING_PLOTLY_NOTES.classic, "the classic Notebook's words");
  const other = fakePage(html, { plotly: false });
  other.timers[0].fn();
  assert.equal(other.note.textContent, MISSING_PLOTLY_NOTES.other, "elsewhere (an HTML export)");
});
