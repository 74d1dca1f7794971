import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CACHE_BLOCK_BYTES, blockRows, roundUp } from "../../lib/kernels/blocking";
import {
  WASM_PAGE_BYTES,
  WasmArena,
  loadWasmModule,
  wasmModulePath,
  wasmSimdAvailable,
  wasmSimdRequired,
  type WasmModuleName,
} from "../../lib/kernels/wasm-runtime";

const MODULES: readonly WasmModuleName[] = ["logistic-kernels", "predict-kernel", "gemm", "quantize", "dot-peak"];
const lib = (m: string): string => JSON.stringify(path.join(__dirname, "..", "..", "lib", `${m}.js`));

test("every module is compiled by npm run build beside the compiled JavaScript, valid SIMD WebAssembly, loaded once", () => {
  assert.ok(wasmSimdAvailable());
  for (const name of MODULES) {
    const file = wasmModulePath(name);
    assert.equal(path.dirname(file), path.join(__dirname, "..", "..", "lib", "kernels"), name);
    const bytes = fs.readFileSync(file);
    assert.deepEqual(Array.from(bytes.subarray(0, 4)), [0x00, 0x61, 0x73, 0x6d], `${name}: a WebAssembly binary`);
    assert.ok(WebAssembly.validate(bytes), name);
    const module = loadWasmModule(name);
    assert.ok(module, name);
    assert.equal(loadWasmModule(name), module, `${name}: compiled once`);
    // The memory is the caller's: every module imports env.memory and nothing else.
    assert.deepEqual(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`), ["env.memory:memory"], name);
  }
});

test("the modules are found from any working folder (relative to the compiled JavaScript, never to cwd)", () => {
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "kernels-cwd-"));
  try {
    const script = `
      const { loadWasmModule } = require(${lib("kernels/wasm-runtime")});
      const names = ${JSON.stringify(MODULES)};
      console.log(JSON.stringify(names.map((n) => loadWasmModule(n) !== null)));`;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: elsewhere, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), MODULES.map(() => true));
  } finally {
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("a missing module is an error naming the file and the command that builds it", () => {
  // A copy of the compiled runtime in a folder without .wasm files.
  const alone = fs.mkdtempSync(path.join(os.tmpdir(), "kernels-missing-"));
  try {
    fs.copyFileSync(path.join(__dirname, "..", "..", "lib", "kernels", "wasm-runtime.js"), path.join(alone, "wasm-runtime.js"));
    const script = `
      try { require(${JSON.stringify(path.join(alone, "wasm-runtime.js"))}).loadWasmModule("gemm"); console.log("no error"); }
      catch (e) { console.log(e.message); }`;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout.trim(),
      `${path.join(alone, "gemm.wasm")} is missing: the WebAssembly kernels are compiled by \`npm run build\` (scripts/build-wasm.ts)`,
    );
  } finally {
    fs.rmSync(alone, { recursive: true, force: true });
  }
});

test("the arena: at least one page, views that follow the memory as it grows", () => {
  const module = loadWasmModule("predict-kernel");
  assert.ok(module);
  const arena = new WasmArena<Record<string, unknown>>(module, 10);
  assert.equal(arena.byteLength, WASM_PAGE_BYTES);
  assert.equal(typeof arena.exports.scores_2x2, "function");
  const f64 = arena.f64;
  arena.ensure(WASM_PAGE_BYTES);
  assert.equal(arena.f64, f64, "no growth, the same views");
  arena.ensure(WASM_PAGE_BYTES + 1);
  assert.equal(arena.byteLength, 2 * WASM_PAGE_BYTES);
  assert.equal(arena.u8.length, 2 * WASM_PAGE_BYTES);
  assert.equal(arena.i16.length, WASM_PAGE_BYTES);
  assert.equal(arena.i32.length, WASM_PAGE_BYTES / 2);
  assert.equal(arena.f32.length, WASM_PAGE_BYTES / 2);
  assert.equal(arena.f64.length, WASM_PAGE_BYTES / 4);
  assert.match(wasmSimdRequired("f", "use g").message, /^f: WebAssembly SIMD is not available in this runtime .*; use g$/);
});

