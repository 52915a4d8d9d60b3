// Modules built by hand with the encoder, validated by V8 and binaryen, then run in V8:
// loops over f64 and guarded i64, JS imports, multi-value, tables, tail calls, externref,
// imported memory, and binaryen's WAT output and error reports.

import { describe, expect, it } from "vitest";
import { toWat, validateWasm, validateWithBinaryen } from "../../src/backend/binaryen-tools";
import { CodeWriter, ModuleBuilder } from "../../src/backend/wasm-encoder";
import { expectValid, instantiate, singleFunctionModule } from "./wasm-test-helpers";

describe("loops", () => {
  it("f64 loop summing (i*i) % 7 with div/trunc/mul/sub", async () => {
    const [n, i, s, x] = [0, 1, 2, 3];
    const bytes = singleFunctionModule(["f64"], ["f64"], ["f64", "f64", "f64"], (c) => {
      const exit = c.block().depth;
      const top = c.loop().depth;
      c.local_get(i).local_get(n).f64_ge().br_if_to(exit);
      c.local_get(i).local_get(i).f64_mul().local_set(x);
      // s += x - trunc(x / 7) * 7
      c.local_get(s).local_get(x).local_get(x).f64_const(7).f64_div().f64_trunc().f64_const(7).f64_mul().f64_sub();
      c.f64_add().local_set(s);
      c.local_get(i).f64_const(1).f64_add().local_set(i).br_to(top);
      c.end().end();
      c.local_get(s);
    });
    const { f } = await instantiate(bytes);
    for (const count of [0, 1, 10, 1000, 12345]) {
      let expected = 0;
      for (let k = 0; k < count; k++) expected += (k * k) % 7;
      expect(f(count)).toBe(expected);
    }
  });

  it("i64 add loop with overflow guard returns (status, value)", async () => {
    // s = start; for i in 0..n: r = s + i; if ((s ^ r) & (i ^ r)) < 0: return (1, s); s = r
    const [start, n, i, s, r] = [0, 1, 2, 3, 4];
    const bytes = singleFunctionModule(["i64", "i64"], ["i32", "i64"], ["i64", "i64", "i64"], (c) => {
      c.local_get(start).local_set(s);
      const exit = c.block().depth;
      const top = c.loop().depth;
      c.local_get(i).local_get(n).i64_ge_s().br_if_to(exit);
      c.local_get(s).local_get(i).i64_add().local_set(r);
      c.local_get(s).local_get(r).i64_xor().local_get(i).local_get(r).i64_xor().i64_and().i64_const(0).i64_lt_s();
      c.if().i32_const(1).local_get(s).return().end();
      c.local_get(r).local_set(s);
      c.local_get(i).i64_const(1).i64_add().local_set(i).br_to(top);
      c.end().end();
      c.i32_const(0).local_get(s);
    });
    const { f } = await instantiate(bytes);
    expect(f(0n, 100n)).toEqual([0, 4950n]);
    expect(f(-5000n, 100n)).toEqual([0, -50n]);
    const max = 2n ** 63n - 1n;
    // overflows when adding i = 11 (max - 55 + 0 + ... + 10 = max); the value before is returned
    expect(f(max - 55n, 100n)).toEqual([1, max]);
    expect(f(max - 56n, 12n)).toEqual([1, max - 1n]);
  });
});

describe("control", () => {
  it("br_table dispatch, select, nop and unreachable", async () => {
    // A branch to a block continues after its `end`: the code after each `end` is that case.
    const bytes = singleFunctionModule(["i32"], ["i32"], [], (c) => {
      const defaultCase = c.block().depth;
      const case2 = c.block().depth;
      const case1 = c.block().depth;
      const case0 = c.block().depth;
      c.local_get(0).br_table([case0, case1, case2].map((label) => c.relativeDepth(label)), c.relativeDepth(defaultCase));
      c.end().nop().i32_const(10).return();
      c.end().i32_const(20).i32_const(21).local_get(0).i32_const(1).i32_eq().select().return();
      c.end().unreachable();
      c.end().i32_const(99);
    });
    const { f } = await instantiate(bytes);
    expect(f(0)).toBe(10);
    expect(f(1)).toBe(20);
    expect(() => f(2)).toThrow(WebAssembly.RuntimeError);
    expect(f(3)).toBe(99);
    expect(f(-1)).toBe(99);
  });
});

