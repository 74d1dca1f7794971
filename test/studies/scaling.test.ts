import { test } from "node:test";
import assert from "node:assert/strict";
import { dequantizeRows, quantizeRows } from "../../lib/core/quantize";
import { activationParamsForRange } from "../../lib/studies/integer-inference";
import {
  LAYER_KERNELS,
  BASELINES,
  availableKernels,
  compareWithBaselines,
  describeScaling,
  findCrossovers,
  prepareLayer,
  prepareSweep,
  runScalingStudy,
  scalingPlot,
  scalingSummary,
  seededUniform,
  syntheticLayer,
  type ScalingRow,
} from "../../lib/studies/scaling";

test("a small scaling study runs in well under a second and returns well-formed rows", () => {
  const layers = [{ inFeatures: 64, outFeatures: 10 }, { inFeatures: 40, outFeatures: 23 }];
  const batches = [1, 5];
  const { rows, crossovers } = runScalingStudy({ layers, batches, minRepeat: 2, maxRepeat: 3, budgetMs: 2, warmupMs: 1 });
  assert.equal(rows.length, layers.length * batches.length * LAYER_KERNELS.length);
  for (const r of rows) {
    assert.match(r.layer, /^\d+x\d+$/);
    assert.equal(r.layer, `${r.inFeatures}x${r.outFeatures}`);
    assert.ok(LAYER_KERNELS.includes(r.kernel));
    assert.equal(r.macs, r.batch * r.inFeatures * r.outFeatures);
    assert.ok(r.medianMs > 0 && r.minMs <= r.medianMs && r.medianMs <= r.maxMs, JSON.stringify(r));
    assert.ok(r.runs >= 2 && r.runs <= 3);
    assert.ok(Number.isFinite(r.gmacPerSecond) && r.gmacPerSecond > 0);
    assert.ok(Number.isFinite(r.speedupVsFp32) && r.speedupVsFp32 > 0);
    if (r.kernel === "fp32-ts") assert.equal(r.speedupVsFp32, 1);
  }
  assert.deepEqual(crossovers, findCrossovers(rows));
  // Each crossover: the kernel is clearly on one side of its baseline at batch 1 and on the other at batch 5.
  const verdicts = compareWithBaselines(rows);
  for (const c of crossovers) {
    const at = (batch: number) => verdicts.find((v) => v.kernel === c.kernel && v.layer === c.layer && v.batch === batch)?.verdict;
    assert.equal(c.batch, 5);
    assert.equal(at(5), c.becomes);
    assert.equal(at(1), c.becomes === "faster" ? "slower" : "faster");
  }
  // Only some kernels: fp32-ts always comes along (speedupVsFp32 is against it).
  const some = runScalingStudy({ layers: [layers[0]], batches: [2], kernels: ["int8-wasm"], minRepeat: 1, maxRepeat: 1, budgetMs: 1, warmupMs: 1 });
  assert.deepEqual(some.rows.map((r) => r.kernel), ["fp32-ts", "int8-wasm"]);
  assert.throws(() => runScalingStudy({ layers: [], batches: [1] }), /at least one layer/);
  assert.throws(() => runScalingStudy({ layers, batches: [0] }), /positive integers, got 0/);
  assert.throws(() => runScalingStudy({ layers: [{ inFeatures: 0, outFeatures: 3 }], batches: [1] }), /0x3/);
});

