import { test } from "node:test";
import assert from "node:assert/strict";
import { compareSolvers, SECTION_11_GD, type LabelledData } from "../../lib/studies/solvers";
import { loadDigits } from "../../lib/core/data";
import { accuracy, predictFp32, predictInt8 } from "../../lib/core/predict";
import { quantizeModel } from "../../lib/core/quantize";
import { trainTestSplit } from "../../lib/core/split";
import { trainLogisticRegression } from "../../lib/core/train";
import { takeLabels, takeRows } from "../../lib/core/matrix";
import { goldenSplit, sklearnGolden } from "../helpers/golden-data";

const g = sklearnGolden;
const { X: Xs } = goldenSplit();
const { y } = loadDigits();
const train: LabelledData = { X: takeRows(Xs, g.train_idx), y: takeLabels(y, g.train_idx) };
const testSet: LabelledData = { X: takeRows(Xs, g.test_idx), y: takeLabels(y, g.test_idx) };

const differing = (a: Int32Array, b: Int32Array): number => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

test("compareSolvers: lbfgs (section 3's model) and gd side by side, each quantized as section 6 does", () => {
  const rows = compareSolvers(train, testSet, { repeat: { lbfgs: 1, gd: 1 } });
  assert.deepEqual(rows.map((r) => r.solver), ["lbfgs", "gd"]);
  const [lbfgs, gd] = rows;
  assert.deepEqual(Object.keys(lbfgs), [
    "solver", "iterations", "converged", "train_ms", "max_abs_weight", "fp32_accuracy", "int8_accuracy", "int8_changes", "unlike_lbfgs",
  ]);
  // lbfgs: scikit-learn's n_iter_ (mean 48.6), every class converged, 0.96, and int8 changes no test label.
  assert.equal(lbfgs.iterations, g.n_iter.reduce((a, b) => a + b, 0) / 10);
  assert.equal(lbfgs.converged, 10);
  assert.equal(lbfgs.fp32_accuracy, 0.96);
  assert.equal(lbfgs.int8_accuracy, 0.96);
  assert.equal(lbfgs.int8_changes, 0);
  assert.equal(lbfgs.unlike_lbfgs, 0);
  assert.ok(lbfgs.train_ms > 0);

  // gd: the model trained directly with the section's options, its numbers recomputed here.
  const direct = trainLogisticRegression(train.X, train.y, { solver: "gd", ...SECTION_11_GD }).model;
  const reference = trainLogisticRegression(train.X, train.y).model;
  const fp32 = predictFp32(testSet.X, direct);
  const int8 = predictInt8(testSet.X, quantizeModel(direct));
  assert.equal(gd.iterations, SECTION_11_GD.numSteps);
  assert.equal(gd.converged, 0); // no convergence test: it stops after its steps
  assert.equal(gd.fp32_accuracy, Math.round(accuracy(fp32, testSet.y) * 1e4) / 1e4);
  assert.equal(gd.int8_accuracy, Math.round(accuracy(int8, testSet.y) * 1e4) / 1e4);
  assert.equal(gd.int8_changes, differing(int8, fp32));
  assert.equal(gd.unlike_lbfgs, differing(fp32, predictFp32(testSet.X, reference)));
  assert.ok(gd.unlike_lbfgs > 0, "two solvers give two models that disagree on some test images");
  const maxAbs = direct.coef.data.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
  assert.equal(gd.max_abs_weight, Math.round(maxAbs * 1000) / 1000);
  // The section's point: on this split quantizing changes fewer labels than changing the solver.
  assert.ok(lbfgs.int8_changes + gd.int8_changes < gd.unlike_lbfgs);
});

test("compareSolvers passes each solver its own options: too few L-BFGS iterations, no class converges", () => {
  const [lbfgs, gd] = compareSolvers(train, testSet, { lbfgs: { maxIter: 10 }, gd: { numSteps: 5 } });
  assert.equal(lbfgs.iterations, 10);
  assert.equal(lbfgs.converged, 0);
  const direct = trainLogisticRegression(train.X, train.y, { maxIter: 10 }).model;
  assert.equal(lbfgs.fp32_accuracy, Math.round(accuracy(predictFp32(testSet.X, direct), testSet.y) * 1e4) / 1e4);
  assert.ok(lbfgs.fp32_accuracy < 0.96);
  assert.equal(gd.iterations, 5);
});

test("compareSolvers refuses bad arguments with the lib's messages", () => {
  assert.throws(() => compareSolvers(train, testSet, { repeat: { lbfgs: 0 } }), /^RangeError: compareSolvers: options\.repeat\.lbfgs must be an integer >= 1, got 0$/);
  assert.throws(
    () => compareSolvers({ X: train.X, y: testSet.y }, testSet),
    /compareSolvers: train\.y must be 1347 labels, one per row of train\.X, got an Int32Array of 450/,
  );
  assert.throws(() => compareSolvers(undefined as unknown as LabelledData, testSet), /compareSolvers: train must be \{ X, y \}.*got undefined/);
});

test("splitting, training and quantizing twice gives the same bytes: only timings change between runs", () => {
  const a = trainTestSplit(Xs, y, { testSize: 0.25, randomState: 0, stratify: y });
  const b = trainTestSplit(Xs, y, { testSize: 0.25, randomState: 0, stratify: y });
  assert.deepEqual(a.ytr, b.ytr);
  assert.deepEqual(a.Xte.data, b.Xte.data);
  const m1 = trainLogisticRegression(a.Xtr, a.ytr).model;
  const m2 = trainLogisticRegression(b.Xtr, b.ytr).model;
  assert.deepEqual(m1.coef.data, m2.coef.data);
  assert.deepEqual(m1.intercept, m2.intercept);
  assert.deepEqual(quantizeModel(m1).qCoef.data, quantizeModel(m2).qCoef.data);
});