describe("calls", () => {
  it("calls an imported JS helper (f64) -> f64", async () => {
    const builder = new ModuleBuilder();
    const unary = builder.addType(["f64"], ["f64"]);
    const helper = builder.importFunction("env", "helper", unary);
    const code = new CodeWriter().local_get(0).call(helper).f64_const(1).f64_add().call(helper);
    builder.exportFunction("twice", builder.addFunction(unary, [], code));
    const seen: number[] = [];
    const { twice } = await instantiate(builder.finish(), {
      env: { helper: (x: number) => (seen.push(x), x * 10) },
    });
    expect(twice(2.5)).toBe(260);
    expect(seen).toEqual([2.5, 26]);
  });

  it("multi-value results and a multi-value block typed by a function type index", async () => {
    const builder = new ModuleBuilder();
    const pairType = builder.addType(["f64"], ["i32", "f64"]);
    const blockType = builder.addType(["f64"], ["i32", "f64"]); // same signature: same index
    expect(blockType).toBe(pairType);
    const code = new CodeWriter().local_get(0);
    code.block(blockType); // takes the f64 from the stack, leaves (i32, f64)
    code.local_set(1).local_get(1).f64_const(0).f64_gt().local_get(1).f64_const(2).f64_mul();
    code.end();
    builder.exportFunction("split", builder.addFunction(pairType, ["f64"], code));
    const noParams = builder.addType([], ["i32", "f64"]);
    const constant = new CodeWriter().block(noParams).i32_const(7).f64_const(0.5).end();
    builder.exportFunction("constant", builder.addFunction(noParams, [], constant));
    const { split, constant: constantPair } = await instantiate(builder.finish());
    expect(split(2.5)).toEqual([1, 5]);
    expect(split(-1)).toEqual([0, -2]);
    expect(constantPair()).toEqual([7, 0.5]);
  });

  it("call_indirect and return_call_indirect through an imported funcref table set from JS", async () => {
    const library = new ModuleBuilder();
    const i32ToI32 = library.addType(["i32"], ["i32"]);
    library.exportFunction("double", library.addFunction(i32ToI32, [], new CodeWriter().local_get(0).i32_const(2).i32_mul()));
    library.exportFunction("inc", library.addFunction(i32ToI32, [], new CodeWriter().local_get(0).i32_const(1).i32_add()));
    const lib = await instantiate(library.finish());

    const builder = new ModuleBuilder();
    const unary = builder.addType(["i32"], ["i32"]);
    const apply = builder.addType(["i32", "i32"], ["i32"]);
    const table = builder.importTable("env", "table", { element: "funcref", min: 2 });
    const callCode = new CodeWriter().local_get(1).local_get(0).call_indirect(unary, table);
    builder.exportFunction("apply", builder.addFunction(apply, [], callCode));
    const tailCode = new CodeWriter().local_get(1).local_get(0).return_call_indirect(unary, table);
    builder.exportFunction("tailApply", builder.addFunction(apply, [], tailCode));

    const funcTable = new WebAssembly.Table({ element: "anyfunc", initial: 2 });
    const { apply: applyFn, tailApply } = await instantiate(builder.finish(), { env: { table: funcTable } });
    expect(() => applyFn(0, 5)).toThrow(WebAssembly.RuntimeError); // empty slot traps
    funcTable.set(0, lib.double);
    funcTable.set(1, lib.inc);
    expect(applyFn(0, 21)).toBe(42);
    expect(applyFn(1, 41)).toBe(42);
    expect(tailApply(0, 8)).toBe(16);
    funcTable.set(0, lib.inc); // relinking needs no recompilation
    expect(tailApply(0, 8)).toBe(9);
  });

  it("return_call runs a million-deep tail recursion in constant stack", async () => {
    const builder = new ModuleBuilder();
    const type = builder.addType(["i64", "i64"], ["i64"]);
    const sumTo = 0; // its own index (no imported functions)
    const code = new CodeWriter();
    code.local_get(0).i64_eqz().if().local_get(1).return().end();
    code.local_get(0).i64_const(1).i64_sub().local_get(1).local_get(0).i64_add().return_call(sumTo);
    expect(builder.addFunction(type, [], code)).toBe(sumTo);
    builder.exportFunction("sumTo", sumTo);
    const { sumTo: sum } = await instantiate(builder.finish());
    expect(sum(1_000_000n, 0n)).toBe(500000500000n);
  });

  it("ref.func of a declared function, stored into an own table with table.set", async () => {
    const builder = new ModuleBuilder();
    const unary = builder.addType(["i32"], ["i32"]);
    const table = builder.addTable({ element: "funcref", min: 1 });
    const square = builder.addFunction(unary, [], new CodeWriter().local_get(0).local_get(0).i32_mul());
    builder.declareFunctionRefs([square]);
    const code = new CodeWriter().i32_const(0).ref_func(square).table_set(table);
    code.local_get(0).i32_const(0).call_indirect(unary, table);
    builder.exportFunction("viaTable", builder.addFunction(unary, [], code));
    const { viaTable } = await instantiate(builder.finish());
    expect(viaTable(7)).toBe(49);
  });
});

