/**
 * Limited-memory BFGS for unconstrained minimisation, following SciPy's `minimize(method="L-BFGS-B")` (the
 * L-BFGS-B 3.0 Fortran code) step for step when no bounds are given — which is how scikit-learn 1.2.1's
 * `LogisticRegression(solver="lbfgs")` calls it:
 *
 * - the first step goes along −g with length 1 (`stp = 1/‖d‖`), later ones try the quasi-Newton step `stp = 1`;
 * - the line search is Moré & Thuente's (MINPACK-2 `dcsrch`/`dcstep`) with `ftol = 1e-3`, `gtol = 0.9`,
 *   `xtol = 0.1`: the accepted step satisfies the strong Wolfe conditions (or is the best point found);
 * - at most `maxLineSearch` (SciPy's `maxls`, 20) evaluations per line search, after which the memory is
 *   dropped and the iteration restarted from −g (or the run ends if the memory was already empty);
 * - a correction pair is skipped when `sᵀy ≤ ε·(−gᵀd)·stp` (curvature too small to keep the update positive definite);
 * - stopping tests in SciPy's order: the iteration limit (`maxiter`, checked first, as SciPy does between
 *   iterations), then `max|gᵢ| ≤ gtol` (the projected gradient, which without bounds is the gradient), then
 *   `(f_old − f)/max(|f_old|, |f|, 1) ≤ ftol` (SciPy's `factr·εmach`).
 *
 * Without bounds the L-BFGS-B direction (Cauchy point, then subspace minimisation of the compact quasi-Newton
 * model) is the plain L-BFGS direction `−H·g` with `H₀ = (sᵀy / yᵀy)·I`, so the two-loop recursion computes it.
 * All arithmetic is float64.
 */

import { checksFor } from "./checks";

/** The function to minimise. */
export interface Objective {
  /**
   * Returns f(x) and writes ∇f(x) into `grad` (same length as `x`). It must not keep `x` or `grad`: the
   * optimiser reuses both arrays.
   */
  valueAndGradient(x: Float64Array, grad: Float64Array): number;
}

/** Options of {@link minimizeLbfgs}; the names are SciPy's where SciPy has one. */
export interface LbfgsOptions {
  /** `maxcor`: how many correction pairs (s, y) the inverse-Hessian approximation keeps. Default 10. */
  readonly memory?: number;
  /** `maxiter`: the most iterations (completed line searches). Default 15000, as SciPy. */
  readonly maxIter?: number;
  /** `maxfun`: the most function evaluations, checked between iterations. Default 15000, as SciPy. */
  readonly maxFun?: number;
  /** `gtol` (`pgtol`): stop when `max|∇f(x)ᵢ| ≤ gtol`. Default 1e-5, as SciPy. */
  readonly gtol?: number;
  /** `ftol` (`factr·εmach`): stop when `(f_old − f)/max(|f_old|, |f|, 1) ≤ ftol`. Default 2.220446049250313e-9. */
  readonly ftol?: number;
  /** `maxls`: the most function evaluations in one line search. Default 20. */
  readonly maxLineSearch?: number;
}

/**
 * How a run ended, as SciPy's `OptimizeResult.status`: 0 converged, 1 iteration or evaluation limit reached,
 * 2 stopped abnormally (the line search could not make progress).
 */
export type LbfgsStatus = 0 | 1 | 2;

/** The outcome of {@link minimizeLbfgs}, as SciPy's `OptimizeResult`. */
export interface LbfgsResult {
  /** The solution (the last accepted iterate), `[n]`. */
  readonly x: Float64Array;
  /** f(x). */
  readonly f: number;
  /** ∇f(x), `[n]`. */
  readonly grad: Float64Array;
  /** Iterations done (SciPy's `nit`). */
  readonly nIter: number;
  /** Function-and-gradient evaluations (SciPy's `nfev`). */
  readonly nFev: number;
  /** See {@link LbfgsStatus}. */
  readonly status: LbfgsStatus;
  /** SciPy's message, e.g. `CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH`. */
  readonly message: string;
}

