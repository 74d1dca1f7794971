/**
 * The arithmetic behind `trainTestSplitIndices` (lib/core/split.ts), ported from scikit-learn 1.2.1's
 * `sklearn/model_selection/_split.py` (`_validate_shuffle_split`, `ShuffleSplit._iter_indices`,
 * `StratifiedShuffleSplit._iter_indices`) and `sklearn/utils/__init__.py` (`_approximate_mode`), drawing from
 * {@link RandomState}. Its contract is parity: the same indices and the same error messages as scikit-learn.
 */
import { checksFor, describeValue } from "./checks";
import { RandomState } from "./random-state";

/** Indices into 0..nSamples-1: `train` [n_train] and `test` [n_test], disjoint, in scikit-learn's order. */
export interface SplitIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * How many samples of each class to draw: scikit-learn's `_approximate_mode(class_counts, n_draws, rng)`,
 * an approximation of the multivariate hypergeometric's mode. Each class gets floor(count / total × nDraws);
 * the samples still missing go to the classes with the largest remainders, ties broken by
 * `rng.choice(tied_classes, size=k, replace=False)` (which draws a full permutation of the tied classes, even
 * when all of them are taken). The result sums to nDraws.
 *
 * @example
 * approximateMode(new Int32Array([2, 2, 2, 1]), 2, new RandomState(42)); // Int32Array [1, 1, 0, 0]
 */
export function approximateMode(classCounts: Int32Array, nDraws: number, rng: RandomState): Int32Array {
  const k = classCounts.length;
  let total = 0;
  for (let i = 0; i < k; i++) total += classCounts[i];
  if (!(total > 0)) throw new RangeError(`approximateMode: class counts must sum to more than 0, got ${total}`);

  const continuous = new Float64Array(k);
  const floored = new Float64Array(k);
  let flooredSum = 0;
  for (let i = 0; i < k; i++) {
    continuous[i] = (classCounts[i] / total) * nDraws; // class_counts / class_counts.sum() * n_draws
    floored[i] = Math.floor(continuous[i]);
    flooredSum += floored[i]; // whole numbers: exact, whatever the summation order
  }
  let needToAdd = Math.trunc(nDraws - flooredSum);
  if (needToAdd > 0) {
    const remainder = new Float64Array(k);
    for (let i = 0; i < k; i++) remainder[i] = continuous[i] - floored[i];
    const values = uniqueSorted(remainder).reverse(); // np.sort(np.unique(remainder))[::-1]
    for (const value of values) {
      const tied: number[] = [];
      for (let i = 0; i < k; i++) if (remainder[i] === value) tied.push(i); // np.where(remainder == value)
      const addNow = Math.min(tied.length, needToAdd);
      for (const i of rng.choice(tied, addNow)) floored[i] += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return Int32Array.from(floored);
}

/** `StratifiedShuffleSplit(test_size=nTest, train_size=nTrain)._iter_indices`, first split. */
export function stratifiedSplit(
  nSamples: number,
  y: Int32Array,
  nTrain: number,
  nTest: number,
  randomState: number | RandomState | undefined,
): SplitIndices {
  // check_array(y, ensure_min_samples=1), then indexable(X, y)
  if (y.length === 0) {
    throw new RangeError(
      "Found array with 0 sample(s) (shape=(0,)) while a minimum of 1 is required. (stratify is empty)",
    );
  }
  if (y.length !== nSamples) {
    throw new RangeError(
      `Found input variables with inconsistent numbers of samples: [${nSamples}, ${y.length}] ` +
        `(stratify has ${y.length} labels for nSamples=${nSamples})`,
    );
  }
  const { classCounts, classIndices } = groupByClass(y);
  const nClasses = classCounts.length;
  let minCount = Infinity;
  for (let c = 0; c < nClasses; c++) minCount = Math.min(minCount, classCounts[c]);
  if (minCount < 2) {
    throw new RangeError(
      "The least populated class in y has only 1 member, which is too few. " +
        "The minimum number of groups for any class cannot be less than 2.",
    );
  }
  if (nTrain < nClasses) {
    throw new RangeError(
      `The train_size = ${nTrain} should be greater or equal to the number of classes = ${nClasses}`,
    );
  }
  if (nTest < nClasses) {
    throw new RangeError(`The test_size = ${nTest} should be greater or equal to the number of classes = ${nClasses}`);
  }

  const rng = checkRandomState(randomState);
  const nI = approximateMode(classCounts, nTrain, rng);
  const remaining = new Int32Array(nClasses);
  for (let c = 0; c < nClasses; c++) remaining[c] = classCounts[c] - nI[c];
  const tI = approximateMode(remaining, nTest, rng);

  const train: number[] = [];
  const test: number[] = [];
  let start = 0; // class c's members are classIndices[start .. start + classCounts[c])
  for (let c = 0; c < nClasses; c++) {
    const count = classCounts[c];
    const permutation = rng.permutation(count);
    const trainEnd = Math.min(nI[c], count);
    const testEnd = Math.min(nI[c] + tI[c], count);
    for (let k = 0; k < trainEnd; k++) train.push(classIndices[start + permutation[k]]);
    for (let k = trainEnd; k < testEnd; k++) test.push(classIndices[start + permutation[k]]);
    start += count;
  }
  const trainShuffled = rng.permutation(train);
  const testShuffled = rng.permutation(test);
  return { train: trainShuffled, test: testShuffled };
}

/**
 * `np.unique(y, return_inverse=True)`, `np.bincount` and `np.argsort(y_indices, kind="mergesort")`: the count
 * of each class in sorted label order, and the sample indices grouped by class, ascending within a class.
 */
function groupByClass(y: Int32Array): { classCounts: Int32Array; classIndices: Int32Array } {
  const classes = uniqueSorted(y);
  const classOf = new Map<number, number>();
  classes.forEach((label, c) => classOf.set(label, c));
  const classCounts = new Int32Array(classes.length);
  const yIndices = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const c = classOf.get(y[i]) as number;
    yIndices[i] = c;
    classCounts[c]++;
  }
  const next = new Int32Array(classes.length); // where class c's next member goes (a stable counting sort)
  for (let c = 1; c < classes.length; c++) next[c] = next[c - 1] + classCounts[c - 1];
  const classIndices = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) classIndices[next[yIndices[i]]++] = i;
  return { classCounts, classIndices };
}

