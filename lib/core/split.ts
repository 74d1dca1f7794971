/**
 * scikit-learn 1.2.1's `train_test_split`, index for index: the same train and test indices, in the same order,
 * for the same `test_size`, `train_size`, `random_state`, `shuffle` and `stratify`, and the same errors.
 *
 * Ported from `sklearn/model_selection/_split.py` (`train_test_split`, `_validate_shuffle_split`,
 * `ShuffleSplit._iter_indices`, `StratifiedShuffleSplit._iter_indices`) and `sklearn/utils/__init__.py`
 * (`_approximate_mode`), drawing from {@link RandomState}, NumPy's legacy generator.
 *
 * Errors scikit-learn raises as `ValueError` are thrown as `RangeError` with scikit-learn's message, word for
 * word; where that message does not say which argument is wrong, a note in parentheses follows it.
 *
 * @example
 * const { train, test } = trainTestSplitIndices(1797, { testSize: 0.25, randomState: 0, stratify: y });
 * // train.length === 1347, test.length === 450: the indices of
 * // train_test_split(np.arange(1797), test_size=0.25, random_state=0, stratify=y)
 */
import { Matrix, takeLabels, takeRows } from "./matrix";
import { checksFor } from "../numerics/checks";
import type { RandomState } from "../numerics/random-state";
import { checkRandomState, range, stratifiedSplit, validateShuffleSplit, type SplitIndices } from "../numerics/shuffle-split";

export type { SplitIndices };

/**
 * The most samples {@link trainTestSplitIndices} splits: 2**26 (67,108,864). Beyond it the indices alone take
 * hundreds of megabytes and the shuffle minutes (2**31 ran ten minutes to 8.5 GB); a data set that large does not
 * fit in memory as a matrix of pixels anyway.
 */
export const MAX_SPLIT_SAMPLES = 2 ** 26;

/** Options of {@link trainTestSplitIndices}, named and defaulted as `train_test_split`'s keyword arguments. */
export interface SplitOptions {
  /**
   * `test_size`: a fraction in (0, 1) (n_test = ceil(testSize × n)) or, when it is an integer, a count
   * 1..n-1. Default: the complement of `trainSize`, or 0.25 when neither is given.
   * JavaScript has no int/float distinction, so an integer-valued number is always a count: `1` means one
   * sample, where Python's `1.0` would be an error.
   */
  testSize?: number;
  /** `train_size`: a fraction in (0, 1) (n_train = floor(trainSize × n)) or an integer count. Default: the rest. */
  trainSize?: number;
  /**
   * `random_state`: an integer seed 0..2**32-1 for `np.random.RandomState`, or a {@link RandomState} to draw
   * from (and advance). Omitted: a generator seeded from the OS's entropy (scikit-learn uses NumPy's global one),
   * so the split differs from run to run.
   */
  randomState?: number | RandomState;
  /** `stratify`: class labels of the n samples; the split keeps their class proportions. Needs `shuffle`. */
  stratify?: Int32Array;
  /** `shuffle`: default true. When false, train is 0..n_train-1 and test the next n_test indices. */
  shuffle?: boolean;
}


/** A split data set, as `Xtr, Xte, ytr, yte = train_test_split(X, y, ...)`. */
export interface TrainTestSplit {
  /** [n_train, cols] */
  readonly Xtr: Matrix<Float32Array>;
  /** [n_test, cols] */
  readonly Xte: Matrix<Float32Array>;
  /** [n_train] */
  readonly ytr: Int32Array;
  /** [n_test] */
  readonly yte: Int32Array;
}

