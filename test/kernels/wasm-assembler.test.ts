import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as path from "node:path";
import {
  Code, OP, SIMD, VALTYPE, assembleModule, funcBody, funcType, memoryImport, name, section, sleb, uleb, vec,
} from "../../lib/kernels/wasm-assembler";
import {
  WASM_PAGE_BYTES, WasmArena, compileIfSupported, lazyWasmModule, roundUp, wasmSimdAvailable, wasmSimdRequired,
} from "../../lib/kernels/wasm-runtime";
import { logisticKernelBytes } from "../../lib/kernels/logistic-kernels";
import { predictKernelBytes } from "../../lib/kernels/predict-kernel";
import { buildKernelsWasm } from "../../lib/kernels/wasm-kernels-gen";

test("LEB128: unsigned and signed, the spec's examples and the edges of each byte length", () => {
  assert.deepEqual(uleb(0), [0x00]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0xffffffff), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(sleb(0), [0x00]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(2147483647), [0xff, 0xff, 0xff, 0xff, 0x07]);
  assert.deepEqual(sleb(-2147483648), [0x80, 0x80, 0x80, 0x80, 0x78]);
});

test("names, vectors, sections, types and bodies are length-prefixed as the binary format says", () => {
  assert.deepEqual(name("env"), [3, 0x65, 0x6e, 0x76]);
  assert.deepEqual(name("é"), [2, 0xc3, 0xa9]); // UTF-8 bytes, not characters
  assert.deepEqual(vec([[1, 2], [3]]), [2, 1, 2, 3]);
  assert.deepEqual(section(7, [9, 9, 9]), [7, 3, 9, 9, 9]);
  assert.deepEqual(funcType([VALTYPE.i32, VALTYPE.f64], [VALTYPE.i32]), [0x60, 2, 0x7f, 0x7c, 1, 0x7f]);
  assert.deepEqual(funcBody([[2, VALTYPE.i32]], new Code().get(0)), [6, 1, 2, 0x7f, 0x20, 0, 0x0b]);
  assert.deepEqual(memoryImport("env", "memory", 1), [...name("env"), ...name("memory"), 0x02, 0x00, 1]);
  assert.deepEqual(new Code().i32(-1).simd(SIMD.f64x2Add).v128Load(4, 32).bytes, [0x41, 0x7f, 0xfd, 0xf0, 0x01, 0xfd, 0x00, 4, 32]);
});

test("an assembled module runs: a loop with locals, memory and SIMD", () => {
  // sum(p, n): Σ of n float64 at byte offset p, two lanes at a time (n even), through an imported memory.
  const [p, n, i, acc] = [0, 1, 2, 3];
  const k = new Code().v128Zero().set(acc).i32(0).set(i);
  k.block().loop();
  k.get(i).get(n).op(OP.i32GeU).brIf(1);
  k.get(acc).get(p).get(i).i32(3).op(OP.i32Shl, OP.i32Add).v128Load(3, 0).simd(SIMD.f64x2Add).set(acc);
  k.get(i).i32(2).op(OP.i32Add).set(i).br(0).end().end();
  k.get(acc).simd(SIMD.f64x2ExtractLane, 0).get(acc).simd(SIMD.f64x2ExtractLane, 1).op(OP.f64Add);
  const bytes = assembleModule({
    types: [funcType([VALTYPE.i32, VALTYPE.i32], [VALTYPE.f64])],
    imports: [memoryImport("env", "memory", 1)],
    functions: [{ type: 0, export: "sum", body: funcBody([[1, VALTYPE.i32], [1, VALTYPE.v128]], k) }],
  });
  const module = compileIfSupported(bytes);
  assert.ok(module, "valid and compiled");
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { sum } = new WebAssembly.Instance(module, { env: { memory } }).exports as { sum: (p: number, n: number) => number };
  new Float64Array(memory.buffer, 64, 6).set([1, 2, 3, 4, 5, 6.5]);
  assert.equal(sum(64, 6), 21.5);
  assert.equal(sum(64, 0), 0);
});

test("compileIfSupported: null for bytes that are not a valid module", () => {
  assert.equal(compileIfSupported(Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0)), null);
});

test("every module of the project assembles to the same bytes as before (SHA-256 pinned), and validates", () => {
  // The gemm kernels were a committed binary (lib/wasm-kernels-binary.ts) until they were assembled at load time:
  // these are its bytes. A deliberate change to a kernel updates its line here.
  const pinned: [string, () => Uint8Array, number, string][] = [
    ["int8/f32 layers", buildKernelsWasm, 3170, "84c7d9de29c02371798a0a6c30f974406646578eae7517fba2260ba5aeb61481"],
    ["predict scores", predictKernelBytes, 2375, "4589ea7ca7f6d52ae10f7e5945800db0591192e0f4a2c6ad958bb609a0e253ec"],
    ["L-BFGS products", logisticKernelBytes, 645, "93d205e16768fdedeea31310c36336a4fd20c285523c129c5572540c762513d4"],
  ];
  for (const [what, build, length, sha256] of pinned) {
    const bytes = build();
    assert.equal(bytes.length, length, what);
    assert.equal(createHash("sha256").update(bytes).digest("hex"), sha256, what);
    assert.ok(WebAssembly.validate(bytes), what);
  }
});

test("the runtime: SIMD here, modules compiled once, an arena whose views follow the memory as it grows", () => {
  assert.ok(wasmSimdAvailable());
  let builds = 0;
  const get = lazyWasmModule(() => {
    builds++;
    return predictKernelBytes();
  });
  const module = get();
  assert.ok(module);
  assert.equal(get(), module);
  assert.equal(builds, 1);
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
  assert.equal(roundUp(17, 16), 32);
  assert.equal(roundUp(32, 16), 32);
  assert.match(wasmSimdRequired("f", "use g").message, /^f: WebAssembly SIMD is not available in this runtime .*; use g$/);
});

test("without WebAssembly SIMD: training and predict fall back to JavaScript, the SIMD layers say what to use", () => {
  // A fresh process where WebAssembly.validate refuses every module, as a runtime without SIMD would ours.
  const lib = (m: string): string => JSON.stringify(path.join(__dirname, "..", "..", "lib", `${m}.js`));
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
    const k8 = require(${lib("studies/integer-inference")});
    const im = k8.prepareIntegerModel(require(${lib("core/quantize")}).quantizeModel(model));
    out.int8 = attempt(() => require(${lib("kernels/wasm-kernels")}).prepareWasmIntegerModel(im));
    out.fp32 = attempt(() => require(${lib("kernels/wasm-kernels")}).prepareWasmFp32Layer(model.coef, model.intercept));
    const study = require(${lib("studies/scaling")});
    out.kernels = study.availableKernels();
    out.study = study.runScalingStudy({ layers: [{ inFeatures: 4, outFeatures: 2 }], batches: [1], minRepeat: 1, maxRepeat: 1, budgetMs: 0, warmupMs: 0 }).rows.map((r) => r.kernel);
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
  assert.equal(out.int8, `prepareWasmIntegerModel: ${missing}; use predictInt8Integer / integerScores (TypeScript)`);
  assert.equal(out.fp32, `prepareWasmFp32Layer: ${missing}; use linearFp32 (TypeScript)`);
  assert.deepEqual(out.kernels, ["fp32", "dequant", "integer"]);
  assert.deepEqual(out.study, ["fp32", "dequant", "integer"]);
});