/**
 * `_validate_shuffle_split(n_samples, test_size, train_size, default_test_size)`: the train and test counts, or
 * scikit-learn's error. An integer-valued size is Python's int (a count), any other number Python's float.
 */
export function validateShuffleSplit(
  nSamples: number,
  testSizeOption: number | undefined,
  trainSize: number | undefined,
  defaultTestSize: number,
): { nTrain: number; nTest: number } {
  for (const [name, v] of [["testSize", testSizeOption], ["trainSize", trainSize]] as const) {
    if (v !== undefined && typeof v !== "number") {
      throw checksFor("trainTestSplitIndices").typeError(`options.${name}`, "a number (a fraction or a count)", v);
    }
  }
  const testSize = testSizeOption === undefined && trainSize === undefined ? defaultTestSize : testSizeOption;
  const testKind = sizeKind(testSize);
  const trainKind = sizeKind(trainSize);
  const outOfRange = (v: number | undefined, kind: SizeKind): boolean =>
    v !== undefined && (kind === "int" ? v >= nSamples || v <= 0 : v <= 0 || v >= 1);

  if (outOfRange(testSize, testKind)) {
    throw new RangeError(
      `test_size=${pythonStr(testSize)} should be either positive and smaller than the number of samples ` +
        `${nSamples} or a float in the (0, 1) range`,
    );
  }
  if (outOfRange(trainSize, trainKind)) {
    throw new RangeError(
      `train_size=${pythonStr(trainSize)} should be either positive and smaller than the number of samples ` +
        `${nSamples} or a float in the (0, 1) range`,
    );
  }
  if (testSize !== undefined && trainSize !== undefined && testKind === "float" && trainKind === "float") {
    if (trainSize + testSize > 1) {
      throw new RangeError(
        `The sum of test_size and train_size = ${pythonStr(trainSize + testSize)}, should be in the (0, 1) range. ` +
          "Reduce test_size and/or train_size.",
      );
    }
  }
  let nTest = testSize === undefined ? NaN : testKind === "float" ? pythonCeil(testSize * nSamples, "testSize") : testSize;
  let nTrain =
    trainSize === undefined ? NaN : trainKind === "float" ? pythonFloor(trainSize * nSamples, "trainSize") : trainSize;
  if (trainSize === undefined) nTrain = nSamples - nTest;
  else if (testSize === undefined) nTest = nSamples - nTrain;

  if (nTrain + nTest > nSamples) {
    throw new RangeError(
      `The sum of train_size and test_size = ${nTrain + nTest}, should be smaller than the number of samples ` +
        `${nSamples}. Reduce test_size and/or train_size.`,
    );
  }
  if (nTrain === 0) {
    throw new RangeError(
      `With n_samples=${nSamples}, test_size=${pythonStr(testSize)} and train_size=${pythonStr(trainSize)}, ` +
        "the resulting train set will be empty. Adjust any of the aforementioned parameters.",
    );
  }
  return { nTrain, nTest };
}

