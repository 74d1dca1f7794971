import { test } from "node:test";
import assert from "node:assert/strict";
import { DataFrame } from "danfojs-node";
import { captureDisplays } from "../helpers/capture-display";
import { dataFrameToHtml, dataFrameToText, displayTable, escapeHtml, tableBundle } from "../../lib/display/table";

const capture = captureDisplays;

const summary = (): DataFrame =>
  new DataFrame(
    { acc: [0.96, 0.9578], KB: [2.54, 0.66], n: [10, 1024], note: ['<script>alert("x")</script>', "a & b 'c'"] },
    { index: ["FP32", "INT8"] },
  );

/** The text of every `<td>` / `<th>` of an HTML table, row by row (our own simple, regular output). */
function cells(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[dh]>([\s\S]*?)<\/t[dh]>/g)].map((c) => c[1]));
}

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
