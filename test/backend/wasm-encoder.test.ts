// Byte-level tests of the encoder: LEB128 edge cases (against a bigint reference and through
// V8 as constants), IEEE constants, names, size-prefixed regions, module layout, labels and
// the errors raised on misuse.

import { describe, expect, it } from "vitest";
import { ByteWriter, CodeWriter, ModuleBuilder, u32LebSize } from "../../src/backend/wasm-encoder";
import { instantiate, referenceSignedLeb, referenceUnsignedLeb, singleFunctionModule } from "./wasm-test-helpers";

const bytesOf = (write: (w: ByteWriter) => void): number[] => {
  const w = new ByteWriter(16);
  write(w);
  return [...w.toBytes()];
};

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

describe("LEB128", () => {
  it("unsigned 32-bit", () => {
    expect(bytesOf((w) => w.writeU32(0))).toEqual([0]);
    expect(bytesOf((w) => w.writeU32(127))).toEqual([0x7f]);
    expect(bytesOf((w) => w.writeU32(128))).toEqual([0x80, 0x01]);
    expect(bytesOf((w) => w.writeU32(624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(bytesOf((w) => w.writeU32(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
    expect(bytesOf((w) => w.writeU32(2 ** 32 - 1))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1]) {
      const encoded = bytesOf((w) => w.writeU32(v));
      expect(encoded).toEqual(referenceUnsignedLeb(BigInt(v)));
      expect(u32LebSize(v)).toBe(encoded.length);
    }
  });

  it("rejects what is not an unsigned 32-bit integer", () => {
    for (const bad of [-1, 2 ** 32, 1.5, NaN]) expect(() => bytesOf((w) => w.writeU32(bad))).toThrow(RangeError);
  });

  it("signed 32-bit edge cases", () => {
    const cases: [number, number[]][] = [
      [0, [0x00]], [-1, [0x7f]], [63, [0x3f]], [64, [0xc0, 0x00]], [-64, [0x40]], [-65, [0xbf, 0x7f]],
      [127, [0xff, 0x00]], [-128, [0x80, 0x7f]],
      [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]], [-(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x78]],
    ];
    for (const [value, expected] of cases) {
      expect(bytesOf((w) => w.writeS32(value)), String(value)).toEqual(expected);
      expect(expected).toEqual(referenceSignedLeb(BigInt(value)));
    }
    expect(() => bytesOf((w) => w.writeS32(2 ** 31))).toThrow(RangeError);
  });

  it("signed 64-bit edge cases, numbers and bigints", () => {
    const values: bigint[] = [
      0n, -1n, 63n, 64n, -64n, -65n, 2n ** 31n, -(2n ** 31n), 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n,
      -(2n ** 53n), 2n ** 56n, 2n ** 62n, -(2n ** 62n), I64_MIN, I64_MAX, I64_MIN + 1n, I64_MAX - 1n,
    ];
    for (const value of values) {
      const expected = referenceSignedLeb(value);
      expect(bytesOf((w) => w.writeS64(value)), `${value}n`).toEqual(expected);
      const asNumber = Number(value);
      if (BigInt(asNumber) === value) expect(bytesOf((w) => w.writeS64(asNumber)), String(value)).toEqual(expected);
    }
    expect(bytesOf((w) => w.writeS64(I64_MIN))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
    expect(bytesOf((w) => w.writeS64(I64_MAX))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
    // 2^64 - 1 wraps to -1; the number -2^63 is exact
    expect(bytesOf((w) => w.writeS64(2n ** 64n - 1n))).toEqual([0x7f]);
    expect(bytesOf((w) => w.writeS64(-(2 ** 63)))).toEqual(referenceSignedLeb(I64_MIN));
    for (const bad of [2n ** 64n, I64_MIN - 1n]) expect(() => bytesOf((w) => w.writeS64(bad))).toThrow(RangeError);
    for (const bad of [2 ** 63, 0.5, Infinity, NaN]) expect(() => bytesOf((w) => w.writeS64(bad))).toThrow(RangeError);
  });

  it("signed 64-bit matches the reference on random values", () => {
    let seed = 12345n;
    const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n));
    for (let i = 0; i < 2000; i++) {
      const value = BigInt.asIntN(64, next()) >> BigInt(i % 64);
      expect(bytesOf((w) => w.writeS64(value))).toEqual(referenceSignedLeb(value));
      const small = Number(BigInt.asIntN(53, value));
      expect(bytesOf((w) => w.writeS64(small))).toEqual(referenceSignedLeb(BigInt(small)));
    }
  });

  it("i64.const and i32.const round-trip through V8", async () => {
    const i64Values: (number | bigint)[] = [
      0, -1, 63, 64, -64, -65, 2 ** 31, -(2 ** 31), 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, I64_MIN, I64_MAX,
    ];
    for (const value of i64Values) {
      const f = (await instantiate(singleFunctionModule([], ["i64"], [], (c) => c.i64_const(value)))).f;
      expect(f(), String(value)).toBe(BigInt(value));
    }
    for (const value of [0, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31)]) {
      const f = (await instantiate(singleFunctionModule([], ["i32"], [], (c) => c.i32_const(value)))).f;
      expect(f()).toBe(value);
    }
    // unsigned patterns are accepted and wrap
    const f = (await instantiate(singleFunctionModule([], ["i32"], [], (c) => c.i32_const(0xffffffff)))).f;
    expect(f()).toBe(-1);
    expect(() => new CodeWriter().i32_const(2 ** 32)).toThrow(RangeError);
  });
});

describe("float constants", () => {
  it("f64 bytes are IEEE little-endian", () => {
    expect(bytesOf((w) => w.writeF64(1))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(bytesOf((w) => w.writeF64(-0))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(bytesOf((w) => w.writeF64(NaN))).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x7f]);
    expect(bytesOf((w) => w.writeF64(Infinity))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
    expect(bytesOf((w) => w.writeF32(-2.5))).toEqual([0, 0, 0x20, 0xc0]);
  });

  it("f64 and f32 constants round-trip through V8", async () => {
    for (const value of [-0, 0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE, Math.PI, -1.5]) {
      const f = (await instantiate(singleFunctionModule([], ["f64"], [], (c) => c.f64_const(value)))).f;
      expect(Object.is(f(), value), String(value)).toBe(true);
    }
    for (const value of [-0, NaN, Infinity, -Infinity, 0.5, Math.fround(Math.PI)]) {
      const f = (await instantiate(singleFunctionModule([], ["f32"], [], (c) => c.f32_const(value)))).f;
      expect(Object.is(f(), value), String(value)).toBe(true);
    }
  });
});

describe("ByteWriter", () => {
  it("grows, resets and writes names", () => {
    const w = new ByteWriter(16);
    for (let i = 0; i < 1000; i++) w.writeByte(i & 0xff);
    expect(w.length).toBe(1000);
    expect(w.bytes[999]).toBe(999 & 0xff);
    w.reset();
    w.writeName("env");
    w.writeName("é");
    expect([...w.toBytes()]).toEqual([3, 0x65, 0x6e, 0x76, 2, 0xc3, 0xa9]);
  });

  it("size-prefixed regions close the gap left for the size", () => {
    for (const size of [0, 1, 127, 128, 20000]) {
      const w = new ByteWriter(16);
      w.writeByte(0xaa);
      const mark = w.beginSized();
      for (let i = 0; i < size; i++) w.writeByte(7);
      w.endSized(mark);
      const prefix = referenceUnsignedLeb(BigInt(size));
      expect(w.length).toBe(1 + prefix.length + size);
      expect([...w.bytes.subarray(1, 1 + prefix.length)]).toEqual(prefix);
      expect(w.bytes[w.length - 1]).toBe(size === 0 ? prefix[prefix.length - 1] : 7);
    }
  });
});

describe("ModuleBuilder", () => {
  it("an empty module is the header only", () => {
    expect([...new ModuleBuilder().finish()]).toEqual([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  });

  it("a tiny module matches hand-assembled bytes", () => {
    const builder = new ModuleBuilder();
    const type = builder.addType(["i64", "i64"], ["i64"]);
    expect(builder.addType(["i64", "i64"], ["i64"])).toBe(type); // deduplicated
    const code = new CodeWriter().local_get(0).local_get(1).i64_add();
    builder.exportFunction("f", builder.addFunction(type, [], code));
    expect([...builder.finish()]).toEqual([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x07, 0x01, 0x60, 0x02, 0x7e, 0x7e, 0x01, 0x7e, // type section
      0x03, 0x02, 0x01, 0x00, // function section
      0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" func 0
      0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x7c, 0x0b, // code section
    ]);
  });

  it("compresses local declarations into runs", () => {
    const builder = new ModuleBuilder();
    const type = builder.addType([], []);
    builder.addFunction(type, ["i64", "i64", "f64", "i64"], new Uint8Array());
    const bytes = builder.finish();
    const code = bytes.subarray(bytes.indexOf(0x0a, 8));
    // section 10, size, 1 function, body size, 3 runs: 2 x i64, 1 x f64, 1 x i64, end
    expect([...code]).toEqual([0x0a, 0x0a, 0x01, 0x08, 0x03, 0x02, 0x7e, 0x01, 0x7c, 0x01, 0x7e, 0x0b]);
  });

  it("reset() reuses a builder: same bytes as a fresh one; finish() can be repeated", () => {
    const build = (builder: ModuleBuilder) => {
      builder.importMemory("env", "memory", { min: 1 });
      const type = builder.addType(["f64"], ["f64"]);
      const helper = builder.importFunction("env", "helper", type);
      builder.exportFunction("f", builder.addFunction(type, ["i32"], new CodeWriter().local_get(0).call(helper)));
      return builder.finish();
    };
    const reused = new ModuleBuilder();
    reused.addGlobal("i32", false, 1); // leftovers from a previous module
    reused.addTable({ element: "externref", min: 3 });
    reused.addFunction(reused.addType([], []), [], new CodeWriter().nop());
    reused.reset();
    const fresh = build(new ModuleBuilder());
    expect(build(reused)).toEqual(fresh);
    expect(reused.typeCount).toBe(1);
    expect(reused.counts).toEqual({ functions: 2, tables: 0, memories: 1, globals: 0 });
    expect(reused.finish()).toEqual(fresh);
  });

  it("rejects imports after definitions of the same kind, and unknown types", () => {
    const builder = new ModuleBuilder();
    const type = builder.addType([], []);
    builder.addFunction(type, [], new CodeWriter());
    expect(() => builder.importFunction("env", "late", type)).toThrow(/precede/);
    expect(() => builder.addFunction(7, [], new CodeWriter())).toThrow(RangeError);
    builder.importMemory("env", "memory", { min: 1 }); // other kinds are still open
    builder.addGlobal("i32", true, 0);
    expect(() => builder.importGlobal("env", "g", "i32", false)).toThrow(/precede/);
  });
});

describe("CodeWriter control and labels", () => {
  it("tracks depth and relative branch depths", () => {
    const code = new CodeWriter();
    expect(code.depth).toBe(0);
    const outer = code.block().depth;
    const inner = code.loop().depth;
    expect([outer, inner]).toEqual([1, 2]);
    expect(code.relativeDepth(inner)).toBe(0);
    expect(code.relativeDepth(outer)).toBe(1);
    expect(code.relativeDepth(0)).toBe(2); // the function body: same as `return` for a void function
    code.if();
    expect(code.relativeDepth(outer)).toBe(2);
    code.else().end().end().end();
    expect(code.depth).toBe(0);
    expect(() => code.relativeDepth(1)).toThrow(RangeError);
  });

  it("reports unbalanced structure", () => {
    expect(() => new CodeWriter().end()).toThrow(/no open block/);
    expect(() => new CodeWriter().block().else()).toThrow(/outside an if/);
    expect(() => new CodeWriter().if().else().else()).toThrow(/outside an if/);
    const builder = new ModuleBuilder();
    expect(() => builder.addFunction(builder.addType([], []), [], new CodeWriter().block())).toThrow(/unclosed/);
  });

  it("reset() makes a writer reusable", () => {
    const code = new CodeWriter().block().i32_const(1);
    code.reset();
    expect([code.depth, code.length]).toEqual([0, 0]);
  });

  it("memory accesses default to natural alignment and reject over-alignment", () => {
    expect([...new CodeWriter().f64_load().toBytes()]).toEqual([0x2b, 0x03, 0x00]);
    expect([...new CodeWriter().i32_store8(5).toBytes()]).toEqual([0x3a, 0x00, 0x05]);
    expect([...new CodeWriter().memoryOp("i64.load", 16, 2).toBytes()]).toEqual([0x29, 0x02, 0x10]);
    expect(() => new CodeWriter().i32_load(0, 3)).toThrow(RangeError);
    expect([...new CodeWriter().memory_copy().memory_size().toBytes()]).toEqual([0xfc, 0x0a, 0x00, 0x00, 0x3f, 0x00]);
  });

  it("prefixed instructions are written as prefix + LEB sub-opcode", () => {
    expect([...new CodeWriter().i64_trunc_sat_f64_s().toBytes()]).toEqual([0xfc, 0x06]);
    expect([...new CodeWriter().op("i32.trunc_sat_f32_s").toBytes()]).toEqual([0xfc, 0x00]);
    expect([...new CodeWriter().table_size(1).table_get().toBytes()]).toEqual([0xfc, 0x10, 0x01, 0x25, 0x00]);
  });
});