/** SciPy's messages, word for word. */
export const LBFGS_MESSAGES = {
  pgtol: "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL",
  ftol: "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH",
  maxIter: "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT",
  maxFun: "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT",
  lineSearch: "ABNORMAL_TERMINATION_IN_LNSRCH",
} as const;

const EPS = 2.220446049250313e-16; // np.finfo(float).eps
const STEP_MAX = 1e10; // L-BFGS-B's `big`: the largest step for unbounded problems
const LS_FTOL = 1e-3; // sufficient decrease (Armijo) constant of L-BFGS-B's line search
const LS_GTOL = 0.9; // curvature constant
const LS_XTOL = 0.1; // relative width of the bracket below which the search gives up

/**
 * Minimises a smooth function with L-BFGS, as SciPy's `minimize(fun, x0, jac=True, method="L-BFGS-B")` does
 * without bounds (see the module comment for what is reproduced).
 *
 * @param objective - `objective.valueAndGradient(x, grad)` returns f(x) and writes ∇f(x) into `grad`. (An object
 *   with a method rather than a bare function, so that a class's method is one call target across runs.)
 * @param x0 - the starting point `[n]`; not modified.
 * @param options - see {@link LbfgsOptions}: `memory` 10, `maxIter` 15000, `maxFun` 15000, `gtol` 1e-5,
 *   `ftol` 2.22e-9, `maxLineSearch` 20 by default.
 * @returns the last iterate, its value and gradient, counts and SciPy's status and message. Reaching a limit is
 *   reported (`status` 1), not thrown.
 * @example
 * // f(x) = (x₀ − 1)² + 10·(x₁ + 2)²
 * const r = minimizeLbfgs({
 *   valueAndGradient(x, g) {
 *     g[0] = 2 * (x[0] - 1); g[1] = 20 * (x[1] + 2);
 *     return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2;
 *   },
 * }, new Float64Array(2));
 * r.x; // ≈ [1, -2], r.status === 0
 */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const check = checksFor("minimizeLbfgs");
  if (typeof (objective as Partial<Objective> | null)?.valueAndGradient !== "function") {
    throw check.typeError("objective", "an object with a valueAndGradient(x, grad) method", objective);
  }
  if (!(x0 instanceof Float64Array)) throw check.typeError("x0", "a Float64Array", x0);
  const opts = check.options("options", options);
  const m = check.integer("memory", opts.memory ?? 10, { min: 1 });
  const maxIter = check.integer("maxIter", opts.maxIter ?? 15000, { min: 1 });
  const maxFun = check.integer("maxFun", opts.maxFun ?? 15000, { min: 1 });
  const maxLs = check.integer("maxLineSearch", opts.maxLineSearch ?? 20, { min: 1 });
  const gtol = check.nonNegative("gtol", opts.gtol ?? 1e-5);
  const ftol = check.nonNegative("ftol", opts.ftol ?? 2.220446049250313e-9);
  const n = x0.length;
  if (n === 0) throw new RangeError("minimizeLbfgs: x0 is empty");

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n); // search direction
  const xOld = new Float64Array(n); // start of the line search (Fortran's t)
  const gOld = new Float64Array(n); // gradient there (Fortran's r)
  const S = new Float64Array(m * n); // correction pairs, ring buffer of rows
  const Y = new Float64Array(m * n);
  const rho = new Float64Array(m); // 1 / sᵀy
  const alpha = new Float64Array(m);
  let col = 0; // pairs held
  let head = 0; // row of the oldest pair
  let gamma = 1; // H₀ = gamma·I (1/θ in L-BFGS-B)

  let f = objective.valueAndGradient(x, g);
  let nFev = 1;
  let nIter = 0;
  let firstIteration = true;
  const done = (status: LbfgsStatus, message: string): LbfgsResult => ({ x, f, grad: g, nIter, nFev, status, message });

  if (!Number.isFinite(f)) return done(2, `${LBFGS_MESSAGES.lineSearch} (f(x0) is ${f})`);
  if (maxAbs(g) <= gtol) return done(0, LBFGS_MESSAGES.pgtol);

  const search = new MoreThuente();
  for (;;) {
    // Direction: d = −H·g by the two-loop recursion (just −g/θ with an empty memory).
    for (let i = 0; i < n; i++) d[i] = -g[i];
    if (col > 0) {
      for (let k = col - 1; k >= 0; k--) {
        const row = ((head + k) % m) * n;
        let sd = 0;
        for (let i = 0; i < n; i++) sd += S[row + i] * d[i];
        const a = rho[(head + k) % m] * sd;
        alpha[k] = a;
        for (let i = 0; i < n; i++) d[i] -= a * Y[row + i];
      }
      for (let i = 0; i < n; i++) d[i] *= gamma;
      for (let k = 0; k < col; k++) {
        const row = ((head + k) % m) * n;
        let yd = 0;
        for (let i = 0; i < n; i++) yd += Y[row + i] * d[i];
        const b = alpha[k] - rho[(head + k) % m] * yd;
        for (let i = 0; i < n; i++) d[i] += b * S[row + i];
      }
    } else {
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }

    // Line search along d from x.
    let gd = dot(g, d, n);
    const gdOld = gd;
    const fOld = f;
    xOld.set(x);
    gOld.set(g);
    let stp = 1;
    let accepted = false;
    if (gd < 0) {
      stp = firstIteration ? Math.min(1 / Math.sqrt(dot(d, d, n)), STEP_MAX) : 1;
      search.start(stp, f, gd, LS_FTOL, LS_GTOL, LS_XTOL, 0, STEP_MAX);
      for (let evals = 0; ; ) {
        if (search.task !== "FG") {
          accepted = search.task === "CONVERGENCE" || search.task === "WARNING";
          break;
        }
        if (evals >= maxLs) break; // too many evaluations: give up on this direction
        stp = search.stp;
        for (let i = 0; i < n; i++) x[i] = xOld[i] + stp * d[i];
        f = objective.valueAndGradient(x, g);
        nFev++;
        evals++;
        if (!Number.isFinite(f)) break;
        gd = dot(g, d, n);
        search.next(f, gd);
      }
    }
    if (!accepted) {
      // Restore the previous iterate; restart from −g with an empty memory, or stop if it was empty already.
      x.set(xOld);
      g.set(gOld);
      f = fOld;
      if (col === 0) {
        return done(2, gdOld >= 0 ? `${LBFGS_MESSAGES.lineSearch} (not a descent direction)` : LBFGS_MESSAGES.lineSearch);
      }
      col = 0;
      head = 0;
      gamma = 1;
      continue;
    }

    firstIteration = false;
    nIter++;
    // SciPy checks its own limits when the Fortran code reports a new iterate, before the convergence tests.
    if (nIter >= maxIter) return done(1, LBFGS_MESSAGES.maxIter);
    if (nFev > maxFun) return done(1, LBFGS_MESSAGES.maxFun);
    if (maxAbs(g) <= gtol) return done(0, LBFGS_MESSAGES.pgtol);
    if (fOld - f <= ftol * Math.max(Math.abs(fOld), Math.abs(f), 1)) return done(0, LBFGS_MESSAGES.ftol);

    // Correction pair s = stp·d, y = g − g_old, kept only if sᵀy is safely positive.
    const sy = (gd - gdOld) * stp;
    if (sy <= EPS * (-gdOld * stp)) continue;
    let slot: number;
    if (col < m) {
      slot = (head + col) % m;
      col++;
    } else {
      slot = head;
      head = (head + 1) % m;
    }
    const row = slot * n;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const yi = g[i] - gOld[i];
      S[row + i] = stp * d[i];
      Y[row + i] = yi;
      yy += yi * yi;
    }
    rho[slot] = 1 / sy;
    gamma = sy / yy;
  }
}

