// Bytecode compiler, expressions: values into registers, conditions into fused
// compare-and-jump instructions, calls laid out Lua style (callee then arguments in
// consecutive registers, result in the callee's register).

import type * as A from "./ast";
import type { Compiler } from "./compiler";
import { Op, type FuncState } from "./funcstate";
import { RFloat, layoutFor, type Value } from "../interp/value";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const BINARY_OPCODE: Record<A.BinaryOp, number> = {
  "+": Op.ADD, "-": Op.SUB, "*": Op.MUL, "/": Op.DIV, "%": Op.MOD,
  "==": Op.EQ, "!=": Op.NE, "<": Op.LT, "<=": Op.LE, ">": Op.GT, ">=": Op.GE,
};

/** Compare-and-jump opcodes [register/register, register/immediate], when false and when true. */
const JUMP_IF_NOT: Partial<Record<A.BinaryOp, [number, number]>> = {
  "==": [Op.JNEQ, Op.JNEQI], "!=": [Op.JNNE, Op.JNNEI],
  "<": [Op.JNLT, Op.JNLTI], "<=": [Op.JNLE, Op.JNLEI], ">": [Op.JNGT, Op.JNGTI], ">=": [Op.JNGE, Op.JNGEI],
};
const JUMP_IF: Partial<Record<A.BinaryOp, [number, number]>> = {
  "==": [Op.JEQ, Op.JEQI], "!=": [Op.JNE, Op.JNEI],
  "<": [Op.JLT, Op.JLTI], "<=": [Op.JLE, Op.JLEI], ">": [Op.JGT, Op.JGTI], ">=": [Op.JGE, Op.JGEI],
};

/** Arithmetic with a small-int right operand. */
const IMMEDIATE_OPCODE: Partial<Record<A.BinaryOp, number>> = { "+": Op.ADDI, "-": Op.SUBI, "*": Op.MULI, "/": Op.DIVI, "%": Op.MODI };

const TAG_CODE = { Ok: 0, Err: 1, Some: 2, None: 3 } as const;

function smallInt(e: A.Expr): number | null {
  if (e.kind === "Int" && typeof e.value === "number" && e.value >= INT32_MIN && e.value <= INT32_MAX) return e.value;
  if (e.kind === "Unary" && e.op === "-" && e.operand.kind === "Int" && typeof e.operand.value === "number" && -e.operand.value >= INT32_MIN) return -e.operand.value;
  return null;
}

/**
 * True when evaluating e yields a value with no other holder (or an immutable one), so
 * storing it into a variable needs no sharing mark.
 */
export function isFreshDirect(e: A.Expr): boolean {
  switch (e.kind) {
    case "Int": case "Float": case "Str": case "Interp": case "Bool": case "Null":
    case "Array": case "Dict": case "StructLit": case "Func": case "Unary": case "Binary":
    case "Tagged": case "EnumCtor":
      return true;
    case "Logical":
      return e.op !== "??";
    default:
      return false;
  }
}

/** Evaluate e into some register (a local's own register when e is that local). */
export function compileExprAny(c: Compiler, fs: FuncState, e: A.Expr): number {
  if (e.kind === "Ident") {
    fs.at(e);
    return c.readName(fs, e.name, null);
  }
  if (e.kind === "Self") return selfRegister(fs, e);
  if (e.kind === "Float" && fs.loops.length > 0 && !fs.isModuleMain) return c.constRegister(fs, fs.constant(new RFloat(e.value)));
  const dst = fs.allocReg();
  compileExprTo(c, fs, e, dst, false);
  fs.freeTo(dst + 1);
  return dst;
}

function selfRegister(fs: FuncState, e: A.Expr): number {
  const self = fs.findLocal("self");
  if (self) return self.reg;
  fs.at(e);
  const r = fs.allocReg();
  fs.emit(Op.ERROR, fs.constant("Undefined variable: self"));
  return r;
}

/**
 * Evaluate e into register dst. dst is written only after every operand has been
 * read, so dst may be the register of a variable that e itself reads. With share set,
 * a compound result that may have another holder is marked shared (dst is a new holder).
 */