test("every kernel computes the same layer: fp32-ts ≈ dequant-ts ≈ int8-ts (= int8-wasm, to the bit) ≈ fp32-wasm", () => {
  for (const [inF, outF, batch] of [[64, 10, 7], [100, 33, 9], [16, 4, 1]] as const) {
    const layer = prepareLayer({ inFeatures: inF, outFeatures: outF }, batch, { seed: 4 });
    assert.equal(layer.macs, inF * outF * batch);
    const out = (k: (typeof LAYER_KERNELS)[number]) => Float32Array.from(layer.run[k]());
    const fp32 = out("fp32-ts");
    const dequant = out("dequant-ts");
    const integer = out("int8-ts");
    const wasm = out("int8-wasm");
    const wasmFp32 = out("fp32-wasm");
    assert.deepEqual(wasm, integer);
    // The integer path differs from fp32 by the weight and activation quantization: at most
    // Σ_j (|Δx|·|w| + |x|·|Δw|) ≤ in · (0.5/255 · max|w| + 1 · max|Δw|).
    const { W } = syntheticLayer({ inFeatures: inF, outFeatures: outF }, batch, 4);
    const Wq = dequantizeRows(quantizeRows(W)).data;
    let maxW = 0;
    let maxDw = 0;
    for (let i = 0; i < W.data.length; i++) {
      maxW = Math.max(maxW, Math.abs(W.data[i]));
      maxDw = Math.max(maxDw, Math.abs(W.data[i] - Wq[i]));
    }
    const bound = inF * ((0.5 / 255) * maxW + maxDw);
    for (let i = 0; i < fp32.length; i++) {
      assert.ok(Math.abs(wasmFp32[i] - fp32[i]) <= 1e-5, `wasm-fp32 ${i}`);
      assert.ok(Math.abs(dequant[i] - fp32[i]) <= inF * maxDw, `dequant ${i}`);
      assert.ok(Math.abs(integer[i] - fp32[i]) <= bound, `integer ${i}: ${integer[i]} vs ${fp32[i]} (bound ${bound})`);
    }
  }
});

test("prepareSweep shares a layer's weights across batch sizes; the synthetic data is reproducible", () => {
  const cases = prepareSweep([{ inFeatures: 32, outFeatures: 8 }, { inFeatures: 8, outFeatures: 3 }], [1, 4], { kernels: ["fp32-ts", "int8-ts"] });
  assert.deepEqual(cases.map((c) => `${c.shape.inFeatures}x${c.shape.outFeatures}b${c.batch}`), ["32x8b1", "32x8b4", "8x3b1", "8x3b4"]);
  assert.equal(cases[1].run["int8-ts"]().length, 4 * 8);
  assert.throws(() => cases[0].run["int8-wasm"](), /kernel int8-wasm was not prepared/);
  const a = syntheticLayer({ inFeatures: 5, outFeatures: 2 }, 3, 9);
  const b = syntheticLayer({ inFeatures: 5, outFeatures: 2 }, 3, 9);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.W, syntheticLayer({ inFeatures: 5, outFeatures: 2 }, 3, 10).W);
  assert.ok(a.X.data.every((v) => v >= 0 && v < 1));
  const next = seededUniform(1);
  const first = [next(), next()];
  const again = seededUniform(1);
  assert.deepEqual([again(), again()], first);
  assert.deepEqual(activationParamsForRange(0, 1), { scale: 1 / 255, zeroPoint: 0 });
});

/** A study row with only what the comparisons read: layer, batch, kernel and median. */
const row = (layer: string, batch: number, kernel: ScalingRow["kernel"], medianMs: number): ScalingRow => ({
  layer, inFeatures: 1, outFeatures: 1, batch, kernel, macs: batch, medianMs, minMs: medianMs, maxMs: medianMs, runs: 1,
  gmacPerSecond: 0, speedupVsFp32: 0,
});