describe("reference types", () => {
  it("passes an externref to a JS import and back, through an externref table", async () => {
    const builder = new ModuleBuilder();
    const describeType = builder.addType(["externref"], ["i32"]);
    const pickType = builder.addType(["externref", "externref"], ["externref"]);
    const describe = builder.importFunction("env", "describe", describeType);
    const refs = builder.importTable("env", "refs", { element: "externref", min: 1 });
    // refs[0] = fallback; if obj is null or describe(obj) == 0 -> refs[0], else obj
    const code = new CodeWriter().i32_const(0).local_get(1).table_set(refs);
    code.local_get(0).ref_is_null().if("externref").i32_const(0).table_get(refs);
    code.else().local_get(0).i32_const(0).table_get(refs).local_get(0).call(describe).select_typed("externref").end();
    builder.exportFunction("pick", builder.addFunction(pickType, [], code));
    const sizeCode = new CodeWriter().table_size(refs);
    builder.exportFunction("size", builder.addFunction(builder.addType([], ["i32"]), [], sizeCode));
    const nullCode = new CodeWriter().ref_null("extern");
    builder.exportFunction("nothing", builder.addFunction(builder.addType([], ["externref"]), [], nullCode));

    const refTable = new WebAssembly.Table({ element: "externref", initial: 1 });
    const seen: unknown[] = [];
    const { pick, size, nothing } = await instantiate(builder.finish(), {
      env: { describe: (value: unknown) => (seen.push(value), value && (value as { ok: boolean }).ok ? 1 : 0), refs: refTable },
    });
    const good = { ok: true };
    const bad = { ok: false };
    const fallback = { fallback: true };
    expect(pick(good, fallback)).toBe(good);
    expect(pick(bad, fallback)).toBe(fallback);
    expect(pick(null, fallback)).toBe(fallback);
    expect(seen).toEqual([good, bad]);
    expect(seen[0]).toBe(good); // the same object, not a copy
    expect(refTable.get(0)).toBe(fallback);
    expect(size()).toBe(1);
    expect(nothing()).toBe(null);
  });
});

