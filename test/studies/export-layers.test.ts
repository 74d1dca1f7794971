import { test } from "node:test";
import assert from "node:assert/strict";
import { linearFp32 } from "../../lib/kernels/fp32-kernel";
import { activationParamsForRange, integerScores, prepareIntegerModel, quantizeActivations } from "../../lib/studies/integer-inference";
import { encodeOnnxModel } from "../../lib/studies/export";
import { createOrtSession } from "../../lib/studies/onnx-runtime";
import { prepareOrtLayer, timeAsync } from "../../lib/studies/onnx-layers";
import {
  BASELINES,
  ORT_KERNELS,
  addOrtRows,
  compareWithBaselines,
  findCrossovers,
  layerInputs,
  layerModels,
  runScalingStudy,
  scalingPlot,
  scalingSummary,
  syntheticLayer,
  versusOrt,
} from "../../lib/studies/scaling";

const shape = { inFeatures: 256, outFeatures: 48 };

test("layerModels / layerInputs are the study's synthetic layer, seeded", () => {
  const { fp32, int8 } = layerModels(shape, 5);
  const layer = syntheticLayer(shape, 1, 5);
  assert.deepEqual(fp32.coef, layer.W);
  assert.deepEqual(fp32.intercept, layer.b);
  assert.deepEqual(Array.from(fp32.classes), Array.from({ length: 48 }, (_, i) => i));
  assert.equal(int8.qCoef.rows, 48);
  assert.deepEqual(layerInputs(shape, 3, 5), syntheticLayer(shape, 3, 6).X);
  assert.throws(() => layerModels({ inFeatures: 0, outFeatures: 3 }), /layerModels: layer shape must be positive integers, got 0x3/);
});

