// The opcode table and the compiler's output shape: operand kinds are well formed, the
// disassembler names every instruction, and small functions compile to the expected
// register code (the shapes the interpreter's fast paths and later the JIT rely on).

import { describe, expect, it } from "vitest";
import { OP_COUNT, OP_NAMES, OP_OPERANDS, Op, disassemble, type FunctionProto } from "../../src/interp/bytecode";
import { parseProgram } from "../../src/frontend/parser";
import { Compiler, CompileError } from "../../src/frontend/compiler";

function compile(source: string): FunctionProto {
  const compiler = new Compiler(() => {
    throw new Error("no imports in these tests");
  });
  return compiler.compileModule(parseProgram(source, "t.ruff")).main!;
}

/** Opcode names of a function's code, in order. */
function ops(proto: FunctionProto): string[] {
  const names: string[] = [];
  for (let pc = 0; pc < proto.code.length; pc += 4) names.push(OP_NAMES[proto.code[pc]]);
  return names;
}

describe("opcode table", () => {
  it("gives every opcode a name and three operand kinds", () => {
    expect(OP_NAMES.length).toBe(OP_COUNT);
    expect(new Set(OP_NAMES).size).toBe(OP_COUNT);
    for (let op = 0; op < OP_COUNT; op++) {
      expect(OP_OPERANDS[op]).toHaveLength(3);
      for (const kind of OP_OPERANDS[op]) expect("RKGUIJNPM_").toContain(kind);
    }
    expect(OP_NAMES[Op.ADD]).toBe("ADD");
  });
});

describe("compiler output", () => {
  it("compiles a counting loop to a fused increment-and-test", () => {
    const fn = compile("func f(n) { mut t := 0\n mut i := 0\n while i < n { t += i * 2\n i += 1 }\n return t }").protos[0];
    expect(ops(fn)).toEqual(["NOP", "LOADI", "LOADI", "JMP", "MULI", "ADD", "INCJLT", "JLT", "RETURN", "RETNULL"]);
    expect(fn.entryPc).toBe(4);
  });

  it("calls globals directly and puts the result in the callee's register", () => {
    const fn = compile("func fib(n) { if n < 2 { return n }\n return fib(n - 1) + fib(n - 2) }").protos[0];
    expect(ops(fn)).toEqual(["NOP", "JNLTI", "RETURN", "SUBI", "CALLG", "SUBI", "CALLG", "ADD", "RETURN", "RETNULL"]);
  });

  it("appends in place for xs = push(xs, v) on a local", () => {
    const fn = compile("func f() { mut xs := []\n xs = push(xs, 1)\n return xs }").protos[0];
    expect(ops(fn)).toContain("PUSHVAR");
    expect(ops(fn)).not.toContain("CALLG");
  });

  it("records source positions for every instruction", () => {
    const main = compile("x := 1\nprint(x + 2)");
    expect(main.lines.length).toBe(main.code.length / 4);
    const text = disassemble(main).join("\n");
    expect(text).toContain("CALLG");
    expect(text).toMatch(/; 2:\d+/);
  });

  it("rejects static errors before running", () => {
    expect(() => compile("print(1)\nbreak")).toThrow(CompileError);
    expect(() => compile("func f(a, a) { return a }")).toThrow(/Duplicate declaration in the same scope: a/);
    expect(() => compile("func f() { let a := 1\n let a := 2 }")).toThrow(/Duplicate declaration/);
  });
});
