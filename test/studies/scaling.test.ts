import { test } from "node:test";
import assert from "node:assert/strict";
import { dequantizeRows, quantizeRows } from "../../lib/core/quantize";
import { activationParamsForRange } from "../../lib/studies/integer-inference";
import {
  LAYER_KERNELS,
  availableKernels,
  markCrossovers,
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
    if (r.kernel === "fp32") assert.equal(r.speedupVsFp32, 1);
    assert.equal(typeof r.crossover, "boolean");
  }
  // Each crossover is one marked row, where the kernel changes side between batch 1 and batch 5.
  assert.equal(rows.filter((r) => r.crossover).length, crossovers.length);
  for (const c of crossovers) {
    const at = rows.find((r) => r.kernel === c.kernel && r.layer === c.layer && r.batch === c.batch);
    const before = rows.find((r) => r.kernel === c.kernel && r.layer === c.layer && r.batch === 1);
    assert.ok(at?.crossover && c.batch === 5);
    assert.equal(at.fasterThanFp32, c.becomes === "faster");
    assert.equal(before?.fasterThanFp32, c.becomes !== "faster");
  }
  for (const r of rows) assert.equal(r.fasterThanFp32, r.speedupVsFp32 > 1);
  // Only some kernels: fp32 always comes along (the speed-ups are against it).
  const some = runScalingStudy({ layers: [layers[0]], batches: [2], kernels: ["wasm"], minRepeat: 1, maxRepeat: 1, budgetMs: 1, warmupMs: 1 });
  assert.deepEqual(some.rows.map((r) => r.kernel), ["fp32", "wasm"]);
  assert.throws(() => runScalingStudy({ layers: [], batches: [1] }), /at least one layer/);
  assert.throws(() => runScalingStudy({ layers, batches: [0] }), /positive integers, got 0/);
  assert.throws(() => runScalingStudy({ layers: [{ inFeatures: 0, outFeatures: 3 }], batches: [1] }), /0x3/);
});

