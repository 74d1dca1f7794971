/**
 * The scikit-learn golden file (`test/golden/sklearn-digits.json`, written by `test/golden/make_golden.py`), typed:
 * the data the bench's parity figures and the tests compare against. A data file, read once per process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { LinearModel } from "../lib/core/model";

/** `test/golden/<name>` in the source tree (this file runs compiled from `dist/bench/`). */
export const goldenPath = (name: string): string => path.resolve(__dirname, "..", "..", "test", "golden", name);

/** One extra case of the quantizer: input, and what the original's helpers give. */
export interface QuantCase {
  w: number[];
  q: number[];
  scale: number;
  zp: number;
  deq: number[];
}

/** What `make_golden.py` writes: the original notebook's numbers, from scikit-learn 1.2.1 / NumPy 1.24. */
export interface SklearnDigitsGolden {
  versions: { sklearn: string; numpy: string; python: string };
  /** `train_test_split(..., test_size=0.25, random_state=0, stratify=y)`: [1347] and [450] indices. */
  train_idx: number[];
  test_idx: number[];
  /** `clf.coef_` [10][64] and `clf.intercept_` [10], float64; `n_iter_` [10]; `classes_` [10]. */
  coef: number[][];
  intercept: number[];
  n_iter: number[];
  classes: number[];
  /** `clf.predict(Xte)` and its accuracy. */
  yhat_fp32: number[];
  acc_fp32: number;
  size_fp32_bytes_float64: number;
  /** `coef_.astype(np.float32)`, `intercept_.astype(np.float32)`. */
  coef_float32: number[][];
  intercept_float32: number[];
  /** Section 6: `qW` [10][64], `scales` (float32 and the float64 the helper returned), `zps`, dequantized weights. */
  qW: number[][];
  scales: number[];
  scales_float64: number[];
  zps: number[];
  W_deq: number[][];
  size_int8_bytes: number;
  /** Section 7: `predict_int8(Xte)` and its accuracy. */
  yhat_int8: number[];
  acc_int8: number;
  quant_cases: QuantCase[];
}

/** The golden file, parsed. */
export const sklearnGolden = JSON.parse(fs.readFileSync(goldenPath("sklearn-digits.json"), "utf8")) as SklearnDigitsGolden;

/** Largest |ours − scikit-learn's| over the weights (`coef_`, float64) and over the biases (`intercept_`). */
export function differencesFromSklearn(model: LinearModel): { coef: number; intercept: number } {
  const g = sklearnGolden;
  let coef = 0;
  let intercept = 0;
  for (let c = 0; c < g.coef.length; c++) {
    for (let j = 0; j < g.coef[c].length; j++) {
      coef = Math.max(coef, Math.abs(model.coef.data[c * model.coef.cols + j] - g.coef[c][j]));
    }
    intercept = Math.max(intercept, Math.abs(model.intercept[c] - g.intercept[c]));
  }
  return { coef, intercept };
}

/** How many of `yhat` equal `reference` (by default scikit-learn's `clf.predict(Xte)`), position by position. */
export function agreement(yhat: Int32Array, reference: ArrayLike<number> = sklearnGolden.yhat_fp32): number {
  let same = 0;
  for (let i = 0; i < yhat.length; i++) if (yhat[i] === reference[i]) same++;
  return same;
}