/** What {@link MoreThuente} wants next: an evaluation at `stp`, or it has finished. */
type SearchTask = "FG" | "CONVERGENCE" | "WARNING" | "ERROR";

/**
 * Moré & Thuente's line search (MINPACK-2 `dcsrch`), as a small state machine: `start` with φ(0), φ'(0) and a
 * first step, then `next(φ(stp), φ'(stp))` after each requested evaluation, until `task` is not `"FG"`.
 * On `"CONVERGENCE"` the step satisfies φ(stp) ≤ φ(0) + ftol·stp·φ'(0) and |φ'(stp)| ≤ gtol·|φ'(0)| (the strong
 * Wolfe conditions); on `"WARNING"` it is the best step found (the bracket became too small, or stp hit a bound).
 *
 * J. J. Moré and D. J. Thuente, "Line search algorithms with guaranteed sufficient decrease",
 * ACM TOMS 20(3), 1994.
 */
export class MoreThuente {
  task: SearchTask = "ERROR";
  /** The step to evaluate next (task `"FG"`) or the accepted one. */
  stp = 0;
  private gtol = 0;
  private xtol = 0;
  private stpmin = 0;
  private stpmax = 0;
  private bracketed = false;
  private stage = 1;
  private finit = 0;
  private ginit = 0;
  private gtest = 0;
  private width = 0;
  private width1 = 0;
  // Best step so far (x) and the other end of the interval (y), with φ and φ' there.
  private stx = 0;
  private fx = 0;
  private gx = 0;
  private sty = 0;
  private fy = 0;
  private gy = 0;
  private stmin = 0;
  private stmax = 0;

