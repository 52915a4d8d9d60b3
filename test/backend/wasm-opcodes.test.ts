// The opcode table against the outside world: every numeric, memory and table instruction is
// encoded in a function of its own signature, V8 and binaryen must accept the module, and
// binaryen's WAT must name each instruction as the table does (so no byte is wrong).

import { describe, expect, it } from "vitest";
import { toWat } from "../../src/backend/binaryen-tools";
import { CodeWriter, ModuleBuilder, type ValType } from "../../src/backend/wasm-encoder";
import { OPCODE_TABLE, methodNameOf, type PlainOpName } from "../../src/backend/wasm-opcodes";
import { expectValid } from "./wasm-test-helpers";

const NUMERIC = /^(i32|i64|f32|f64)\.(.+)$/;
const CONVERSION = /_(i32|i64|f32|f64)(_[su])?$/;
const COMPARISON = /^(eq|ne|lt|gt|le|ge)(_[su])?$/;
const UNARY = /^(clz|ctz|popcnt|abs|neg|ceil|floor|trunc|nearest|sqrt|extend(8|16|32)_s)$/;

/** (params, result) of a numeric instruction, from its name. */
function numericSignature(name: string): { params: ValType[]; result: ValType } {
  const [, resultType, op] = NUMERIC.exec(name)! as unknown as [string, ValType, string];
  const conversion = CONVERSION.exec(op);
  if (conversion) return { params: [conversion[1] as ValType], result: resultType };
  if (op === "eqz") return { params: [resultType], result: "i32" };
  if (COMPARISON.test(op)) return { params: [resultType, resultType], result: "i32" };
  if (UNARY.test(op)) return { params: [resultType], result: resultType };
  return { params: [resultType, resultType], result: resultType };
}

const rowsOfKind = (kind: string) => OPCODE_TABLE.filter((row) => row[2] === kind);

/** Names whose function (the i-th defined function, binaryen's `$i`) does not contain `(name`. */
function misnamed(wat: string, namesInFunctionOrder: readonly string[]): string[] {
  const functions = wat.split("\n (func ").slice(1);
  expect(functions.length).toBe(namesInFunctionOrder.length);
  return namesInFunctionOrder.filter((name, index) => !functions[index]!.includes(`(${name}\n`));
}

describe("opcode table", () => {
  it("has unique names and codes, and a CodeWriter method for every instruction", () => {
    const names = OPCODE_TABLE.map((row) => row[0]);
    const codes = OPCODE_TABLE.map((row) => row[1]);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(codes).size).toBe(codes.length);
    const proto = CodeWriter.prototype as unknown as Record<string, unknown>;
    const missing = names.filter((name) => typeof proto[methodNameOf(name)] !== "function");
    expect(missing).toEqual([]);
  });

  it("every numeric instruction validates with its signature and prints under its own name", async () => {
    const numeric = rowsOfKind("none").map((row) => row[0]).filter((name) => NUMERIC.test(name)) as PlainOpName[];
    expect(numeric.length).toBeGreaterThan(130);
    const builder = new ModuleBuilder();
    const code = new CodeWriter();
    for (const name of numeric) {
      const { params, result } = numericSignature(name);
      code.reset();
      params.forEach((_, index) => code.local_get(index));
      code.op(name);
      builder.exportFunction(name, builder.addFunction(builder.addType(params, [result]), [], code));
    }
    const bytes = builder.finish();
    await expectValid(bytes);
    const wat = await toWat(bytes);
    expect(misnamed(wat, numeric)).toEqual([]);
  });

  it("every load and store validates, prints under its name, and defaults to natural alignment", async () => {
    const memoryOps = rowsOfKind("memarg").map((row) => row[0]);
    const builder = new ModuleBuilder();
    builder.addMemory({ min: 1 });
    const code = new CodeWriter();
    for (const name of memoryOps) {
      const valueType = name.slice(0, 3) as ValType;
      const isStore = name.includes(".store");
      code.reset();
      code.local_get(0);
      if (isStore) code.local_get(1);
      code.memoryOp(name as never, 0);
      const type = isStore ? builder.addType(["i32", valueType], []) : builder.addType(["i32"], [valueType]);
      builder.exportFunction(name, builder.addFunction(type, [], code));
    }
    const bulk = new CodeWriter().local_get(0).local_get(1).local_get(2).memory_copy()
      .local_get(0).local_get(1).local_get(2).memory_fill();
    builder.exportFunction("bulk", builder.addFunction(builder.addType(["i32", "i32", "i32"], []), [], bulk));
    const bytes = builder.finish();
    await expectValid(bytes);
    const wat = await toWat(bytes);
    expect(misnamed(wat, [...memoryOps, "memory.copy"])).toEqual([]);
    expect(wat).not.toContain("align=");
    expect(wat).toContain("(memory.copy\n");
    expect(wat).toContain("(memory.fill\n");
  });

  it("table.grow, table.fill, table.size on an externref table", async () => {
    const builder = new ModuleBuilder();
    const table = builder.addTable({ element: "externref", min: 0 });
    // grow by n with ref, fill [0, 1) with ref, return the size
    const code = new CodeWriter().local_get(0).local_get(1).table_grow(table).drop();
    code.i32_const(0).local_get(0).i32_const(1).table_fill(table).table_size(table);
    builder.exportFunction("grow", builder.addFunction(builder.addType(["externref", "i32"], ["i32"]), [], code));
    const bytes = builder.finish();
    await expectValid(bytes);
    const { grow } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, any>;
    expect(grow("x", 3)).toBe(3);
    expect(grow("y", 2)).toBe(5);
    const wat = await toWat(bytes);
    for (const name of ["table.grow", "table.fill", "table.size"]) expect(wat).toContain(`(${name}`);
  });
});
