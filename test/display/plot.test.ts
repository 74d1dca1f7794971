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
  plotBundle,
  plotlyJsVersionString,
  resetPlotlyJsInclusion,
} from "../../lib/display/plot";

const capture = captureDisplays;

const PLOTLY_MARKER = `plotly.js (basic - minified) v${plotlyJsVersionString()}`;

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
