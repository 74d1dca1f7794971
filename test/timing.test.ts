import { test } from "node:test";
import assert from "node:assert/strict";
import { describeSpread, formatTiming, summarize, timeIt } from "../lib/timing";

test("timeIt runs warm-up then repeat calls and summarises the timed ones", () => {
  let calls = 0;
  const t = timeIt(() => ++calls, { warmup: 2, repeat: 7 });
  assert.equal(calls, 9);
  assert.equal(t.runs, 7);
  assert.equal(t.samplesMs.length, 7);
  assert.ok(t.minMs <= t.medianMs && t.medianMs <= t.maxMs);
  assert.ok(t.minMs >= 0);
});

test("summarize: median of odd and even counts, min, max", () => {
  assert.deepEqual(summarize(Float64Array.of(5, 1, 3)), { medianMs: 3, minMs: 1, maxMs: 5, runs: 3 });
  assert.deepEqual(summarize(Float64Array.of(4, 1, 3, 2)), { medianMs: 2.5, minMs: 1, maxMs: 4, runs: 4 });
  assert.throws(() => summarize(new Float64Array(0)), /no samples/);
});

test("bad options are refused", () => {
  assert.throws(() => timeIt(() => 0, { repeat: 0 }), /repeat must be a positive integer, got 0/);
  assert.throws(() => timeIt(() => 0, { warmup: -1 }), /warmup must be a non-negative integer, got -1/);
  assert.equal(formatTiming({ medianMs: 1.23456, minMs: 1, maxMs: 2, runs: 5, samplesMs: new Float64Array(5) }), "1.235 ms (min 1.000, max 2.000, 5 runs)");
});

test("describeSpread names the run count and the spread, in ms or s", () => {
  const t = { medianMs: 31.9, minMs: 31.8, maxMs: 35.7, runs: 5 };
  assert.equal(describeSpread(t), "median of 5 runs; min 31.800, max 35.700");
  assert.equal(describeSpread(t, "s"), "median of 5 runs; min 0.0318, max 0.0357");
});