test("ONNX Runtime on a layer computes our scores: fp32 as linearFp32, int8 (dynamic) as integerScores on the same uint8 inputs", async () => {
  const models = layerModels(shape);
  const X = layerInputs(shape, 9);
  const sessions = await prepareOrtLayer(models, 1);
  const fp32 = (await sessions.fp32.run(X)).scores;
  const int8 = (await sessions.int8.run(X)).scores;
  await sessions.release();
  const ref = linearFp32(X, models.fp32.coef, models.fp32.intercept).data;
  let min = Infinity;
  let max = -Infinity;
  for (const v of X.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  // DynamicQuantizeLinear's parameters are activationParamsForRange's (uint8, the range widened to 0).
  const Xq = quantizeActivations(X, activationParamsForRange(min, max));
  const intRef = integerScores(Xq, prepareIntegerModel(models.int8)).data;
  assert.equal(fp32?.data.length, 9 * 48);
  for (let i = 0; i < ref.length; i++) {
    assert.ok(Math.abs((fp32?.data[i] ?? NaN) - ref[i]) < 1e-5, `fp32 score ${i}: ${fp32?.data[i]} vs ${ref[i]}`);
    assert.ok(Math.abs((int8?.data[i] ?? NaN) - intRef[i]) < 1e-5, `int8 score ${i}: ${int8?.data[i]} vs ${intRef[i]}`);
  }
  // The int32 sums themselves, exposed by the integer form: exactly Σ (xq − zx)(q − zw).
  const bytes = encodeOnnxModel(models.int8, { form: "integer", activations: "dynamic" });
  const session = await createOrtSession(bytes, "layer", 256, ["labels", "scores", "sums"]);
  const { sums } = await session.run(X);
  await session.release();
  const q = models.int8.qCoef.data;
  for (let i = 0; i < 9; i++) {
    for (let c = 0; c < 48; c++) {
      let s = 0;
      for (let j = 0; j < 256; j++) s += (Xq.data[i * 256 + j] - Xq.zeroPoint) * (q[c * 256 + j] - models.int8.zeroPoints[c]);
      assert.equal(sums?.data[i * 48 + c], s, `sum [${i}, ${c}]`);
    }
  }
});

test("timeAsync: warm-up, then between minRepeat and maxRepeat timed calls; bad options are errors", async () => {
  let calls = 0;
  const t = await timeAsync(async () => calls++, { warmup: 2, warmupMs: 0, minRepeat: 4, maxRepeat: 6, budgetMs: 1000 });
  assert.equal(t.runs, 6);
  assert.equal(t.samplesMs.length, 6);
  assert.equal(calls, 8);
  assert.ok(t.minMs <= t.medianMs && t.medianMs <= t.maxMs);
  const slow = await timeAsync(() => new Promise((r) => setTimeout(r, 5)), { warmup: 1, warmupMs: 0, minRepeat: 2, maxRepeat: 50, budgetMs: 1 });
  assert.equal(slow.runs, 2);
  assert.ok(slow.medianMs >= 4);
  await assert.rejects(timeAsync(async () => 0, { minRepeat: 0 }), /timeAsync: options\.minRepeat must be an integer ≥ 1, got 0/);
  await assert.rejects(timeAsync(async () => 0, { budgetMs: -1 }), /timeAsync: options\.budgetMs must be milliseconds ≥ 0, got -1/);
});

test("addOrtRows: ONNX Runtime's rows next to ours, speed-ups against our FP32, in the summary, the plot and versusOrt", async () => {
  const study = runScalingStudy({
    layers: [{ inFeatures: 64, outFeatures: 10 }, { inFeatures: 32, outFeatures: 8 }],
    batches: [1, 4],
    minRepeat: 1,
    maxRepeat: 2,
    budgetMs: 1,
    warmupMs: 1,
  });
  const timing = { warmup: 1, warmupMs: 0, minRepeat: 1, maxRepeat: 2, budgetMs: 1 };
  const withOrt = await addOrtRows(study, timing);
  assert.equal(withOrt.seed, 1);
  assert.equal(withOrt.rows.length, study.rows.length + 4 * ORT_KERNELS.length);
  // Grouped by layer and batch: ours first, then ONNX Runtime's in ORT_KERNELS order.
  const first = withOrt.rows.filter((r) => r.layer === "64x10" && r.batch === 1).map((r) => r.kernel);
  assert.deepEqual(first, [...study.rows.filter((r) => r.layer === "64x10" && r.batch === 1).map((r) => r.kernel), ...ORT_KERNELS]);
  for (const r of withOrt.rows.filter((x) => x.kernel.startsWith("ort-"))) {
    const fp32 = study.rows.find((x) => x.layer === r.layer && x.batch === r.batch && x.kernel === "fp32-ts");
    assert.ok(fp32);
    assert.equal(r.speedupVsFp32, fp32.medianMs / r.medianMs);
    assert.equal(r.macs, r.batch * r.inFeatures * r.outFeatures);
    assert.equal(r.gmacPerSecond, r.macs / (r.medianMs * 1e6));
  }
  // Each ONNX Runtime kernel against its baseline (BASELINES), and the crossovers over all rows.
  const comparisons = compareWithBaselines(withOrt.rows);
  for (const k of ORT_KERNELS) {
    const c = comparisons.find((x) => x.kernel === k && x.layer === "32x8" && x.batch === 4);
    assert.ok(c, `${k} compared with ${BASELINES[k]}`);
    assert.equal(c.baseline, BASELINES[k]);
  }
  assert.deepEqual(withOrt.crossovers, findCrossovers(withOrt.rows));
  const summary = scalingSummary(withOrt.rows);
  assert.equal(summary.length, 4);
  for (const k of ORT_KERNELS) assert.equal(typeof summary[0][`${k} vs ${BASELINES[k]}`], "number", `summary column ${k}`);
  const plot = JSON.stringify(scalingPlot(withOrt.rows));
  for (const k of ORT_KERNELS) assert.ok(plot.includes(`"${k}`), `plot has ${k}`);
  const side = versusOrt(withOrt.rows);
  assert.equal(side.length, 4);
  const row = side[0];
  assert.equal(row.layer, "64x10");
  assert.equal(row.batch, 1);
  const get = (k: string) => withOrt.rows.find((r) => r.layer === "64x10" && r.batch === 1 && r.kernel === k);
  assert.equal(row.ort_int8_ms, Math.round((get("ort-int8")?.medianMs ?? NaN) * 1e4) / 1e4);
  if (get("int8-wasm") !== undefined) {
    const ratio = (get("int8-wasm")?.medianMs ?? NaN) / (get("ort-int8")?.medianMs ?? NaN);
    assert.equal(row["wasm_int8/ort_int8"], Number(ratio.toPrecision(3)));
  }
  await assert.rejects(addOrtRows(study, { threads: [3 as 1] }), /addOrtRows: options\.threads must list 1 and\/or 2, got \[3\]/);
});