export function compileExprTo(c: Compiler, fs: FuncState, e: A.Expr, dst: number, share: boolean): void {
  fs.at(e);
  const mark = fs.nextReg;
  switch (e.kind) {
    case "Int": {
      const v = e.value;
      if (typeof v === "number" && v >= INT32_MIN && v <= INT32_MAX) fs.emit(Op.LOADI, dst, v);
      else fs.emit(Op.LOADK, dst, fs.constant(v));
      return;
    }
    case "Float":
      fs.emit(Op.LOADK, dst, fs.constant(new RFloat(e.value)));
      return;
    case "Str":
      fs.emit(Op.LOADK, dst, fs.constant(e.value));
      return;
    case "Bool":
      fs.emit(Op.LOADBOOL, dst, e.value ? 1 : 0);
      return;
    case "Null":
      fs.emit(Op.LOADNULL, dst);
      return;
    case "Ident": {
      const r = c.resolve(fs, e.name);
      if (r.kind === "local") {
        if (share) fs.emit(Op.MOVES, dst, r.v.reg);
        else if (r.v.reg !== dst) fs.emit(Op.MOVE, dst, r.v.reg);
      } else {
        c.readName(fs, e.name, dst);
        if (share) fs.emit(Op.MOVES, dst, dst);
      }
      return;
    }
    case "Self": {
      const r = selfRegister(fs, e);
      fs.emit(share ? Op.MOVES : Op.MOVE, dst, r);
      return;
    }
    case "Interp": {
      const base = fs.allocRegs(e.parts.length);
      e.parts.forEach((part, i) => {
        if (typeof part === "string") {
          fs.emit(Op.LOADK, base + i, fs.constant(part));
        } else {
          compileExprTo(c, fs, part, base + i, false);
          fs.at(e);
          fs.emit(Op.TOSTR, base + i, base + i);
        }
      });
      fs.at(e);
      fs.emit(Op.CONCAT, dst, base, e.parts.length);
      break;
    }
    case "Array": {
      if (e.elems.every((el) => !el.spread)) {
        const base = fs.allocRegs(e.elems.length);
        e.elems.forEach((el, i) => compileExprTo(c, fs, el.value, base + i, false));
        fs.at(e);
        fs.emit(Op.NEWARRAY, dst, base, e.elems.length);
        break;
      }
      const t = fs.allocReg();
      fs.emit(Op.NEWARRAY, t, 0, 0);
      for (const el of e.elems) {
        const r = compileExprAny(c, fs, el.value);
        fs.at(el.value);
        fs.emit(el.spread ? Op.EXTEND : Op.APPEND, t, r);
        fs.freeTo(t + 1);
      }
      fs.emit(Op.MOVE, dst, t);
      break;
    }
    case "Dict": {
      const t = fs.allocReg();
      fs.emit(Op.NEWDICT, t);
      for (const entry of e.entries) {
        if (entry.key === null) {
          const r = compileExprAny(c, fs, entry.value);
          fs.at(entry.value);
          fs.emit(Op.DICTMERGE, t, r);
        } else {
          const k = compileExprAny(c, fs, entry.key);
          const v = compileExprAny(c, fs, entry.value);
          fs.at(entry.key);
          fs.emit(Op.DICTSET, t, k, v);
        }
        fs.freeTo(t + 1);
      }
      fs.emit(Op.MOVE, dst, t);
      break;
    }
    case "StructLit": {
      const base = fs.allocRegs(e.fields.length);
      e.fields.forEach((f, i) => compileExprTo(c, fs, f.value, base + i, false));
      const layout = layoutFor(e.name, e.fields.map((f) => f.name));
      fs.at(e);
      fs.emit(Op.NEWSTRUCT, dst, base, fs.constant(layout as unknown as Value));
      break;
    }
    case "Func":
      c.closure(fs, e.def, dst);
      return;
    case "Unary": {
      const folded = smallInt(e);
      if (folded !== null) {
        fs.emit(Op.LOADI, dst, folded);
        return;
      }
      if (e.op === "-" && e.operand.kind === "Float") {
        fs.emit(Op.LOADK, dst, fs.constant(new RFloat(-e.operand.value)));
        return;
      }
      const r = compileExprAny(c, fs, e.operand);
      fs.at(e);
      fs.emit(e.op === "-" ? Op.NEG : Op.NOT, dst, r);
      break;
    }
    case "Binary": {
      const imm = smallInt(e.right);
      const immOp = IMMEDIATE_OPCODE[e.op];
      if (immOp !== undefined && imm !== null) {
        const l = compileExprAny(c, fs, e.left);
        fs.at(e);
        fs.emit(immOp, dst, l, imm);
        break;
      }
      const l = compileExprAny(c, fs, e.left);
      const r = compileExprAny(c, fs, e.right);
      fs.at(e);
      fs.emit(BINARY_OPCODE[e.op], dst, l, r);
      break;
    }
    case "Logical": {
      if (e.op === "??") {
        const t = fs.allocReg();
        compileExprTo(c, fs, e.left, t, false);
        const skip = fs.emit(Op.JMPNN, t);
        compileExprTo(c, fs, e.right, t, false);
        fs.patch(skip, fs.pc);
        fs.emit(share ? Op.MOVES : Op.MOVE, dst, t);
        fs.freeTo(mark);
        return;
      }
      const jumps: number[] = [];
      const whenJump = e.op === "||";
      compileCondJump(c, fs, e.left, whenJump, jumps);
      compileCondJump(c, fs, e.right, whenJump, jumps);
      fs.at(e);
      fs.emit(Op.LOADBOOL, dst, whenJump ? 0 : 1);
      const end = fs.emit(Op.JMP);
      fs.patchAll(jumps, fs.pc);
      fs.emit(Op.LOADBOOL, dst, whenJump ? 1 : 0);
      fs.patch(end, fs.pc);
      break;
    }
    case "Call": {
      const base = fs.allocRegsAt(dst, 1 + e.args.length);
      const callee = e.callee.kind === "Ident" ? c.resolve(fs, e.callee.name) : null;
      if (callee?.kind !== "global") compileExprTo(c, fs, e.callee, base, false);
      e.args.forEach((arg, i) => compileExprTo(c, fs, arg, base + 1 + i, false));
      fs.at(e);
      if (callee?.kind === "global") fs.emit(Op.CALLG, base, e.args.length, callee.index);
      else fs.emit(Op.CALL, base, e.args.length);
      if (dst !== base) fs.emit(share ? Op.MOVES : Op.MOVE, dst, base);
      else if (share) fs.emit(Op.MOVES, dst, dst);
      fs.freeTo(mark);
      return;
    }
    case "MethodCall": {
      const base = fs.allocRegsAt(dst, 2 + e.args.length);
      compileExprTo(c, fs, e.object, base + 1, false);
      e.args.forEach((arg, i) => compileExprTo(c, fs, arg, base + 2 + i, false));
      fs.at(e);
      fs.emit(Op.CALLMETHOD, base, e.args.length, fs.constant(e.name));
      if (dst !== base) fs.emit(share ? Op.MOVES : Op.MOVE, dst, base);
      else if (share) fs.emit(Op.MOVES, dst, dst);
      fs.freeTo(mark);
      return;
    }
    case "Index": {
      const o = compileExprAny(c, fs, e.object);
      const i = compileExprAny(c, fs, e.index);
      fs.at(e);
      fs.emit(Op.GETINDEX, dst, o, i);
      break;
    }
    case "Field":
    case "OptField": {
      const o = compileExprAny(c, fs, e.object);
      fs.at(e);
      fs.emit(e.kind === "Field" ? Op.GETFIELD : Op.GETFIELDOPT, dst, o, fs.constant(e.name));
      break;
    }
    case "TryOp": {
      const r = compileExprAny(c, fs, e.operand);
      fs.at(e);
      fs.emit(Op.TRYOP, dst, r);
      break;
    }
    case "Tagged": {
      const r = e.value === null ? dst : compileExprAny(c, fs, e.value);
      fs.at(e);
      fs.emit(Op.NEWTAGGED, dst, r, TAG_CODE[e.tag]);
      break;
    }
    case "EnumCtor": {
      const base = fs.allocRegs(e.args.length);
      e.args.forEach((arg, i) => compileExprTo(c, fs, arg, base + i, false));
      fs.at(e);
      fs.emit(Op.NEWENUM, dst, base, fs.constant([e.enumName, e.variant, e.args.length] as unknown as Value));
      break;
    }
    case "Throw": {
      const r = compileExprAny(c, fs, e.value);
      fs.at(e);
      fs.emit(Op.THROW, r);
      break;
    }
    case "Yield": {
      const r = e.value === null ? fs.allocReg() : compileExprAny(c, fs, e.value);
      if (e.value === null) fs.emit(Op.LOADNULL, r);
      fs.at(e);
      fs.emit(Op.YIELD, dst, r);
      break;
    }
    case "Await":
      compileExprTo(c, fs, e.value, dst, share);
      return;
  }
  if (share && !isFreshDirect(e)) fs.emit(Op.MOVES, dst, dst);
  fs.freeTo(mark);
}

