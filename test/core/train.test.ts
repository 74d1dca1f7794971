/**
 * Training against scikit-learn 1.2.1 on the original's split (test/golden/sklearn-digits.json, made by
 * test/golden/make_golden.py), the gd solver, and the errors.
 *
 * What scikit-learn gets there: 432/450 = 0.96 test accuracy, n_iter_ = [42, 49, 45, 49, 37, 55, 43, 46, 62, 58],
 * every class stopping on SciPy's relative-reduction test. Measured here (both kernels): the same 450
 * predictions, the same iteration counts, 637–638 of the 640 float32 weights bit-identical to
 * `coef_.astype(np.float32)`, the largest difference to the float64 `coef_` 1.13e-7 (float32 rounding) and to
 * `intercept_` 1.8e-7.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { matrix, takeLabels, takeRows, type Matrix } from "../../lib/core/matrix";
import type { LinearModel } from "../../lib/core/model";
import { accuracy, predictFp32 } from "../../lib/core/predict";
import { convergenceWarning, GD_DEFAULTS, trainLogisticRegression } from "../../lib/core/train";
import { agreement, differencesFromSklearn as largestDifferences, goldenSplit, sklearnGolden } from "../helpers/golden-data";

const golden = sklearnGolden;
const { Xtr, ytr, Xte, yte } = goldenSplit();

for (const kernels of ["wasm", "js"] as const) {
  test(`lbfgs (${kernels} kernels) reproduces scikit-learn on the original's split`, () => {
    const r = trainLogisticRegression(Xtr, ytr, { solver: "lbfgs", multiClass: "ovr", C: 1, maxIter: 200, tol: 1e-4, kernels });
    assert.equal(r.kernels, kernels);
    const { model } = r;
    assert.ok(model.coef.data instanceof Float32Array);
    assert.deepEqual([model.coef.rows, model.coef.cols], [10, 64]);
    assert.ok(model.intercept instanceof Float32Array && model.intercept.length === 10);
    assert.deepEqual(Array.from(model.classes), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const yhat = predictFp32(Xte, model);
    const same = agreement(yhat, golden.yhat_fp32);
    assert.ok(same >= 449, `${same}/450 predictions agree with scikit-learn's`);
    const hits = Math.round(accuracy(yhat, yte) * yte.length);
    assert.ok(hits >= 432, `${hits}/450 correct (scikit-learn: 432)`);
    assert.equal(Math.round(golden.acc_fp32 * 450), 432);

    // The brief asks for 1e-2; the model agrees to float32 rounding (observed 1.13e-7 and 1.8e-7).
    const diff = largestDifferences(model);
    assert.ok(diff.coef < 5e-7, `largest weight difference ${diff.coef}`);
    assert.ok(diff.intercept < 5e-7, `largest bias difference ${diff.intercept}`);

    // Same iteration counts as scikit-learn's n_iter_ (observed: identical); allow one either way.
    assert.equal(r.nIter.length, 10);
    for (let c = 0; c < 10; c++) {
      assert.ok(Math.abs(r.nIter[c] - golden.n_iter[c]) <= 1, `class ${c}: ${r.nIter[c]} iterations, scikit-learn ${golden.n_iter[c]}`);
    }
    assert.deepEqual(r.converged, new Array<boolean>(10).fill(true));
    assert.deepEqual(r.warnings, []);
  });
}

test("odd shapes (rows not a multiple of 4, columns not of 8): the wasm and js kernels give the same model", () => {
  // 37 samples × 13 features, 3 classes, from a fixed linear congruential sequence.
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const Xs = matrix(Float32Array.from({ length: 37 * 13 }, () => next() * 2 - 1), 37, 13);
  const ys = Int32Array.from({ length: 37 }, (_, i) => (i * 7) % 3);
  const a = trainLogisticRegression(Xs, ys, { kernels: "wasm" });
  const b = trainLogisticRegression(Xs, ys, { kernels: "js" });
  assert.deepEqual(Array.from(a.nIter), Array.from(b.nIter));
  for (let i = 0; i < a.model.coef.data.length; i++) {
    assert.ok(Math.abs(a.model.coef.data[i] - b.model.coef.data[i]) < 1e-5, `weight ${i}`);
  }
  assert.deepEqual([a.model.coef.rows, a.model.coef.cols], [3, 13]);
  assert.deepEqual(a.converged, [true, true, true]);
});

test("lbfgs is the default, and repeatable", () => {
  const a = trainLogisticRegression(Xtr, ytr);
  const b = trainLogisticRegression(Xtr, ytr);
  assert.deepEqual(a.model.coef.data, b.model.coef.data);
  assert.deepEqual(a.model.intercept, b.model.intercept);
  assert.deepEqual(Array.from(a.nIter), golden.n_iter);
});

test("hitting maxIter is a warning in scikit-learn's words, one per class, not an error", () => {
  const r = trainLogisticRegression(Xtr, ytr, { maxIter: 5 });
  assert.deepEqual(Array.from(r.nIter), new Array<number>(10).fill(5));
  assert.deepEqual(r.converged, new Array<boolean>(10).fill(false));
  assert.equal(r.warnings.length, 10);
  assert.ok(r.warnings[0].startsWith("lbfgs failed to converge (status=1):\nSTOP: TOTAL NO. of ITERATIONS REACHED LIMIT.\n\n"));
  assert.match(r.warnings[0], /Increase the number of iterations \(max_iter\) or scale the data as shown in:/);
  assert.match(r.warnings[3], /class 3 vs rest/);
  assert.ok(r.warnings[0].startsWith(convergenceWarning(1, "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT")));
  // Still a usable model, just a worse one.
  const acc = accuracy(predictFp32(Xte, r.model), yte);
  assert.ok(acc > 0.5 && acc < 0.96, `accuracy after 5 iterations: ${acc}`);
});

test("C, tol and labels: stronger regularisation shrinks the weights; any label values work", () => {
  const norm = (m: LinearModel): number => m.coef.data.reduce((s, v) => s + v * v, 0);
  const loose = trainLogisticRegression(Xtr, ytr, { C: 1 });
  const tight = trainLogisticRegression(Xtr, ytr, { C: 0.01 });
  assert.ok(norm(tight.model) < norm(loose.model) / 10);
  const relaxed = trainLogisticRegression(Xtr, ytr, { tol: 1e-1 });
  assert.ok(relaxed.nIter.every((k, c) => k <= golden.n_iter[c]));

  // Labels 10, 20, …, 100 in place of 0..9: the same model, other class names.
  const shifted = Int32Array.from(ytr, (v) => (v + 1) * 10);
  const r = trainLogisticRegression(Xtr, shifted);
  assert.deepEqual(Array.from(r.model.classes), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.deepEqual(r.model.coef.data, loose.model.coef.data);
});

test("two classes: one problem, as scikit-learn, stored as rows [−w, w] so argmax predicts the same", () => {
  const keep: number[] = [];
  for (let i = 0; i < ytr.length; i++) if (ytr[i] === 3 || ytr[i] === 8) keep.push(i);
  const Xb = takeRows(Xtr, keep);
  const yb = takeLabels(ytr, keep);
  const r = trainLogisticRegression(Xb, yb);
  assert.equal(r.nIter.length, 1);
  assert.deepEqual(Array.from(r.model.classes), [3, 8]);
  const { coef, intercept } = r.model;
  for (let j = 0; j < 64; j++) assert.equal(coef.data[j], -coef.data[64 + j]);
  assert.equal(intercept[0], -intercept[1]);
  const yhat = predictFp32(Xb, r.model);
  assert.ok(accuracy(yhat, yb) > 0.98);
  // Class 8 exactly where x·w + b > 0.
  for (let i = 0; i < yb.length; i++) {
    let s = 0;
    for (let j = 0; j < 64; j++) s += Xb.data[i * 64 + j] * coef.data[64 + j];
    s += intercept[1];
    assert.equal(yhat[i], s > 0 ? 8 : 3);
  }
});

test(`gd (ml-logistic-regression, defaults ${JSON.stringify(GD_DEFAULTS)}) reaches 0.96 on the split`, () => {
  const r = trainLogisticRegression(Xtr, ytr, { solver: "gd" });
  assert.equal(r.kernels, "js");
  assert.deepEqual(Array.from(r.nIter), new Array<number>(10).fill(GD_DEFAULTS.numSteps));
  assert.deepEqual(r.converged, new Array<boolean>(10).fill(false)); // no convergence test: it stops after numSteps
  assert.deepEqual(r.warnings, []);
  const acc = accuracy(predictFp32(Xte, r.model), yte);
  assert.ok(acc >= 0.96, `gd accuracy ${acc}`);
});

test("gd: the converted model predicts exactly what ml-logistic-regression's own predict does", async () => {
  const { Matrix: MlMatrix } = await import("ml-matrix");
  const LogisticRegression = require("ml-logistic-regression") as new (o: { numSteps: number; learningRate: number }) => {
    train(X: InstanceType<typeof MlMatrix>, y: InstanceType<typeof MlMatrix>): void;
    predict(X: InstanceType<typeof MlMatrix>): number[];
  };
  const options = { numSteps: 25, learningRate: 1.5e-3 };
  const ours = trainLogisticRegression(Xtr, ytr, { solver: "gd", ...options });
  const withOnes = (m: Matrix<Float32Array>): InstanceType<typeof MlMatrix> => {
    const out = new MlMatrix(m.rows, m.cols + 1);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) out.set(i, j, m.data[i * m.cols + j]);
      out.set(i, m.cols, 1);
    }
    return out;
  };
  const theirs = new LogisticRegression(options);
  theirs.train(withOnes(Xtr), MlMatrix.columnVector(Array.from(ytr)));
  const expected = theirs.predict(withOnes(Xte));
  const got = predictFp32(Xte, ours.model);
  assert.equal(agreement(got, expected), 450);
});

test("bad input: clear errors naming the argument", () => {
  const small = matrix(new Float32Array([0, 1, 1, 0, 0.5, 0.5]), 3, 2);
  const y3 = Int32Array.of(0, 1, 0);
  assert.throws(() => trainLogisticRegression(small, Int32Array.of(0, 1)), /X has 3 rows but y has 2 labels/);
  assert.throws(() => trainLogisticRegression(matrix(new Float32Array(0), 0, 64), new Int32Array(0)), /X is empty/);
  assert.throws(() => trainLogisticRegression(matrix(new Float32Array(0), 3, 0), y3), /X is empty/);
  const withNaN = matrix(new Float32Array([0, 1, 1, Number.NaN, 0.5, 0.5]), 3, 2);
  assert.throws(() => trainLogisticRegression(withNaN, y3), /X contains NaN at row 1, column 1/);
  const withInf = matrix(new Float32Array([0, 1, 1, 0, Number.NEGATIVE_INFINITY, 0.5]), 3, 2);
  assert.throws(() => trainLogisticRegression(withInf, y3), /X contains -Infinity at row 2, column 0/);
  assert.throws(() => trainLogisticRegression(small, Int32Array.of(4, 4, 4)), /y needs samples of at least 2 classes.*only one class: 4/);
  for (const C of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => trainLogisticRegression(small, y3, { C }), /options\.C must be a positive finite number/);
  }
  for (const maxIter of [0, -5, 2.5]) {
    assert.throws(() => trainLogisticRegression(small, y3, { maxIter }), /options\.maxIter must be a positive integer/);
  }
  assert.throws(() => trainLogisticRegression(small, y3, { tol: 0 }), /options\.tol must be a positive finite number, got 0/);
  assert.throws(() => trainLogisticRegression(small, y3, { solver: "gd", learningRate: 0 }), /options\.learningRate/);
  assert.throws(() => trainLogisticRegression(small, y3, { solver: "gd", numSteps: 0 }), /options\.numSteps/);
  const anySolver = { solver: "newton-cg" } as unknown as { solver: "lbfgs" };
  assert.throws(() => trainLogisticRegression(small, y3, anySolver), /options\.solver must be "lbfgs" or "gd", got "newton-cg"/);
  const anyMulti = { multiClass: "multinomial" } as unknown as { multiClass: "ovr" };
  assert.throws(() => trainLogisticRegression(small, y3, anyMulti), /options\.multiClass must be "ovr"/);
  const anyKernels = { kernels: "gpu" } as unknown as { kernels: "js" };
  assert.throws(() => trainLogisticRegression(small, y3, anyKernels), /options\.kernels/);
});
