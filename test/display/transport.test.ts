import { test } from "node:test";
import assert from "node:assert/strict";
import { displayBundle, KERNEL_DISPLAY_KEY, registerKernelDisplay, type DisplayData } from "../../lib/display/transport";

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

test("in a kernel, bundles go through the publisher registered under Symbol.for(\"quantization-lesson.display\")", () => {
  const sent: Array<[DisplayData, boolean]> = [];
  (globalThis as Record<symbol, unknown>)[Symbol.for("quantization-lesson.display")] = {
    kernel: "test", publish: (content: DisplayData, update: boolean) => void sent.push([content, update]),
  };
  try {
    displayBundle({ "text/html": "<i>x</i>", "text/plain": "x" });
  } finally {
    registerKernelDisplay(undefined);
  }
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0], [{ data: { "text/html": "<i>x</i>", "text/plain": "x" }, metadata: {}, transient: {} }, false]);
});

test("a registration without a publish function is ignored: text/plain is printed", () => {
  const printed: unknown[] = [];
  const log = console.log;
  (globalThis as Record<symbol, unknown>)[KERNEL_DISPLAY_KEY] = { kernel: "broken" };
  console.log = (...args: unknown[]) => void printed.push(...args);
  try {
    displayBundle({ "text/plain": "plain" });
  } finally {
    console.log = log;
    registerKernelDisplay(undefined);
  }
  assert.deepEqual(printed, ["plain"]);
});