  /**
   * Begins a search. `f0`, `g0` are φ(0) and φ'(0) (< 0), `stp` the first trial step in [stpmin, stpmax].
   * Sets `task` to `"FG"` (evaluate at `this.stp`) or `"ERROR"` on bad arguments.
   */
  start(stp: number, f0: number, g0: number, ftol: number, gtol: number, xtol: number, stpmin: number, stpmax: number): void {
    if (!(stp >= stpmin && stp <= stpmax && g0 < 0 && ftol >= 0 && gtol >= 0 && xtol >= 0 && stpmin >= 0 && stpmax >= stpmin)) {
      this.task = "ERROR";
      return;
    }
    this.gtol = gtol;
    this.xtol = xtol;
    this.stpmin = stpmin;
    this.stpmax = stpmax;
    this.bracketed = false;
    this.stage = 1;
    this.finit = f0;
    this.ginit = g0;
    this.gtest = ftol * g0;
    this.width = stpmax - stpmin;
    this.width1 = this.width / 0.5;
    this.stx = 0;
    this.fx = f0;
    this.gx = g0;
    this.sty = 0;
    this.fy = f0;
    this.gy = g0;
    this.stmin = 0;
    this.stmax = stp + 4 * stp;
    this.stp = stp;
    this.task = "FG";
  }