test("every kernel computes the same layer: fp32 ≈ dequant ≈ integer (= wasm, to the bit) ≈ wasm-fp32", () => {
  for (const [inF, outF, batch] of [[64, 10, 7], [100, 33, 9], [16, 4, 1]] as const) {
    const layer = prepareLayer({ inFeatures: inF, outFeatures: outF }, batch, { seed: 4 });
    assert.equal(layer.macs, inF * outF * batch);
    const out = (k: (typeof LAYER_KERNELS)[number]) => Float32Array.from(layer.run[k]());
    const fp32 = out("fp32");
    const dequant = out("dequant");
    const integer = out("integer");
    const wasm = out("wasm");
    const wasmFp32 = out("wasm-fp32");
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
  const cases = prepareSweep([{ inFeatures: 32, outFeatures: 8 }, { inFeatures: 8, outFeatures: 3 }], [1, 4], { kernels: ["fp32", "integer"] });
  assert.deepEqual(cases.map((c) => `${c.shape.inFeatures}x${c.shape.outFeatures}b${c.batch}`), ["32x8b1", "32x8b4", "8x3b1", "8x3b4"]);
  assert.equal(cases[1].run.integer().length, 4 * 8);
  assert.throws(() => cases[0].run.wasm(), /kernel wasm was not prepared/);
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

test("markCrossovers: where a kernel's curve crosses FP32's along the batch axis, per layer", () => {
  const row = (kernel: ScalingRow["kernel"], layer: string, batch: number, speedup: number): ScalingRow => ({
    layer, inFeatures: 1, outFeatures: 1, batch, kernel, macs: batch * (layer === "a" ? 1 : 100), medianMs: 1, minMs: 1,
    maxMs: 1, runs: 1, gmacPerSecond: 1, speedupVsFp32: speedup, fasterThanFp32: speedup > 1, crossover: false,
  });
  const rows = [
    row("fp32", "a", 1, 1), row("fp32", "a", 16, 1),
    row("wasm", "a", 16, 1.2), row("wasm", "a", 1, 0.9), row("wasm", "a", 256, 1.5),
    row("wasm", "b", 1, 3), row("wasm", "b", 16, 3),
    row("integer", "b", 1, 1.1), row("integer", "b", 16, 0.8), row("integer", "b", 256, 0.9), row("integer", "b", 1024, 1.01),
  ];
  const before = [...rows];
  const crossovers = markCrossovers(rows);
  // The array is updated in place with copies; the row objects themselves are not modified.
  assert.ok(before.every((r) => !r.crossover));
  assert.equal(rows.filter((r, i) => r !== before[i]).length, 3);
  assert.deepEqual(crossovers, [
    { kernel: "wasm", layer: "a", batch: 16, becomes: "faster" },
    { kernel: "integer", layer: "b", batch: 16, becomes: "slower" },
    { kernel: "integer", layer: "b", batch: 1024, becomes: "faster" },
  ]);
  assert.deepEqual(rows.filter((r) => r.crossover).map((r) => `${r.kernel}/${r.layer}/b${r.batch}`), ["wasm/a/b16", "integer/b/b16", "integer/b/b1024"]);
  const plot = scalingPlot(rows);
  assert.deepEqual(plot.data.map((t) => t.name), ["integer", "wasm", "FP32 (= 1)"]);
  const wasm = plot.data[1];
  assert.deepEqual(wasm.x, [1, 16, 100, 256, 1600]); // by multiply-adds
  assert.deepEqual((wasm.marker as { size?: number[] } | undefined)?.size, [7, 14, 7, 7, 7]);
  assert.ok((wasm.text as string[])[1].includes("crossover: faster from here"));
  for (const t of plot.data) assert.equal(t.x?.length, t.y?.length);
});

test("scalingSummary: one row per layer and batch, speed-ups side by side (numbers), crossovers in their own column", () => {
  const row = (layer: string, batch: number, kernel: ScalingRow["kernel"], medianMs: number, speedupVsFp32: number, crossover = false): ScalingRow => ({
    layer, inFeatures: 1, outFeatures: 1, batch, kernel, macs: batch, medianMs, minMs: medianMs, maxMs: medianMs, runs: 1,
    gmacPerSecond: 0, speedupVsFp32, fasterThanFp32: speedupVsFp32 > 1, crossover,
  });
  const summary = scalingSummary([
    row("8x8", 1, "fp32", 0.5, 1), row("8x8", 1, "wasm", 0.25, 2), row("8x8", 1, "integer", 1, 0.5),
    row("8x8", 4, "fp32", 2, 1), row("8x8", 4, "wasm", 0.5, 4), row("8x8", 4, "integer", 1.6, 1.25, true),
  ]);
  assert.deepEqual(summary, [
    { layer: "8x8", batch: 1, fp32_ms: 0.5, wasm: 2, integer: 0.5, crossover: "" },
    { layer: "8x8", batch: 4, fp32_ms: 2, wasm: 4, integer: 1.25, crossover: "integer faster from here" },
  ]);
  // Every kernel column is a number; the column order is layer, batch, fp32_ms, the kernels, crossover.
  for (const r of summary) {
    assert.deepEqual(Object.keys(r), ["layer", "batch", "fp32_ms", "wasm", "integer", "crossover"]);
    assert.ok(typeof r.wasm === "number" && typeof r.integer === "number");
  }
  const two = scalingSummary([
    row("8x8", 16, "fp32", 1, 1), row("8x8", 16, "wasm", 2, 0.5, true), row("8x8", 16, "integer", 0.5, 2, true),
  ]);
  assert.equal(two[0].crossover, "wasm slower from here; integer faster from here");
});

test("runScalingStudy: each bad timing option is refused with its name", () => {
  const base = { layers: [{ inFeatures: 4, outFeatures: 2 }], batches: [1], kernels: ["fp32"] as const, budgetMs: 1, warmupMs: 0 };
  assert.throws(() => runScalingStudy({ ...base, minRepeat: 0 }), /runScalingStudy: options\.minRepeat must be an integer ≥ 1, got 0/);
  assert.throws(() => runScalingStudy({ ...base, minRepeat: 1.5 }), /options\.minRepeat must be an integer ≥ 1, got 1\.5/);
  assert.throws(() => runScalingStudy({ ...base, minRepeat: 5, maxRepeat: 4 }), /options\.maxRepeat must be an integer ≥ 5, got 4/);
  assert.throws(() => runScalingStudy({ ...base, warmup: -1 }), /options\.warmup must be an integer ≥ 0, got -1/);
  assert.throws(() => runScalingStudy({ ...base, budgetMs: NaN }), /options\.budgetMs must be a non-negative number of milliseconds, got NaN/);
  assert.throws(() => runScalingStudy({ ...base, warmupMs: -5 }), /options\.warmupMs must be a non-negative number/);
  assert.throws(() => runScalingStudy({ ...base, kernels: ["gpu" as "fp32"] }), /unknown kernel "gpu"; expected fp32, dequant, integer, wasm, wasm-fp32/);
  // A larger minRepeat alone raises the default maxRepeat (25) with it, as before.
  assert.equal(runScalingStudy({ ...base, minRepeat: 30 }).rows[0].runs, 30);
  // Every kernel runs here (WebAssembly SIMD is available), so the default is all of them.
  assert.deepEqual(availableKernels(), LAYER_KERNELS);
});
