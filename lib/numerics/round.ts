/**
 * Rounds to the nearest integer, ties to even, like `np.round` / `np.rint` and Python 3's `round(x)`
 * (JavaScript's `Math.round` sends ties up instead: `Math.round(-2.5) === -2`, `Math.round(0.5) === 1`).
 *
 * @example
 * roundHalfToEven(2.5);  // 2
 * roundHalfToEven(3.5);  // 4
 * roundHalfToEven(-0.5); // -0
 */
export function roundHalfToEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor; // exact for doubles: floor and x share their high bits
  const r = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return r === 0 && x < 0 ? -0 : r; // keep the sign of zero, as np.round(-0.5) == -0.0
}

/**
 * Rounds to `digits` decimal places like Python's `round(x, digits)`: on the exact binary value of `x`, ties to
 * even. `Number.prototype.toFixed` agrees except on exact ties, where it rounds away from zero
 * (`(0.125).toFixed(2) === "0.13"`, `round(0.125, 2) == 0.12`). Used to print figures the way the original does.
 *
 * @param digits - decimal places, 0..20. Default 0.
 * @example
 * roundTo(2600 / 1024, 2); // 2.54
 * roundTo(0.125, 2);       // 0.12
 */
export function roundTo(x: number, digits = 0): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new RangeError(`roundTo: digits must be an integer 0..20, got ${digits}`);
  }
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  // toFixed(100) is the exact decimal expansion of any double below 1e21 that can be a tie at `digits`.
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf(".");
  const tail = exact.slice(point + 1 + digits);
  const isTie = tail[0] === "5" && /^0*$/.test(tail.slice(1));
  let result: number;
  if (isTie) {
    const truncated = exact.slice(0, point + 1 + digits);
    const lastDigit = Number(truncated[truncated.length - 1] === "." ? truncated[truncated.length - 2] : truncated[truncated.length - 1]);
    result = lastDigit % 2 === 0 ? Number(truncated) : Number(Math.abs(x).toFixed(digits));
  } else {
    result = Number(Math.abs(x).toFixed(digits));
  }
  return x < 0 ? -result : result;
}