  /** Takes φ(stp) and φ'(stp) for the step last requested, and decides: converged, warning, or a new step. */
  next(f: number, g: number): void {
    const ftest = this.finit + this.stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;

    const stp = this.stp;
    let task: SearchTask = "FG";
    if (this.bracketed && (stp <= this.stmin || stp >= this.stmax)) task = "WARNING"; // rounding errors
    if (this.bracketed && this.stmax - this.stmin <= this.xtol * this.stmax) task = "WARNING"; // xtol test
    if (stp === this.stpmax && f <= ftest && g <= this.gtest) task = "WARNING"; // stp = stpmax
    if (stp === this.stpmin && (f > ftest || g >= this.gtest)) task = "WARNING"; // stp = stpmin
    if (f <= ftest && Math.abs(g) <= this.gtol * -this.ginit) task = "CONVERGENCE";
    if (task !== "FG") {
      this.task = task;
      return;
    }

    // In stage 1, a lower but not sufficiently lower value: step on the modified function ψ(α) = φ(α) − gtest·α.
    if (this.stage === 1 && f <= this.fx && f > ftest) {
      const gt = this.gtest;
      this.fx -= this.stx * gt;
      this.fy -= this.sty * gt;
      this.gx -= gt;
      this.gy -= gt;
      this.step(f - stp * gt, g - gt);
      this.fx += this.stx * gt;
      this.fy += this.sty * gt;
      this.gx += gt;
      this.gy += gt;
    } else {
      this.step(f, g);
    }

    // Bisect if the interval did not shrink enough.
    if (this.bracketed) {
      if (Math.abs(this.sty - this.stx) >= 0.66 * this.width1) this.stp = this.stx + 0.5 * (this.sty - this.stx);
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
    }
    if (this.bracketed) {
      this.stmin = Math.min(this.stx, this.sty);
      this.stmax = Math.max(this.stx, this.sty);
    } else {
      this.stmin = this.stp + 1.1 * (this.stp - this.stx);
      this.stmax = this.stp + 4 * (this.stp - this.stx);
    }
    this.stp = Math.min(Math.max(this.stp, this.stpmin), this.stpmax);
    // No further progress possible: fall back to the best step.
    if (
      (this.bracketed && (this.stp <= this.stmin || this.stp >= this.stmax)) ||
      (this.bracketed && this.stmax - this.stmin <= this.xtol * this.stmax)
    ) {
      this.stp = this.stx;
    }
    this.task = "FG";
  }

  /**
   * MINPACK-2 `dcstep`: a safeguarded cubic/quadratic/secant step from the interval (stx, sty) and the new
   * point (stp, fp, dp); updates the interval and `this.stp`.
   */
  private step(fp: number, dp: number): void {
    const { stx, fx, gx: dx, sty, fy, gy: dy, stp, stmin: lo, stmax: hi } = this;
    const sgnd = dp * Math.sign(dx);
    let stpf: number;
    if (fp > fx) {
      // Case 1: higher value, the minimum is bracketed. Cubic if closer to stx, else cubic/quadratic average.
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
      if (stp < stx) gamma = -gamma;
      const p = gamma - dx + theta;
      const q = gamma - dx + gamma + dp;
      const stpc = stx + (p / q) * (stp - stx);
      const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
      stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
      this.bracketed = true;
    } else if (sgnd < 0) {
      // Case 2: lower value, derivatives of opposite sign: bracketed. Cubic if farther from stp, else secant.
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
      if (stp > stx) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dx;
      const stpc = stp + (p / q) * (stx - stp);
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      this.bracketed = true;
    } else if (Math.abs(dp) < Math.abs(dx)) {
      // Case 3: lower value, same sign, |derivative| decreasing.
      const theta = (3 * (fx - fp)) / (stp - stx) + dx + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dx), Math.abs(dp));
      let gamma = s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
      if (stp > stx) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma + (dx - dp) + gamma;
      const r = p / q;
      let stpc: number;
      if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
      else if (stp > stx) stpc = hi;
      else stpc = lo;
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      if (this.bracketed) {
        stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
        stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
      } else {
        stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
        stpf = Math.max(lo, Math.min(hi, stpf));
      }
    } else if (this.bracketed) {
      // Case 4: lower value, same sign, |derivative| not decreasing; bracketed: cubic step from sty.
      const theta = (3 * (fp - fy)) / (sty - stp) + dy + dp;
      const s = Math.max(Math.abs(theta), Math.abs(dy), Math.abs(dp));
      let gamma = s * Math.sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      stpf = stp + (p / q) * (sty - stp);
    } else {
      stpf = stp > stx ? hi : lo;
    }

    // Update the interval of uncertainty.
    if (fp > fx) {
      this.sty = stp;
      this.fy = fp;
      this.gy = dp;
    } else {
      if (sgnd < 0) {
        this.sty = stx;
        this.fy = fx;
        this.gy = dx;
      }
      this.stx = stp;
      this.fx = fp;
      this.gx = dp;
    }
    this.stp = stpf;
  }
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || v !== v) m = v; // NaN propagates, so a NaN gradient never passes as converged
  }
  return m;
}
