import { checksFor, describeValue } from "./checks";

/** MT19937's state length (NumPy's `RK_STATE_LEN`). */
const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const TWO_32 = 4294967296;

/** Seeds accepted by {@link RandomState}: an integer 0..2**32-1, or a non-empty array of them. */
export type Seed = number | ArrayLike<number>;

/** Arrays {@link RandomState.shuffle} shuffles in place. */
export type Shuffleable =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | number[];

/**
 * NumPy's legacy random generator `np.random.RandomState(seed)`, bit for bit: the MT19937 generator, seeded as
 * NumPy 1.24 seeds it, and the few legacy methods scikit-learn's splitters call (`permutation`, `shuffle`,
 * `choice(replace=False)`), plus `randint` and `random_sample` for tests and notebooks.
 *
 * Only the legacy `RandomState` is reproduced, not `np.random.default_rng()` (a `Generator`), whose `shuffle`,
 * `choice` and `integers` draw differently.
 *
 * - An integer seed 0..2**32-1 seeds MT19937 with `mt19937_seed` (Matsumoto and Nishimura's `init_genrand`), as
 *   NumPy's `RandomState._legacy_seeding` does for a Python int. Other numbers throw NumPy's error.
 * - An array seed uses `mt19937_init_by_array` (`init_by_array`), as `RandomState([1, 2, 3])`.
 * - No seed takes 624 words from the operating system's entropy with the first set to 0x80000000, as NumPy does
 *   for `RandomState(None)` (so unseeded draws are not reproducible, in NumPy either).
 *
 * @example
 * new RandomState(0).permutation(5); // Int32Array [2, 0, 1, 3, 4], as np.random.RandomState(0).permutation(5)
 * const rng = new RandomState(42);
 * rng.nextUint32();      // 1608637542, as np.random.RandomState(42).randint(0, 2**32, dtype=np.uint32)
 * rng.choice(10, 3);     // three distinct indices, as rng.choice(10, 3, replace=False)
 */
