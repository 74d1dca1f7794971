/**
 * What most tests build from the scikit-learn golden file (typed in `bench/golden.ts`): scikit-learn's model as a
 * {@link LinearModel} and the original's split applied to the project's own data.
 */
import { loadDigits, scalePixels } from "../../lib/core/data";
import { matrix, takeLabels, takeRows, type Matrix } from "../../lib/core/matrix";
import type { LinearModel } from "../../lib/core/model";
import { sklearnGolden } from "../../bench/golden";

export { agreement, differencesFromSklearn, sklearnGolden, type QuantCase, type SklearnDigitsGolden } from "../../bench/golden";

/** scikit-learn's trained model, as the float32 model the notebook quantizes (`W`, `b` of section 6). */
export function sklearnModel(): LinearModel {
  const g = sklearnGolden;
  return {
    coef: matrix(Float32Array.from(g.coef_float32.flat()), g.coef_float32.length, g.coef_float32[0].length),
    intercept: Float32Array.from(g.intercept_float32),
    classes: Int32Array.from(g.classes),
  };
}

/** The original's split of the project's digits: scaled `X` [1797, 64], train [1347] and test [450] parts. */
export interface GoldenSplit {
  readonly X: Matrix<Float32Array>;
  readonly Xtr: Matrix<Float32Array>;
  readonly ytr: Int32Array;
  readonly Xte: Matrix<Float32Array>;
  readonly yte: Int32Array;
  /** The test images' raw pixels, 0..16 (what the integer kernel quantizes losslessly). */
  readonly rawTe: Matrix<Float32Array>;
}

let split: GoldenSplit | undefined;
/** {@link GoldenSplit}, built on first use. */
export function goldenSplit(): GoldenSplit {
  if (split === undefined) {
    const digits = loadDigits();
    const X = scalePixels(digits.X);
    const g = sklearnGolden;
    split = {
      X,
      Xtr: takeRows(X, g.train_idx),
      ytr: takeLabels(digits.y, g.train_idx),
      Xte: takeRows(X, g.test_idx),
      yte: takeLabels(digits.y, g.test_idx),
      rawTe: takeRows(digits.X, g.test_idx),
    };
  }
  return split;
}
