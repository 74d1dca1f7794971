import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Module from "node:module";
import { displayBundle, type DisplayData } from "../../lib/display/transport";
import { ROOT } from "../helpers/paths";

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