export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;

  constructor(seed?: Seed) {
    if (seed === undefined) {
      seedFromEntropy(this.key);
      this.pos = N;
    } else if (typeof seed === "number") {
      this.pos = seedWithInteger(this.key, checkSeedInteger(seed, "seed"));
    } else if (Array.isArray(seed) || (ArrayBuffer.isView(seed) && !(seed instanceof DataView))) {
      const words = new Uint32Array(seed.length);
      if (seed.length === 0) throw new RangeError("Seed must be non-empty");
      for (let i = 0; i < seed.length; i++) words[i] = checkSeedInteger(seed[i], `seed[${i}]`);
      this.pos = seedWithArray(this.key, words);
    } else {
      // "0", null, {}: say what was passed (NumPy's own message for a string is about casting dtypes).
      throw check.typeError(
        "seed",
        "an integer 0..2**32-1 or a non-empty array of them (omit it for an unseeded generator)",
        seed,
      );
    }
  }

  /**
   * The next raw 32-bit output of MT19937 (NumPy's `mt19937_next32`, what
   * `randint(0, 2**32, dtype=np.uint32)` returns), as a number 0..2**32-1.
   */
  nextUint32(): number {
    if (this.pos === N) this.generate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform integer in 0..max inclusive, by NumPy's `random_interval(bitgen, max)`: draw 32 bits (64 bits when
   * max > 2**32-1, high word first), mask them with the smallest all-ones mask ≥ max, retry while > max.
   * `max` may be up to 2**53-1; max = 0 draws nothing.
   */
  randomInterval(max: number): number {
    if (!Number.isSafeInteger(max) || max < 0) {
      checksFor("randomInterval").integer("max", max, { min: 0, max: Number.MAX_SAFE_INTEGER, expected: "0..2**53-1" });
    }
    if (max === 0) return 0;
    if (max <= 0xffffffff) {
      const mask = smallestMask32(max);
      let value: number;
      do value = (this.nextUint32() & mask) >>> 0;
      while (value > max);
      return value;
    }
    // 64-bit path: the mask's low word is all ones, its high word masks the high 32 bits.
    const maskHigh = smallestMask32(Math.floor(max / TWO_32));
    let value: number;
    do {
      const high = (this.nextUint32() & maskHigh) >>> 0;
      const low = this.nextUint32();
      value = high * TWO_32 + low;
    } while (value > max);
    return value;
  }

  /**
   * `size` integers uniform in low..high-1, as legacy `randint(low, high, size)` with its default int64 dtype:
   * NumPy's masked rejection sampling (`random_bounded_uint64_fill` with `use_masked=True`). A range of one value
   * draws nothing; a range of exactly 2**32 values takes raw 32-bit outputs. Values are exact integers, stored
   * in a Float64Array because they may exceed int32 (|low|, |high| ≤ 2**53).
   */
  randint(low: number, high: number, size: number): Float64Array {
    const check = checksFor("randint");
    for (const [name, v] of [["low", low], ["high", high]] as const) {
      if (typeof v !== "number") throw check.typeError(name, "an integer within ±2**53", v);
      if (!Number.isInteger(v) || Math.abs(v) > 2 ** 53) throw check.rangeError(name, "an integer within ±2**53", v);
    }
    checkSize("randint", size);
    if (low >= high) throw new RangeError("low >= high");
    const range = high - 1 - low;
    if (!Number.isSafeInteger(range)) throw new RangeError(`randint: high - low must be at most 2**53, got ${high - low}`);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      out[i] = low + (range === 0xffffffff ? this.nextUint32() : range === 0 ? 0 : this.randomInterval(range));
    }
    return out;
  }

  /**
   * `size` doubles uniform in [0, 1), as legacy `random_sample(size)`: 53 bits from two outputs,
   * `((a >> 5) * 67108864 + (b >> 6)) / 2**53` (NumPy's `mt19937_next_double`).
   */
  randomSample(size: number): Float64Array {
    checkSize("randomSample", size);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const a = this.nextUint32() >>> 5;
      const b = this.nextUint32() >>> 6;
      out[i] = (a * 67108864 + b) / 9007199254740992;
    }
    return out;
  }

  /**
   * Shuffles `values` in place, as legacy `RandomState.shuffle` on a 1-d array: Fisher–Yates from the end,
   * for i = n-1 down to 1 swap element i with element `randomInterval(i)`. Returns `values`.
   */
  shuffle<T extends Shuffleable>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    return values;
  }

  /**
   * As legacy `permutation(x)`: for a number n, a shuffled `np.arange(n)`; for an array, a shuffled copy of it
   * (the argument is not modified).
   *
   * @example
   * new RandomState(0).permutation(10); // Int32Array [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
   */
  permutation(n: number): Int32Array;
  permutation(values: Int32Array | ArrayLike<number>): Int32Array;
  permutation(x: number | Int32Array | ArrayLike<number>): Int32Array {
    if (typeof x === "number") {
      checkSize("permutation", x, "n");
      const out = new Int32Array(x);
      for (let i = 0; i < x; i++) out[i] = i;
      return this.shuffle(out);
    }
    if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
      throw checksFor("permutation").typeError("x", "a number n or an array", x);
    }
    checkSize("permutation", x.length, "x.length");
    return this.shuffle(Int32Array.from(x));
  }

  /**
   * `size` distinct draws without replacement from 0..n-1 (or from the elements of an array), as legacy
   * `choice(a, size, replace=False)` with no `p`: that is `permutation(n)[:size]` (then `a[idx]`), so it always
   * consumes a full permutation of the population, even when size < n.
   */
  choice(n: number, size: number): Int32Array;
  choice(population: Int32Array | ArrayLike<number>, size: number): Int32Array;
  choice(a: number | Int32Array | ArrayLike<number>, size: number): Int32Array {
    checkSize("choice", size);
    if (typeof a !== "number" && !Array.isArray(a) && !(ArrayBuffer.isView(a) && !(a instanceof DataView))) {
      throw checksFor("choice").typeError("a", "an integer or an array", a);
    }
    const popSize = typeof a === "number" ? a : a.length;
    if (typeof a === "number") {
      if (!Number.isInteger(a)) throw new TypeError(`choice: a must be 1-dimensional or an integer, got ${a}`);
      if (a <= 0 && size !== 0) throw new RangeError("a must be greater than 0 unless no samples are taken");
    } else if (popSize === 0 && size !== 0) {
      throw new RangeError("'a' cannot be empty unless no samples are taken");
    }
    if (size > popSize) throw new RangeError("Cannot take a larger sample than population when 'replace=False'");
    const idx = this.permutation(Math.max(popSize, 0)).subarray(0, size);
    if (typeof a === "number") return idx.slice();
    const out = new Int32Array(size);
    for (let k = 0; k < size; k++) out[k] = a[idx[k]];
    return out;
  }

  /** MT19937's state refill (NumPy's `mt19937_gen`). */
  private generate(): void {
    const mt = this.key;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      y = (mt[i] & UPPER_MASK) | (mt[i + 1] & LOWER_MASK);
      mt[i] = mt[i + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }
}

