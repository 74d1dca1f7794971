import { test } from "node:test";
import assert from "node:assert/strict";
import { compareSolvers } from "../../lib/studies/solvers";
import { loadDigits } from "../../lib/core/data";
import { accuracy, predictFp32 } from "../../lib/core/predict";
import { quantizeModel } from "../../lib/core/quantize";
import { trainTestSplit } from "../../lib/core/split";
import { trainLogisticRegression } from "../../lib/core/train";
import { takeLabels, takeRows } from "../../lib/core/matrix";
import { goldenSplit, sklearnGolden } from "../helpers/golden-data";

const g = sklearnGolden;
const { X: Xs } = goldenSplit();
const { y } = loadDigits();

test("compareSolvers: one row per solver with time, iterations, convergence and accuracy", () => {
  const rows = compareSolvers(takeRows(Xs, g.train_idx), takeLabels(y, g.train_idx), takeRows(Xs, g.test_idx), takeLabels(y, g.test_idx), ["lbfgs"], { lbfgs: 2 });
  assert.equal(rows.length, 1);
  const [r] = rows;
  assert.equal(r.solver, "lbfgs");
  assert.equal(r.fits, 2);
  assert.ok(r.train_ms > 0);
  assert.equal(r.mean_iterations, g.n_iter.reduce((a, b) => a + b, 0) / 10); // 48.6, as scikit-learn's n_iter_
  assert.equal(r.converged, 10);
  assert.equal(r.classes, 10);
  assert.equal(r.test_accuracy, 0.96);
  assert.deepEqual(Object.keys(r), ["solver", "train_ms", "fits", "mean_iterations", "converged", "classes", "test_accuracy"]);
});

test("compareSolvers passes the other training options on: fewer iterations than needed, fewer classes converge", () => {
  const Xtr = takeRows(Xs, g.train_idx);
  const ytr = takeLabels(y, g.train_idx);
  const Xte = takeRows(Xs, g.test_idx);
  const yte = takeLabels(y, g.test_idx);
  const [r] = compareSolvers(Xtr, ytr, Xte, yte, ["lbfgs"], { lbfgs: 1 }, { maxIter: 10 });
  assert.equal(r.solver, "lbfgs");
  assert.equal(r.mean_iterations, 10);
  assert.equal(r.converged, 0);
  assert.equal(r.classes, 10);
  // The model is the one trained directly with those options.
  const direct = trainLogisticRegression(Xtr, ytr, { solver: "lbfgs", maxIter: 10 });
  assert.equal(r.test_accuracy, Math.round(accuracy(predictFp32(Xte, direct.model), yte) * 10000) / 10000);
  assert.ok(r.test_accuracy < 0.96);
});

test("compareSolvers refuses a repeat count that is not a positive integer", () => {
  const tiny = takeRows(Xs, g.train_idx.slice(0, 40));
  assert.throws(() => compareSolvers(tiny, takeLabels(y, g.train_idx.slice(0, 40)), tiny, takeLabels(y, g.train_idx.slice(0, 40)), ["lbfgs"], { lbfgs: 0 }), /repeat\.lbfgs must be a positive integer, got 0/);
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
