import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { functionSource, sourceBundle } from "../../lib/display/source";
import { dequantizePerTensor, quantizePerTensor } from "../../lib/core/quantize";
import { predictInt8 } from "../../lib/core/predict";
import { ROOT } from "../helpers/paths";

test("functionSource finds a lib function in its .ts file: the exact lines, from `export function` to its brace", () => {
  const s = functionSource(quantizePerTensor);
  assert.equal(s.file, "lib/core/quantize.ts");
  const lines = fs.readFileSync(path.join(ROOT, s.file), "utf8").split("\n");
  assert.equal(s.code, lines.slice(s.startLine - 1, s.endLine).join("\n"));
  assert.match(s.code, /^export function quantizePerTensor\(w: Float32Array\): Quantized \{/);
  assert.match(s.code, /\n\}$/);
  assert.match(s.code, /const scale = \(max - min\) \/ 255;/, "the formula is in the body");
  assert.doesNotMatch(s.code, /^\/\*\*/, "the doc comment is not shown");
  assert.equal(functionSource(predictInt8).file, "lib/core/predict.ts");
});

test("sourceBundle: highlighted HTML with inline colours, and the same code as plain text, each headed by file and lines", () => {
  const b = sourceBundle(quantizePerTensor, dequantizePerTensor);
  const q = functionSource(quantizePerTensor);
  const d = functionSource(dequantizePerTensor);
  assert.equal(b["text/plain"], `// ${q.file}, lines ${q.startLine}–${q.endLine}\n${q.code}\n\n// ${d.file}, lines ${d.startLine}–${d.endLine}\n${d.code}`);
  assert.match(b["text/html"], /<span style="color: #cf222e">export<\/span> <span style="color: #cf222e">function<\/span> <span style="color: #8250df">quantizePerTensor<\/span>/);
  assert.doesNotMatch(b["text/html"], /class="hljs/, "no stylesheet needed");
  assert.ok(b["text/html"].includes("&lt;"), "the code is escaped (x < y)");
  const plainFromHtml = b["text/html"].replace(/<div[^>]*>lib\/[^<]*<\/div>/g, "").replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&");
  assert.ok(plainFromHtml.includes(q.code) && plainFromHtml.includes(d.code), "the HTML shows the same characters");
});

test("a function the lib does not declare, an anonymous one, or no function at all: a clear error", () => {
  function notInTheLib(): number {
    return 1;
  }
  assert.throws(() => functionSource(notInTheLib), /functionSource: no file in .*lib declares a top-level function notInTheLib/);
  assert.throws(() => functionSource((() => () => 0)()), /functionSource: fn must be a named function of the lib/);
  assert.throws(() => functionSource(undefined as never), /fn must be a named function of the lib .*, got undefined/);
  assert.throws(() => sourceBundle(), /sourceBundle: no function given/);
});