/** NumPy's check on a seed word: an integer 0..2**32-1, else "Seed must be between 0 and 2**32 - 1". */
function checkSeedInteger(seed: unknown, name: string): number {
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    const numpy = typeof seed === "number" ? " (NumPy: cannot cast float64 to int64)" : "";
    throw new TypeError(`Seed must be an integer 0..2**32-1, got ${describeValue(seed)}${numpy} (RandomState ${name})`);
  }
  if (seed < 0 || seed > 0xffffffff) throw new RangeError(`Seed must be between 0 and 2**32 - 1 (RandomState ${name}=${seed})`);
  return seed >>> 0;
}

const check = checksFor("RandomState");

/** `mt19937_seed` (= `init_genrand`): fills `key`, returns the position (N: refill before the first draw). */
function seedWithInteger(key: Uint32Array, seed: number): number {
  let s = seed >>> 0;
  for (let pos = 0; pos < N; pos++) {
    key[pos] = s;
    s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + pos + 1) >>> 0;
  }
  return N;
}

/** `mt19937_init_by_array` (= `init_by_array`), including NumPy's final `key[0] = 0x80000000`. */
function seedWithArray(mt: Uint32Array, initKey: Uint32Array): number {
  seedWithInteger(mt, 19650218);
  let i = 1;
  let j = 0;
  const len = initKey.length;
  for (let k = Math.max(N, len); k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + initKey[j] + j) >>> 0;
    i++;
    j++;
    if (i >= N) {
      mt[0] = mt[N - 1];
      i = 1;
    }
    if (j >= len) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
    i++;
    if (i >= N) {
      mt[0] = mt[N - 1];
      i = 1;
    }
  }
  mt[0] = 0x80000000;
  return N;
}

/** `RandomState(None)`: the key from the OS's entropy, its first word 0x80000000 (never an all-zero state). */
function seedFromEntropy(key: Uint32Array): void {
  globalThis.crypto.getRandomValues(key);
  key[0] = 0x80000000;
}

/** The smallest all-ones bit mask ≥ max, for 0 < max ≤ 2**32-1 (NumPy's `gen_mask`). */
function smallestMask32(max: number): number {
  let mask = max >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** The most values one call draws into a typed array (2**28: 1 GiB of float64); more is almost surely a mistake. */
export const MAX_DRAWS = 2 ** 28;

function checkSize(what: string, size: number, name = "size"): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_DRAWS) {
    checksFor(what).integer(name, size, { min: 0, max: MAX_DRAWS, expected: "0..2**28 (the values one call allocates)" });
  }
}
