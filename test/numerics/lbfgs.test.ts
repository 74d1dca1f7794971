/**
 * The L-BFGS optimiser on problems with known answers, and against SciPy's `L-BFGS-B` on Rosenbrock's function
 * (iteration and evaluation counts from SciPy 1.10.1, Debian 12, `minimize(rosen, x0, jac=rosen_der,
 * method="L-BFGS-B")`): the same algorithm should take the same steps.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LBFGS_MESSAGES, minimizeLbfgs, MoreThuente, type Objective } from "../../lib/numerics/lbfgs";

/** Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1): SciPy's `rosen` and `rosen_der`. */
const rosenbrock: Objective = {
  valueAndGradient(x, g) {
    g.fill(0);
    let f = 0;
    for (let i = 0; i + 1 < x.length; i++) {
      const a = x[i + 1] - x[i] * x[i];
      const b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * x[i] * a - 2 * b;
      g[i + 1] += 200 * a;
    }
    return f;
  },
};

/** ½(x − c)ᵀA(x − c) + 3 with A = diag(1, 10, 100, 1000, 1e4): an ill-conditioned bowl, minimiser c. */
const center = Float64Array.of(1, -2, 0.5, 3, -0.25);
const diag = Float64Array.of(1, 10, 100, 1000, 1e4);
const quadratic: Objective = {
  valueAndGradient(x, g) {
    let f = 3;
    for (let i = 0; i < x.length; i++) {
      const r = x[i] - center[i];
      g[i] = diag[i] * r;
      f += 0.5 * diag[i] * r * r;
    }
    return f;
  },
};

test("a quadratic bowl: converges to its known minimiser", () => {
  const x0 = new Float64Array(5);
  const r = minimizeLbfgs(quadratic, x0, { gtol: 1e-10, ftol: 0 });
  assert.equal(r.status, 0, r.message); // |g| ≤ 1e-10, or f stopped changing at all (ftol 0)
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(r.x[i] - center[i]) < 1e-9, `x[${i}] = ${r.x[i]}`);
  assert.ok(Math.abs(r.f - 3) < 1e-15);
  assert.ok(r.nIter < 40, `${r.nIter} iterations`);
  assert.deepEqual(Array.from(x0), [0, 0, 0, 0, 0], "x0 is not modified");
});

test("already at the minimum: stops before the first iteration, as SciPy", () => {
  const r = minimizeLbfgs(quadratic, Float64Array.from(center));
  assert.equal(r.status, 0);
  assert.equal(r.nIter, 0);
  assert.equal(r.nFev, 1);
  assert.equal(r.message, LBFGS_MESSAGES.pgtol);
});

test("Rosenbrock: the same iterations, evaluations and stop as SciPy's L-BFGS-B", () => {
  // [x0, options, SciPy's nit, nfev, fun]
  const cases: Array<[number[], { gtol?: number; ftol?: number }, number, number, number]> = [
    [[-1.2, 1], {}, 36, 44, 2.8076498954082392e-12],
    [[-1.2, 1], { gtol: 1e-10, ftol: 1e-15 }, 38, 46, 3.040075505200262e-22],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0], {}, 58, 77, 1.2911751456782295e-10],
    [[-1.2, 1, -1.2, 1, -1.2], {}, 49, 66, 1.4227018465984288e-11],
  ];
  for (const [x0, options, nit, nfev, fun] of cases) {
    const r = minimizeLbfgs(rosenbrock, Float64Array.from(x0), options);
    const what = `x0=${JSON.stringify(x0)} ${JSON.stringify(options)}`;
    assert.equal(r.status, 0, what);
    assert.equal(r.message, LBFGS_MESSAGES.ftol, what);
    assert.equal(r.nIter, nit, `${what}: iterations`);
    assert.equal(r.nFev, nfev, `${what}: evaluations`);
    // Same path, different rounding (the two-loop recursion vs L-BFGS-B's compact form): f agrees to ~1e-4 relative.
    assert.ok(Math.abs(r.f - fun) <= 1e-3 * fun + 1e-20, `${what}: f = ${r.f}, SciPy ${fun}`);
    for (const xi of r.x) assert.ok(Math.abs(xi - 1) < 1e-4, `${what}: x = ${Array.from(r.x)}`);
  }
});

test("the iteration limit is reported (status 1, SciPy's message), not thrown", () => {
  const r = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 5 });
  assert.equal(r.status, 1);
  assert.equal(r.message, "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT");
  assert.equal(r.nIter, 5);
  assert.equal(r.nFev, 7); // SciPy: nit 5, nfev 7
  assert.ok(r.f < 24.2, "it still made progress from f(x0) = 24.2");
});

test("a wrong gradient ends the run abnormally (status 2), with the best point kept", () => {
  const wrong: Objective = {
    valueAndGradient(x, g) {
      g[0] = -2 * x[0]; // sign flipped: −g points uphill
      return x[0] * x[0];
    },
  };
  const r = minimizeLbfgs(wrong, Float64Array.of(3));
  assert.equal(r.status, 2);
  assert.match(r.message, /^ABNORMAL_TERMINATION_IN_LNSRCH/);
  assert.equal(r.x[0], 3);
  assert.equal(r.f, 9);
});

test("a non-finite start is reported, not looped on", () => {
  const r = minimizeLbfgs({ valueAndGradient: () => Number.NaN }, Float64Array.of(1));
  assert.equal(r.status, 2);
  assert.match(r.message, /NaN/);
});

test("options are checked, naming the option", () => {
  const x0 = Float64Array.of(0);
  assert.throws(() => minimizeLbfgs(quadratic, new Float64Array(0)), /x0 is empty/);
  assert.throws(() => minimizeLbfgs(quadratic, x0, { memory: 0 }), /memory must be an integer >= 1, got 0/);
  assert.throws(() => minimizeLbfgs(quadratic, x0, { maxIter: 1.5 }), /maxIter must be an integer >= 1, got 1.5/);
  assert.throws(() => minimizeLbfgs(quadratic, x0, { maxLineSearch: -1 }), /maxLineSearch/);
  assert.throws(() => minimizeLbfgs(quadratic, x0, { gtol: -1 }), /gtol must be a finite number >= 0, got -1/);
  assert.throws(() => minimizeLbfgs(quadratic, x0, { ftol: Number.NaN }), /ftol/);
});

test("Moré–Thuente: the accepted step satisfies the strong Wolfe conditions", () => {
  // φ(α) = (α − 3)⁴ − 2α: φ(0) = 81, φ'(0) = −110, a minimiser near α ≈ 3.79.
  const phi = (a: number): number => (a - 3) ** 4 - 2 * a;
  const dphi = (a: number): number => 4 * (a - 3) ** 3 - 2;
  for (const first of [0.01, 1, 10, 100]) {
    const ls = new MoreThuente();
    ls.start(first, phi(0), dphi(0), 1e-3, 0.9, 0.1, 0, 1e10);
    let evals = 0;
    while (ls.task === "FG" && evals < 30) {
      const a = ls.stp;
      ls.next(phi(a), dphi(a));
      evals++;
    }
    assert.equal(ls.task, "CONVERGENCE", `first step ${first}`);
    const a = ls.stp;
    assert.ok(phi(a) <= phi(0) + 1e-3 * a * dphi(0), `sufficient decrease at ${a}`);
    assert.ok(Math.abs(dphi(a)) <= 0.9 * Math.abs(dphi(0)), `curvature at ${a}`);
  }
  const bad = new MoreThuente();
  bad.start(1, 0, +1, 1e-3, 0.9, 0.1, 0, 10); // uphill: not a descent direction
  assert.equal(bad.task, "ERROR");
});