describe("memory", () => {
  it("f64 and i64 loads/stores in an imported memory, memory.size/grow", async () => {
    const builder = new ModuleBuilder();
    builder.importMemory("env", "memory", { min: 1 });
    // scale(count, factor): for k < count: mem64[k] *= factor; also writes the sum at byte 8*count+8 (offset immediate)
    const [count, factor, k, sum] = [0, 1, 2, 3];
    const c = new CodeWriter();
    const exit = c.block().depth;
    const top = c.loop().depth;
    c.local_get(k).local_get(count).i32_ge_u().br_if_to(exit);
    c.local_get(k).i32_const(3).i32_shl(); // address
    c.local_get(k).i32_const(3).i32_shl().f64_load().local_get(factor).f64_mul().f64_store();
    c.local_get(sum).local_get(k).i32_const(3).i32_shl().f64_load().f64_add().local_set(sum);
    c.local_get(k).i32_const(1).i32_add().local_set(k).br_to(top);
    c.end().end();
    c.local_get(count).i32_const(3).i32_shl().local_get(sum).f64_store(8);
    builder.exportFunction("scale", builder.addFunction(builder.addType(["i32", "f64"], []), ["i32", "f64"], c));
    // bump(address): mem_i64[address] += 1, returns the new value
    const bump = new CodeWriter().local_get(0).local_get(0).i64_load().i64_const(1).i64_add().local_tee(1).i64_store().local_get(1);
    builder.exportFunction("bump", builder.addFunction(builder.addType(["i32"], ["i64"]), ["i64"], bump));
    const grow = new CodeWriter().local_get(0).memory_grow().drop().memory_size();
    builder.exportFunction("grow", builder.addFunction(builder.addType(["i32"], ["i32"]), [], grow));

    const memory = new WebAssembly.Memory({ initial: 1 });
    const { scale, bump: bumpFn, grow: growFn } = await instantiate(builder.finish(), { env: { memory } });
    new Float64Array(memory.buffer).set([1.5, -2, 0.25, 10]);
    scale(4, 2);
    const f64 = new Float64Array(memory.buffer);
    expect([...f64.subarray(0, 4)]).toEqual([3, -4, 0.5, 20]);
    expect(f64[5]).toBe(19.5); // 8 * 4 + 8 = byte 40 = f64 slot 5
    const i64 = new BigInt64Array(memory.buffer);
    i64[100] = 2n ** 62n;
    expect(bumpFn(800)).toBe(2n ** 62n + 1n);
    expect(new BigInt64Array(memory.buffer)[100]).toBe(2n ** 62n + 1n);
    expect(growFn(2)).toBe(3);
    expect(memory.buffer.byteLength).toBe(3 * 65536);
  });

  it("defined memory, data segment, mutable global, exports of every kind", async () => {
    const builder = new ModuleBuilder();
    const memory = builder.addMemory({ min: 1, max: 2 });
    builder.addData(16, new Uint8Array([1, 2, 3, 4]));
    const counter = builder.addGlobal("i64", true, 41n);
    const table = builder.addTable({ element: "funcref", min: 1 });
    const code = new CodeWriter().global_get(counter).i64_const(1).i64_add().global_set(counter).i32_const(16).i32_load();
    const fn = builder.addFunction(builder.addType([], ["i32"]), [], code);
    builder.addActiveElements(table, 0, [fn]);
    builder.exportFunction("f", fn).addExport("memory", "memory", memory).addExport("counter", "global", counter);
    builder.addExport("table", "table", table);
    const exports = await instantiate(builder.finish());
    expect(exports.f()).toBe(0x04030201);
    expect(exports.counter.value).toBe(42n);
    expect(exports.table.get(0)()).toBe(0x04030201);
    expect(exports.memory.buffer.byteLength).toBe(65536);
  });

  it("an imported shared memory", async () => {
    const builder = new ModuleBuilder();
    builder.importMemory("env", "memory", { min: 1, max: 1, shared: true });
    const code = new CodeWriter().i32_const(0).local_get(0).i32_store().i32_const(0).i32_load();
    builder.exportFunction("store", builder.addFunction(builder.addType(["i32"], ["i32"]), [], code));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const { store } = await instantiate(builder.finish(), { env: { memory } });
    expect(store(77)).toBe(77);
    expect(new Int32Array(memory.buffer)[0]).toBe(77);
  });
});