/**
 * The train and test indices `train_test_split(np.arange(nSamples), ...)` returns in scikit-learn 1.2.1.
 *
 * - Sizes as `_validate_shuffle_split(n, test_size, train_size, default_test_size=0.25)`.
 * - `shuffle: false`: `arange(n_train)` and `arange(n_train, n_train + n_test)`; the seed is not looked at.
 * - Not stratified (`ShuffleSplit`): `perm = rng.permutation(n)`, test = perm[:n_test],
 *   train = perm[n_test:n_test + n_train].
 * - Stratified (`StratifiedShuffleSplit`): per class counts from `np.unique`, `_approximate_mode` for the
 *   train counts then for the test counts of what is left, one `rng.permutation(count)` per class (classes in
 *   sorted label order, members in index order), then `rng.permutation(train)` and `rng.permutation(test)`.
 *
 * Errors are checked in scikit-learn's order: sizes, `shuffle`/`stratify`, the labels, then the seed.
 *
 * @example
 * trainTestSplitIndices(10, { testSize: 0.3, randomState: 42 });
 * // { train: [0, 7, 2, 9, 4, 3, 6], test: [8, 1, 5] }, as train_test_split(np.arange(10), test_size=0.3, random_state=42)
 */
export function trainTestSplitIndices(nSamples: number, options?: SplitOptions): SplitIndices {
  const check = checksFor("trainTestSplitIndices");
  check.integer("nSamples", nSamples, { min: 0 });
  if (nSamples > MAX_SPLIT_SAMPLES) {
    throw new RangeError(
      `trainTestSplitIndices: nSamples is ${nSamples}; at most ${MAX_SPLIT_SAMPLES} (2**26) samples can be split ` +
        `(the indices alone would take ${Math.round((nSamples * 8) / 2 ** 20)} MB). Split a smaller set, or split ` +
        "the indices of a sample of it.",
    );
  }
  const opts = check.options("options", options);
  const { nTrain, nTest } = validateShuffleSplit(nSamples, opts.testSize, opts.trainSize, 0.25);
  const { stratify, randomState } = opts;
  if (stratify !== undefined && !(stratify instanceof Int32Array)) {
    throw check.typeError("options.stratify", "an Int32Array of class labels (Int32Array.from(labels))", stratify);
  }
  const shuffle = check.boolean("options.shuffle", opts.shuffle ?? true);

  if (!shuffle) {
    if (stratify !== undefined) {
      throw new RangeError("Stratified train/test split is not implemented for shuffle=False");
    }
    return { train: range(0, nTrain), test: range(nTrain, nTrain + nTest) };
  }
  if (stratify === undefined) {
    const permutation = checkRandomState(randomState).permutation(nSamples);
    return { train: permutation.slice(nTest, nTest + nTrain), test: permutation.slice(0, nTest) };
  }
  return stratifiedSplit(nSamples, stratify, nTrain, nTest, randomState);
}

/**
 * Splits a data set as the notebook's `train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)`:
 * rows of `X` and labels of `y` taken at {@link trainTestSplitIndices}' indices, in that order.
 *
 * @example
 * const { Xtr, Xte, ytr, yte } = trainTestSplit(X, y, { testSize: 0.25, randomState: 0, stratify: y });
 * [Xtr.rows, Xte.rows]; // [1347, 450] for the 1797 digits
 */
export function trainTestSplit(X: Matrix<Float32Array>, y: Int32Array, options?: SplitOptions): TrainTestSplit {
  const check = checksFor("trainTestSplit");
  if (!(X?.data instanceof Float32Array) || !Number.isSafeInteger(X.rows) || !Number.isSafeInteger(X.cols)) {
    throw check.typeError("X", "a Matrix<Float32Array> (as loadDigits and scalePixels return)", X);
  }
  if (!(y instanceof Int32Array)) throw check.typeError("y", "an Int32Array of labels", y);
  if (X.rows !== y.length) {
    throw new RangeError(
      `Found input variables with inconsistent numbers of samples: [${X.rows}, ${y.length}] (X has ${X.rows} rows, y ${y.length} labels)`,
    );
  }
  const { train, test } = trainTestSplitIndices(X.rows, options);
  return { Xtr: takeRows(X, train), Xte: takeRows(X, test), ytr: takeLabels(y, train), yte: takeLabels(y, test) };
}
