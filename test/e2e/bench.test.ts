/**
 * The benchmark's report, run in quick mode: one JSON object on stdout, well formed. Times are never checked
 * against a bound: only that they are there and consistent (min ≤ median ≤ max).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatTable, REPORT_SECTIONS } from "../../bench/bench";

const BENCH = path.join(__dirname, "..", "..", "bench", "bench.js");

function isFigure(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const f = v as Record<string, unknown>;
  const nums = [f.median_ms, f.min_ms, f.max_ms];
  return (
    Object.keys(f).sort().join(",") === "max_ms,median_ms,min_ms,runs" &&
    nums.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0) &&
    Number.isInteger(f.runs) &&
    (f.runs as number) >= 1 &&
    (f.min_ms as number) <= (f.median_ms as number) &&
    (f.median_ms as number) <= (f.max_ms as number)
  );
}

test("bench --json --quick prints one well-formed JSON report", () => {
  const run = spawnSync(process.execPath, [BENCH, "--json", "--quick"], { encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, `bench failed:\n${run.stderr}`);
  const text = run.stdout.trim();
  assert.ok(!text.includes("\n"), "one line: nothing else on stdout");
  const report = JSON.parse(text) as Record<string, unknown>;

  for (const name of ["train.lbfgs", "train.lbfgs.js", "train.gd", "predict.fp32", "predict.int8"]) {
    assert.ok(isFigure(report[name]), `${name}: ${JSON.stringify(report[name])}`);
  }
  for (const [name, value] of Object.entries(report)) {
    if (!(REPORT_SECTIONS as readonly string[]).includes(name)) assert.ok(isFigure(value), `${name} is a figure`);
  }

  const meta = report.meta as Record<string, unknown>;
  assert.equal(meta.quick, true);
  const python = meta.python as Record<string, unknown>;
  const ratios = report.ratios as Record<string, unknown>;
  assert.deepEqual(Object.keys(ratios).sort(), [
    "predict.fp32/numpy.predict",
    "predict.fp32/sklearn.predict",
    "train.lbfgs/sklearn.fit",
  ]);
  if (typeof python.sklearn === "string") {
    for (const name of ["sklearn.fit", "sklearn.predict", "numpy.predict"]) assert.ok(isFigure(report[name]), name);
    for (const v of Object.values(ratios)) assert.ok(typeof v === "number" && v > 0);
  } else {
    assert.equal(typeof python.skipped, "string");
    for (const v of Object.values(ratios)) assert.equal(v, null);
  }

  const parity = report.parity as Record<string, unknown>;
  assert.equal(parity.of, 450);
  assert.ok(Number.isInteger(parity.agree) && (parity.agree as number) >= 449);
  assert.ok((parity.max_coef_diff as number) < 1e-2);
  assert.equal((parity.n_iter as number[]).length, 10);

  const table = formatTable(report);
  assert.match(table, /^figure\s+median ms/);
  assert.match(table, /train\.lbfgs\/sklearn\.fit/);
});

test("when the Python side fails to set up, the bench stops its worker, says why and exits 1", () => {
  // A "Python" that passes the scikit-learn probe, then answers every request with an error and, like the real
  // worker, keeps reading stdin: the bench must close it, or it would never exit.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
  const fake = path.join(dir, "python");
  fs.writeFileSync(
    fake,
    '#!/bin/sh\n[ "$1" = "-c" ] && exit 0\nwhile read -r line; do echo \'{"error": "FileNotFoundError: no digits here"}\'; done\n',
    { mode: 0o755 },
  );
  try {
    const run = spawnSync(process.execPath, [BENCH, "--json", "--quick"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, BENCH_PYTHON: fake },
    });
    assert.equal(run.signal, null, `the bench did not exit by itself:\n${run.stderr}`);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stdout, "");
    const lastLine = run.stderr.trim().split("\n").pop();
    assert.equal(lastLine, `bench: Python (${fake}), request setup: FileNotFoundError: no digits here`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