describe("conversions", () => {
  it("saturating and trapping truncation, convert, wrap/extend, reinterpret", async () => {
    const sat = (await instantiate(singleFunctionModule(["f64"], ["i64"], [], (c) => c.local_get(0).i64_trunc_sat_f64_s()))).f;
    expect(sat(NaN)).toBe(0n);
    expect(sat(1e300)).toBe(2n ** 63n - 1n);
    expect(sat(-1e300)).toBe(-(2n ** 63n));
    expect(sat(-2.9)).toBe(-2n);
    const trapping = (await instantiate(singleFunctionModule(["f64"], ["i64"], [], (c) => c.local_get(0).i64_trunc_f64_s()))).f;
    expect(trapping(2.9)).toBe(2n);
    expect(() => trapping(NaN)).toThrow(WebAssembly.RuntimeError);
    const convert = (await instantiate(singleFunctionModule(["i64"], ["f64"], [], (c) => c.local_get(0).f64_convert_i64_s()))).f;
    expect(convert(-(2n ** 53n) - 1n)).toBe(-(2 ** 53)); // rounds to nearest even
    const wrapExtend = (await instantiate(singleFunctionModule(["i64"], ["i64"], [], (c) => c.local_get(0).i32_wrap_i64().i64_extend_i32_s()))).f;
    expect(wrapExtend(0xffffffffn)).toBe(-1n);
    const bits = (await instantiate(singleFunctionModule(["f64"], ["i64"], [], (c) => c.local_get(0).i64_reinterpret_f64()))).f;
    expect(bits(-0)).toBe(-(2n ** 63n));
    const rounding = (await instantiate(singleFunctionModule(["f64"], ["f64"], [], (c) =>
      c.local_get(0).f64_nearest().local_get(0).f64_floor().f64_add().local_get(0).f64_ceil().f64_add()
        .local_get(0).f64_abs().f64_sqrt().f64_add().f64_neg().f64_const(1).f64_copysign()
        .f64_const(100).f64_min().f64_const(-100).f64_max()))).f;
    const x = 6.25;
    const expected = Math.min(Math.abs(Math.round(x) + Math.floor(x) + Math.ceil(x) + Math.sqrt(Math.abs(x))), 100);
    expect(rounding(x)).toBe(expected); // nearest(6.25) = 6 = Math.round here
  });
});

describe("binaryen tools", () => {
  const sample = () =>
    singleFunctionModule(["i64"], ["i64"], [], (c) => c.local_get(0).i64_const(-65).i64_add().return_call(0));

  it("prints WAT", async () => {
    const wat = await toWat(sample());
    expect(wat).toContain("(func $0 (type $0) (param $0 i64) (result i64)");
    expect(wat).toContain("return_call $0");
    expect(wat).toContain("(i64.const -65)");
  });

  it("reports V8 decode errors and binaryen validation errors", async () => {
    const malformed = await validateWasm(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 9, 1]));
    expect(malformed.ok).toBe(false);
    expect(malformed.errors).toMatch(/^V8: /);
    // well-formed but ill-typed: i64.add over an i32 and an i64
    const illTyped = singleFunctionModule(["i32", "i64"], ["i64"], [], (c) => c.local_get(0).local_get(1).i64_add());
    const both = await validateWasm(illTyped);
    expect(both.ok).toBe(false);
    const binaryenOnly = await validateWithBinaryen(illTyped);
    expect(binaryenOnly.ok).toBe(false);
    expect(binaryenOnly.errors).toMatch(/i64 != i32|type/);
    await expectValid(sample()); // binaryen is still usable afterwards
  });

  it("no runtime source imports binaryen or binaryen-tools statically", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const files = (readdirSync("src", { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
    const offenders = files.filter((file) => {
      if (file.endsWith("binaryen-tools.ts")) return false;
      const text = readFileSync(join("src", file), "utf8");
      return /^\s*import\s[^(]*["'][^"']*(binaryen|binaryen-tools)["']/m.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
