/**
 * Argument checks for the lib's public functions, written once. A public function makes its checker with its own
 * name (`const check = checksFor("minimizeLbfgs")`) and checks its arguments before any maths starts, so the maths
 * below never needs to know who called it.
 *
 * Every message names the function, the argument, what was expected and what was passed, shown so that a wrong
 * type cannot pass for a wrong value: `"0"` (a string) and `null` are not printed as `0`.
 * A value of the wrong type throws `TypeError`; a number outside its range (NaN included) throws `RangeError`.
 *
 * @example
 * const check = checksFor("timeIt");
 * const repeat = check.integer("repeat", options.repeat ?? 7, { min: 1 });
 * // timeIt(f, { repeat: "7" }) → TypeError: timeIt: repeat must be an integer >= 1, got "7" (a string)
 */

/** Bounds of a number argument; `expected` replaces the generated description (e.g. `"0..2**32-1"`). */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  /** When true, `min` itself is not allowed (`> min`). */
  readonly minExclusive?: boolean;
  /** When true, ±Infinity pass (if within the bounds). Default false: NaN and ±Infinity are refused. */
  readonly allowInfinite?: boolean;
  /** Replaces the bounds in the message: `"0..2**32-1"`. */
  readonly expected?: string;
  /** Replaces the whole phrase after "must be": `"a non-negative number of milliseconds"`. */
  readonly what?: string;
}

/**
 * How a value is shown in a message: numbers as JavaScript prints them (`NaN`, `-Infinity`), strings quoted and
 * labelled, `null`/`undefined` by name, arrays and typed arrays with their length, other objects by constructor.
 *
 * @example
 * describeValue("0");                // '"0" (a string)'
 * describeValue(new Int32Array(3));  // "an Int32Array of 3"
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)} (a string)`;
    case "bigint":
      return `${value}n (a bigint)`;
    case "boolean":
      return `${value} (a boolean)`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name} of ${(value as unknown as ArrayLike<unknown>).length}`;
  }
  const name = (value as object).constructor?.name;
  return name && name !== "Object" ? `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}` : "an object";
}

/** The checks of one public function; see {@link checksFor}. Each returns the value it checked, typed. */
export interface ArgumentChecks {
  /** The public function's name, as it starts every message. */
  readonly fn: string;
  /** A finite number within `range` (NaN never passes; ±Infinity only with `range.allowInfinite`). */
  number(name: string, value: unknown, range?: NumberRange): number;
  /** A finite number > 0. */
  positive(name: string, value: unknown): number;
  /** A finite number >= 0. */
  nonNegative(name: string, value: unknown): number;
  /** An integer (a safe one) within `range`. */
  integer(name: string, value: unknown, range?: NumberRange): number;
  /** An integer >= 1, "a positive integer". */
  positiveInteger(name: string, value: unknown): number;
  /** An integer >= 0, "a non-negative integer". */
  nonNegativeInteger(name: string, value: unknown): number;
  /** `true` or `false`. */
  boolean(name: string, value: unknown): boolean;
  /** One of `allowed` (compared with `===`). */
  oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T;
  /** A plain options object, or `undefined` (→ `{}`). */
  options<T extends object>(name: string, value: T | undefined): T;
  /** A `TypeError` saying `name` must be `expected` and what it was; for checks this module does not have. */
  typeError(name: string, expected: string, value: unknown): TypeError;
  /** A `RangeError` saying `name` must be `expected` and what it was. */
  rangeError(name: string, expected: string, value: unknown): RangeError;
}

/**
 * The argument checks of the public function `fn`.
 *
 * @example
 * const check = checksFor("minimizeLbfgs");
 * check.integer("memory", 0, { min: 1 }); // RangeError: minimizeLbfgs: memory must be an integer >= 1, got 0
 */
export function checksFor(fn: string): ArgumentChecks {
  const message = (name: string, expected: string, value: unknown): string =>
    `${fn}: ${name} must be ${expected}, got ${describeValue(value)}`;
  const typeError = (name: string, expected: string, value: unknown): TypeError =>
    new TypeError(message(name, expected, value));
  const rangeError = (name: string, expected: string, value: unknown): RangeError =>
    new RangeError(message(name, expected, value));

  const checkNumber = (name: string, value: unknown, what: string, range: NumberRange, integer: boolean): number => {
    const expected = range.what ?? `${what}${rangeText(range)}`;
    if (typeof value !== "number") throw typeError(name, expected, value);
    const { min = -Infinity, max = Infinity, minExclusive = false, allowInfinite = false } = range;
    const inRange = (minExclusive ? value > min : value >= min) && value <= max; // false for NaN
    if (!inRange || (!allowInfinite && !Number.isFinite(value)) || (integer && !Number.isSafeInteger(value))) {
      throw rangeError(name, expected, value);
    }
    return value;
  };

  return {
    fn,
    number: (name, value, range = {}) => checkNumber(name, value, "a number", range, false),
    positive: (name, value) =>
      checkNumber(name, value, "a positive finite number", { min: 0, minExclusive: true, expected: "" }, false),
    nonNegative: (name, value) => checkNumber(name, value, "a finite number >= 0", { min: 0, expected: "" }, false),
    integer: (name, value, range = {}) => checkNumber(name, value, "an integer", range, true),
    positiveInteger: (name, value) => checkNumber(name, value, "a positive integer", { min: 1, expected: "" }, true),
    nonNegativeInteger: (name, value) => checkNumber(name, value, "a non-negative integer", { min: 0, expected: "" }, true),
    boolean: (name, value) => {
      if (typeof value !== "boolean") throw typeError(name, "true or false", value);
      return value;
    },
    oneOf: <T extends string>(name: string, value: unknown, allowed: readonly T[]): T => {
      if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
      const quoted = allowed.map((a) => JSON.stringify(a));
      const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}` : quoted.join("");
      throw (typeof value === "string" ? rangeError : typeError)(name, expected, value);
    },
    options: <T extends object>(name: string, value: T | undefined): T => {
      if (value === undefined) return {} as T;
      if (value === null || typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) {
        throw typeError(name, "an object of named options (or omitted)", value);
      }
      return value;
    },
    typeError,
    rangeError,
  };
}

/** " >= 1", " 0..255", " > 0" or the range's own `expected` text (with a leading space). */
function rangeText({ min, max, minExclusive, expected }: NumberRange): string {
  if (expected !== undefined) return expected === "" ? "" : ` ${expected}`;
  const hasMin = min !== undefined && Number.isFinite(min);
  const hasMax = max !== undefined && Number.isFinite(max);
  if (hasMin && hasMax && !minExclusive) return ` ${min}..${max}`;
  if (hasMin && hasMax) return ` > ${min} and <= ${max}`;
  if (hasMin) return ` ${minExclusive ? ">" : ">="} ${min}`;
  if (hasMax) return ` <= ${max}`;
  return "";
}
