// The IR op table: names and numbers derived consistently, operand kinds and flags well
// formed, and every op given a meaning (a value evaluator or an interpreter case).

import { describe, expect, it } from "vitest";
import {
  IR_DOC, IR_FLAGS, IR_OPERANDS, IR_OP_COUNT, IR_OP_NAMES, IR_RESULT, IR_TIER, IR_TYPE_NAMES, IR_TYPE_WASM,
  IrFlag, IrOp, IrType, MAX_OPERANDS, isGuard, type IrOpName,
} from "../../src/ir/ops";
import { VALUE_EVAL } from "../../src/ir/semantics";

/** Ops the reference interpreter runs by their own case rather than through VALUE_EVAL. */
const INTERPRETER_CASES: IrOpName[] = ["KINT", "KFLOAT", "KBOOL", "KREF", "SLOAD", "LOOP", "PHI", "EXIT", "ALEN", "AGET", "ASET", "FLOAD", "VOBJECT", "NEWSTRUCT", "CALLH", "CALLT", "CALLL", "AHANDLE", "PALEN", "PAGET", "PASET", "PAPUSH"];

describe("IR op table", () => {
  it("derives names and numbers from one list", () => {
    expect(IR_OP_NAMES).toHaveLength(IR_OP_COUNT);
    expect(new Set(IR_OP_NAMES).size).toBe(IR_OP_COUNT);
    IR_OP_NAMES.forEach((name, i) => expect(IrOp[name]).toBe(i));
    expect(IR_OP_NAMES[IrOp.ADD]).toBe("ADD");
    expect(Object.isFrozen(IrOp)).toBe(true);
  });

  it("gives every op operand kinds, a result rule, flags, a tier and a meaning", () => {
    for (let op = 0; op < IR_OP_COUNT; op++) {
      expect(IR_OPERANDS[op].length).toBeLessThanOrEqual(MAX_OPERANDS);
      expect(["int", "float", "bool", "ref", "none", "given", "left"]).toContain(IR_RESULT[op]);
      expect(["core", "next"]).toContain(IR_TIER[op]);
      expect(IR_DOC[op].length).toBeGreaterThan(0);
      const cseable = (IR_FLAGS[op] & (IrFlag.pure | IrFlag.load)) !== 0;
      if (cseable) expect(IR_OPERANDS[op].length).toBeLessThanOrEqual(2);
      if (IR_FLAGS[op] & IrFlag.commutative) expect(IR_OPERANDS[op][0]).toBe(IR_OPERANDS[op][1]);
      expect(IR_FLAGS[op] & IrFlag.pure && IR_FLAGS[op] & IrFlag.sideeffect).toBeFalsy();
    }
  });

  it("marks the ops that can exit as guards", () => {
    const guards = IR_OP_NAMES.filter((_, op) => isGuard(op as never));
    expect(guards).toEqual([
      "ADD", "SUB", "MUL", "DIV", "MOD", "FDIV", "FMOD", "GUARD_TRUE", "GUARD_FALSE", "EXIT", "FSQRT", "FTOI",
      "GUARD_KIND", "GUARD_LAYOUT", "AGET", "ASET", "FLOAD", "CALLH", "CALLT", "CALLL",
      "AHANDLE", "PALEN", "PAGET", "PASET", "PAPUSH",
    ]);
  });

  it("gives every op a meaning in the reference interpreter", () => {
    for (let op = 0; op < IR_OP_COUNT; op++) {
      const name = IR_OP_NAMES[op];
      expect(VALUE_EVAL[op] !== undefined || INTERPRETER_CASES.includes(name), name).toBe(true);
      expect(VALUE_EVAL[op] !== undefined && INTERPRETER_CASES.includes(name), name).toBe(false);
    }
  });

  it("lists the value types with their wasm representation", () => {
    expect(IR_TYPE_NAMES).toEqual(["int", "float", "bool", "ref", "none"]);
    expect(IR_TYPE_WASM).toEqual(["i64", "f64", "i32", "externref", null]);
    expect(IrType.int).toBe(0);
    expect(IrType.none).toBe(4);
  });
});
