import { test } from "node:test";
import assert from "node:assert/strict";
import { describeSpread, summarize, timeCall, timeIt, timeItWithResult, timingSink, warmUp } from "../../lib/core/timing";

test("timeIt runs warm-up then repeat calls and summarises the timed ones", () => {
  let calls = 0;
  const t = timeIt(() => ++calls, { warmup: 2, repeat: 7 });
  assert.equal(calls, 9);
  assert.equal(t.runs, 7);
  assert.equal(t.samplesMs.length, 7);
  assert.ok(t.minMs <= t.medianMs && t.medianMs <= t.maxMs);
  assert.ok(t.minMs >= 0);
});

test("summarize: median and quartiles as np.percentile (linear), min, max", () => {
  assert.deepEqual(summarize(Float64Array.of(5, 1, 3)), { medianMs: 3, q1Ms: 2, q3Ms: 4, minMs: 1, maxMs: 5, runs: 3 });
  assert.deepEqual(summarize(Float64Array.of(4, 1, 3, 2)), { medianMs: 2.5, q1Ms: 1.75, q3Ms: 3.25, minMs: 1, maxMs: 4, runs: 4 });
  assert.deepEqual(summarize(Float64Array.of(7)), { medianMs: 7, q1Ms: 7, q3Ms: 7, minMs: 7, maxMs: 7, runs: 1 });
  // np.percentile([0, 1, …, 9, 100], [25, 50, 75]) = [2.5, 5, 7.5]: one outlier moves the max, not the middle half.
  const s = summarize(Float64Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100));
  assert.deepEqual([s.q1Ms, s.medianMs, s.q3Ms, s.maxMs], [2.5, 5, 7.5, 100]);
  assert.throws(() => summarize(new Float64Array(0)), /no samples/);
});

test("bad options are refused", () => {
  assert.throws(() => timeIt(() => 0, { repeat: 0 }), /repeat must be a positive integer, got 0/);
  assert.throws(() => timeIt(() => 0, { warmup: -1 }), /warmup must be a non-negative integer, got -1/);
  assert.throws(() => timeIt(() => 0, { warmupMs: -1 }), /warmupMs must be a non-negative number of milliseconds, got -1/);
  assert.throws(() => timeIt(() => 0, { warmupMs: NaN }), /warmupMs must be a non-negative number of milliseconds, got NaN/);
  assert.throws(() => warmUp(() => 0, { warmup: 1.5 }), /^RangeError: warmUp: warmup must be a non-negative integer, got 1.5/);
  let calls = 0;
  assert.throws(() => timeIt(() => ++calls, { warmup: 2, repeat: 0 }));
  assert.equal(calls, 0, "nothing runs when the options are wrong");
});

test("describeSpread names the run count and the middle half of the runs, in ms or s", () => {
  const t = { medianMs: 31.9, q1Ms: 31.85, q3Ms: 32.4, minMs: 31.8, maxMs: 35.7, runs: 5 };
  assert.equal(describeSpread(t), "median of 5 runs; middle half 31.850–32.400");
  assert.equal(describeSpread(t, "s"), "median of 5 runs; middle half 0.0319–0.0324");
});

test("warmupMs keeps warming until that much time has passed, after at least `warmup` calls", () => {
  let calls = 0;
  const busy = (): number => {
    calls++;
    const until = process.hrtime.bigint() + 1_000_000n; // 1 ms
    while (process.hrtime.bigint() < until);
    return calls;
  };
  const t0 = process.hrtime.bigint();
  const lastMs = warmUp(busy, { warmup: 2, warmupMs: 20 });
  const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.ok(elapsedMs >= 20, `warmed for ${elapsedMs} ms`);
  assert.ok(calls >= 2 && calls <= 21, `${calls} calls of 1 ms`);
  assert.ok(lastMs >= 1, `last warm-up call took ${lastMs} ms`);

  calls = 0;
  warmUp(busy, { warmup: 5, warmupMs: 1 });
  assert.equal(calls, 5, "the warm-up count is a minimum");
  calls = 0;
  assert.equal(warmUp(busy, { warmup: 0 }), 0);
  assert.equal(calls, 0);

  calls = 0;
  const t1 = process.hrtime.bigint();
  const t = timeIt(busy, { warmup: 0, warmupMs: 10, repeat: 3 });
  const totalMs = Number(process.hrtime.bigint() - t1) / 1e6;
  assert.equal(t.runs, 3);
  assert.ok(calls >= 4, `${calls} calls: warm-up, then 3 timed`);
  assert.ok(totalMs >= 10 + 3 * t.minMs, `${totalMs} ms: 10 ms of warm-up, then 3 timed calls`);
});

test("timeItWithResult returns the last timed call's result; timeCall times one call into the sink", () => {
  let calls = 0;
  const { timing, result } = timeItWithResult(() => ({ call: ++calls }), { warmup: 1, repeat: 4 });
  assert.equal(timing.runs, 4);
  assert.deepEqual(result, { call: 5 });
  assert.equal(timingSink.last, result);

  const ms = timeCall(() => "done");
  assert.ok(ms >= 0 && Number.isFinite(ms));
  assert.equal(timingSink.last, "done");
});