/**
 * Emit jumps (collected in `jumps`, patched by the caller) taken when the truthiness
 * of e equals `when`; falls through otherwise.
 */
export function compileCondJump(c: Compiler, fs: FuncState, e: A.Expr, when: boolean, jumps: number[]): void {
  const mark = fs.nextReg;
  fs.at(e);
  if (e.kind === "Logical" && e.op !== "??") {
    const isAnd = e.op === "&&";
    if (isAnd !== when) {
      // && jumping on false, || jumping on true: either operand decides.
      compileCondJump(c, fs, e.left, when, jumps);
      compileCondJump(c, fs, e.right, when, jumps);
    } else {
      const skip: number[] = [];
      compileCondJump(c, fs, e.left, !when, skip);
      compileCondJump(c, fs, e.right, when, jumps);
      fs.patchAll(skip, fs.pc);
    }
    return;
  }
  if (e.kind === "Bool") {
    if (e.value === when) jumps.push(fs.emit(Op.JMP));
    return;
  }
  if (e.kind === "Binary") {
    const ops = (when ? JUMP_IF : JUMP_IF_NOT)[e.op];
    if (ops) {
      const l = compileExprAny(c, fs, e.left);
      const imm = smallInt(e.right);
      if (imm !== null) {
        fs.at(e);
        jumps.push(fs.emit(ops[1], l, imm));
      } else {
        const r = compileExprAny(c, fs, e.right);
        fs.at(e);
        jumps.push(fs.emit(ops[0], l, r));
      }
      fs.freeTo(mark);
      return;
    }
  }
  const r = compileExprAny(c, fs, e);
  fs.at(e);
  jumps.push(fs.emit(when ? Op.JMPT : Op.JMPF, r));
  fs.freeTo(mark);
}