test("blocking: one block size, one roundUp, block rows a multiple of the tile", () => {
  assert.equal(roundUp(17, 16), 32);
  assert.equal(roundUp(32, 16), 32);
  assert.equal(roundUp(0, 16), 0);
  assert.equal(CACHE_BLOCK_BYTES, 524288);
  assert.equal(blockRows(4096, 4), 128);
  assert.equal(blockRows(4 * 4096, 2), 32);
  assert.equal(blockRows(3 * 4096 + 5, 4), 40); // floor(524288 / 12293 / 4) · 4
  assert.equal(blockRows(1 << 20, 4), 4, "a row larger than a block: one tile");
  assert.equal(blockRows(0, 2), 524288, "no columns: as if one byte a row");
});

test("without WebAssembly SIMD: training, predict scores and quantization fall back to TypeScript, the SIMD layers say what to use", () => {
  // A fresh process where WebAssembly.validate refuses every module, as a runtime without SIMD would ours.
  const script = `
    WebAssembly.validate = () => false;
    const { matrix } = require(${lib("core/matrix")});
    const out = { simd: require(${lib("kernels/wasm-runtime")}).wasmSimdAvailable() };
    const X = matrix(Float32Array.from({ length: 40 }, (_, i) => (i % 7) / 7), 8, 5);
    const y = Int32Array.from({ length: 8 }, (_, i) => i % 2);
    const { trainLogisticRegression } = require(${lib("core/train")});
    const { model, kernels } = trainLogisticRegression(X, y);
    out.train = kernels;
    const attempt = (f) => { try { f(); return "no error"; } catch (e) { return e.message; } };
    out.trainWasm = attempt(() => trainLogisticRegression(X, y, { kernels: "wasm" }));
    out.predict = require(${lib("kernels/predict-kernel")}).linearScores(X, model.coef, model.intercept).kernel;
    out.wasmScores = attempt(() => require(${lib("kernels/predict-kernel")}).wasmScores(X, model.coef, model.intercept));
    const q = require(${lib("kernels/quantize")});
    const xq = new Uint8Array(40);
    out.quantizeKernel = q.quantizeKernel();
    out.nanAt = q.quantizeUint8(X.data, 1 / 16, 3, xq);
    out.quantized = Array.from(xq.subarray(0, 8));
    const k8 = require(${lib("studies/integer-inference")});
    const im = k8.prepareIntegerModel(require(${lib("core/quantize")}).quantizeModel(model));
    out.int8 = attempt(() => require(${lib("kernels/gemm")}).prepareWasmIntegerModel(im));
    out.fp32 = attempt(() => require(${lib("kernels/gemm")}).prepareWasmFp32Layer(model.coef, model.intercept));
    console.log(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as Record<string, unknown>;
  const missing = "WebAssembly SIMD is not available in this runtime (Node ≥ 16.4 has it)";
  assert.equal(out.simd, false);
  assert.equal(out.train, "js");
  assert.equal(out.trainWasm, `trainLogisticRegression: kernels "wasm": ${missing}; use "js"`);
  assert.equal(out.predict, "js");
  assert.match(out.wasmScores as string, /^wasmScores: WebAssembly SIMD is not available/);
  assert.equal(out.quantizeKernel, "ts");
  assert.equal(out.nanAt, -1);
  // (i % 7) / 7 · 16, rounded half to even, + 3: 0, 2.29, 4.57, 6.86, 9.14, 11.43, 13.71, then 0 again.
  assert.deepEqual(out.quantized, [3, 5, 8, 10, 12, 14, 17, 3]);
  assert.equal(out.int8, `prepareWasmIntegerModel: ${missing}; use predictInt8Integer / integerScores (TypeScript)`);
  assert.equal(out.fp32, `prepareWasmFp32Layer: ${missing}; use linearFp32 (TypeScript)`);
});