test("compareWithBaselines: each kernel against the same kind of float code, the verdict read from the printed speed-up", () => {
  assert.equal(BASELINES["int8-wasm"], "fp32-wasm");
  assert.equal(BASELINES["int8-ts"], "fp32-ts");
  assert.equal(BASELINES["fp32-ts"], undefined);
  const rows = [
    row("a", 1, "fp32-ts", 1), row("a", 1, "fp32-wasm", 0.1), row("a", 1, "int8-wasm", 0.05), row("a", 1, "int8-ts", 1.004),
    row("a", 1, "dequant-ts", 1 / 0.91), row("a", 1, "int8-ts", 1),
  ];
  const c = compareWithBaselines(rows.slice(0, 5));
  assert.deepEqual(c.map((v) => `${v.kernel}/${v.baseline}: ${v.speedup} ${v.verdict}`), [
    "fp32-wasm/fp32-ts: 10 faster",
    "int8-wasm/fp32-wasm: 2 faster", // against fp32-wasm, not fp32-ts (20×)
    "int8-ts/fp32-ts: 1 same", // 0.996 prints as 1: never "slower" next to a printed 1.00
    "dequant-ts/fp32-ts: 0.91 slower",
  ]);
  // 1.09 and 0.92 are within the band: about the same.
  assert.deepEqual(compareWithBaselines([row("b", 1, "fp32-ts", 1.09), row("b", 1, "int8-ts", 1), row("b", 2, "fp32-ts", 0.92), row("b", 2, "int8-ts", 1)]).map((v) => v.verdict), ["same", "same"]);
  assert.deepEqual(compareWithBaselines([row("b", 1, "fp32-ts", 1.1), row("b", 1, "int8-ts", 1)]).map((v) => v.verdict), ["faster"]);
  // No baseline timed: no comparison.
  assert.deepEqual(compareWithBaselines([row("c", 1, "int8-wasm", 1)]), []);
});

test("findCrossovers: a side change against the baseline along the batch axis; noise around 1 is no crossover", () => {
  const rows = [
    row("a", 1, "fp32-ts", 1), row("a", 16, "fp32-ts", 1), row("a", 256, "fp32-ts", 1),
    row("a", 16, "int8-ts", 0.8), row("a", 1, "int8-ts", 1.25), row("a", 256, "int8-ts", 1.01), // faster, slower, same
    row("b", 1, "fp32-ts", 1), row("b", 16, "fp32-ts", 1), row("b", 256, "fp32-ts", 1), row("b", 1024, "fp32-ts", 1),
    row("b", 1, "dequant-ts", 1.02), row("b", 16, "dequant-ts", 0.98), row("b", 256, "dequant-ts", 1.3), row("b", 1024, "dequant-ts", 0.7),
  ];
  assert.deepEqual(findCrossovers(rows), [
    { kernel: "int8-ts", baseline: "fp32-ts", layer: "a", batch: 16, becomes: "faster" },
    // b: 0.98 → 1.02 is noise (no crossover); 1.3 slower → 0.7 faster is one.
    { kernel: "dequant-ts", baseline: "fp32-ts", layer: "b", batch: 1024, becomes: "faster" },
  ]);
});

