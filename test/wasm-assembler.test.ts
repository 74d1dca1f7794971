import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Code, OP, SIMD, VALTYPE, assembleModule, compileIfSupported, funcBody, funcType, memoryImport, name, section, sleb, uleb, vec,
} from "../lib/wasm-assembler";

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