type SizeKind = "int" | "float" | "none";

function sizeKind(v: number | undefined): SizeKind {
  return v === undefined ? "none" : Number.isInteger(v) ? "int" : "float";
}

/** Python's `math.ceil` on a float: NaN raises "cannot convert float NaN to integer". */
function pythonCeil(x: number, name: string): number {
  if (Number.isNaN(x)) throw new RangeError(`cannot convert float NaN to integer (${name} is NaN)`);
  return Math.ceil(x);
}

/** Python's `math.floor` on a float: NaN raises "cannot convert float NaN to integer". */
function pythonFloor(x: number, name: string): number {
  if (Number.isNaN(x)) throw new RangeError(`cannot convert float NaN to integer (${name} is NaN)`);
  return Math.floor(x);
}

/**
 * `sklearn.utils.check_random_state(seed)`: an integer → `np.random.RandomState(seed)` (NumPy rejects
 * integers outside 0..2**32-1); a RandomState → itself; nothing → a fresh, unseeded generator.
 */
export function checkRandomState(seed: number | RandomState | undefined): RandomState {
  if (seed === undefined) return new RandomState();
  if (seed instanceof RandomState) return seed;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    // scikit-learn formats the seed with %r: '0' for a string; a JavaScript null is not taken for Python's None.
    const shown = typeof seed === "number" ? pythonStr(seed) : typeof seed === "string" ? pythonRepr(seed) : describeValue(seed);
    const hint = seed === null ? "; omit it for an unseeded generator, as random_state=None" : "";
    throw new RangeError(
      `${shown} cannot be used to seed a numpy.random.RandomState instance ` +
        `(randomState must be an integer 0..2**32-1 or a RandomState, got ${describeValue(seed)}${hint})`,
    );
  }
  if (seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`Seed must be between 0 and 2**32 - 1 (randomState=${pythonStr(seed)})`);
  }
  return new RandomState(seed);
}

/** Python's `repr` of a str: single quotes unless it holds one and no double quote. */
function pythonRepr(s: string): string {
  const escaped = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  if (s.includes("'") && !s.includes('"')) return `"${escaped}"`;
  return `'${escaped.replace(/'/g, "\\'")}'`;
}

/** `np.arange(start, stop)` as int32. */
export function range(start: number, stop: number): Int32Array {
  const out = new Int32Array(stop - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** The distinct values of `values`, ascending (as `np.unique`). */
function uniqueSorted<T extends Int32Array | Float64Array>(values: T): T {
  const sorted = values.slice().sort() as T;
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  }
  return sorted.slice(0, n) as T;
}

/**
 * `str(x)` in Python for the int or float scikit-learn formats into its messages (`None` for undefined):
 * integers in full, floats as their shortest repr (`0.25`, `1e-05`, `inf`).
 */
function pythonStr(x: number | undefined): string {
  if (x === undefined) return "None";
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x)) return BigInt(x).toString();
  // Python's repr: shortest round-trip digits, fixed notation when -4 <= exponent < 16, else d.ddde±XX.
  const [mantissa, exp] = x.toExponential().split("e");
  const exponent = Number(exp);
  if (exponent >= -4 && exponent < 16) return String(x);
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