test("scalingSummary and describeScaling: one row per layer and batch; computed sentences", () => {
  const rows = [
    row("8x8", 1, "fp32-ts", 0.5), row("8x8", 1, "fp32-wasm", 0.1), row("8x8", 1, "int8-wasm", 0.2), row("8x8", 1, "int8-ts", 1),
    row("8x8", 4, "fp32-ts", 2), row("8x8", 4, "fp32-wasm", 0.2), row("8x8", 4, "int8-wasm", 0.1), row("8x8", 4, "int8-ts", 1.6),
  ];
  const summary = scalingSummary(rows);
  assert.deepEqual(summary, [
    { layer: "8x8", batch: 1, "fp32-ts ms": 0.5, "fp32-wasm vs fp32-ts": 5, "int8-wasm vs fp32-wasm": 0.5, "int8-ts vs fp32-ts": 0.5, crossover: "" },
    {
      layer: "8x8", batch: 4, "fp32-ts ms": 2, "fp32-wasm vs fp32-ts": 10, "int8-wasm vs fp32-wasm": 2, "int8-ts vs fp32-ts": 1.25,
      crossover: "int8-wasm faster than fp32-wasm from here; int8-ts faster than fp32-ts from here",
    },
  ]);
  assert.deepEqual(describeScaling(rows), [
    "int8-ts vs fp32-ts: 8x8 faster at batch 4, slower at batch 1 (0.5× at batch 1 to 1.25× at batch 4)",
    "fp32-wasm vs fp32-ts: 8x8 faster at every batch (5× at batch 1 to 10× at batch 4)",
    "int8-wasm vs fp32-wasm: 8x8 faster at batch 4, slower at batch 1 (0.5× at batch 1 to 2× at batch 4)",
  ]);
  // Layer by layer, and "about the same" in words; one batch of a layer is "its one batch".
  assert.deepEqual(describeScaling([row("a", 1, "fp32-ts", 1), row("a", 1, "int8-ts", 1.02), row("b", 1, "fp32-ts", 1), row("b", 1, "int8-ts", 2), row("b", 2, "fp32-ts", 1), row("b", 2, "int8-ts", 4)]), [
    "int8-ts vs fp32-ts: a about the same at its one batch (0.98×); b slower at every batch (0.25× at batch 2 to 0.5× at batch 1)",
  ]);

  // The plot: one panel per layer, batch on x, one line per kernel against its baseline.
  const plot = scalingPlot([...rows, row("2x2", 1, "fp32-ts", 1), row("2x2", 1, "int8-ts", 2)]);
  const lines = plot.data.filter((t) => t.name !== "as fast as the baseline");
  assert.deepEqual(lines.map((t) => `${t.name}@${t.xaxis}`), [
    "int8-ts vs fp32-ts@x", "fp32-wasm vs fp32-ts@x", "int8-wasm vs fp32-wasm@x", "int8-ts vs fp32-ts@x2",
  ]);
  assert.deepEqual(lines[2].x, [1, 4]);
  assert.deepEqual(lines[2].y, [0.5, 2]);
  const layout = plot.layout as Record<string, { tickvals?: number[]; ticktext?: string[] }>;
  assert.deepEqual(layout.xaxis.tickvals, [1, 4]);
  assert.deepEqual(layout.yaxis.ticktext, layout.yaxis.tickvals?.map((t) => `${t}×`));
  assert.ok(JSON.stringify(plot.layout.annotations).includes("layer 8 → 8"));
});

test("runScalingStudy: each bad timing option is refused with its name", () => {
  const base = { layers: [{ inFeatures: 4, outFeatures: 2 }], batches: [1], kernels: ["fp32-ts"] as const, budgetMs: 1, warmupMs: 0 };
  assert.throws(() => runScalingStudy({ ...base, minRepeat: 0 }), /runScalingStudy: options\.minRepeat must be an integer ≥ 1, got 0/);
  assert.throws(() => runScalingStudy({ ...base, minRepeat: 1.5 }), /options\.minRepeat must be an integer ≥ 1, got 1\.5/);
  assert.throws(() => runScalingStudy({ ...base, minRepeat: 5, maxRepeat: 4 }), /options\.maxRepeat must be an integer ≥ 5, got 4/);
  assert.throws(() => runScalingStudy({ ...base, warmup: -1 }), /options\.warmup must be an integer ≥ 0, got -1/);
  assert.throws(() => runScalingStudy({ ...base, budgetMs: NaN }), /options\.budgetMs must be a non-negative number of milliseconds, got NaN/);
  assert.throws(() => runScalingStudy({ ...base, warmupMs: -5 }), /options\.warmupMs must be a non-negative number/);
  assert.throws(() => runScalingStudy({ ...base, kernels: ["gpu" as "fp32-ts"] }), /unknown kernel "gpu"; expected fp32-ts, dequant-ts, int8-ts, fp32-wasm, int8-wasm/);
  // A larger minRepeat alone raises the default maxRepeat (25) with it, as before.
  assert.equal(runScalingStudy({ ...base, minRepeat: 30 }).rows[0].runs, 30);
  // Every kernel runs here (WebAssembly SIMD is available), so the default is all of them.
  assert.deepEqual(availableKernels(), LAYER_KERNELS);
});
