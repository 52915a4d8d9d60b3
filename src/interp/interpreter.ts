// The dispatch loop of the bytecode interpreter: the hot opcodes with their int and
// float fast paths. The loop keeps the current frame's fields in locals; a call or
// return saves pc in the frame and reloads them. State, calls, errors and the rarely
// hot opcodes live in runtime.ts.

import { Op } from "./bytecode";
import { RArray, RDict, RFloat, RFunction, RGenerator, RStruct, RTagged, RuffError, cloneArray, share, type Value, type StructLayout } from "./value";
import { equals, truthy } from "./ops";
import { formatValue } from "./format";
import { getIndex, setIndex, indexOutOfBounds, loopReleases } from "./access";
import { GLOBAL_KIND } from "../frontend/funcstate";
import { Runtime, UNDEF, MAX_SAFE, FRAME_NORMAL, FRAME_GENERATOR, reassignGlobal, type GeneratorState } from "./runtime";
import { floatArith, lt, le, gt, ge } from "./numeric";

export { type InterpreterOptions } from "./runtime";

export class Interpreter extends Runtime {
  protected execute(entryDepth: number): Value {
    for (;;) {
      const result = this.runFrame(entryDepth);
      if (result !== FRAME_SWITCH) return result as Value;
    }
  }

  /**
   * Run the current frame until it calls, returns or raises; returns FRAME_SWITCH when
   * another frame must run next, or the value of the entry frame when it returned.
   * Kept separate from execute() so V8 sees it called often: after a deoptimisation it
   * is optimised again on its next entries instead of waiting for on-stack replacement.
   */
  private runFrame(entryDepth: number): Value | typeof FRAME_SWITCH {
    const stack = this.stack;
    let fr: RFloat | undefined;
    let budget = FRAME_SWITCH_BUDGET;
    {
      let f = this.frames[this.fp];
      let proto = f.proto;
      let code = proto.code;
      let consts = proto.consts;
      let globals = f.module.globals;
      let base = f.base;
      let pc = f.pc;
      try {
        for (;;) {
          // A taken jump sets target and breaks: the tail below counts loop back edges.
          // Any other break out of the switch means the current frame changed.
          let target = -1;
          switch (code[pc]) {
            case Op.MOVE:
              stack[base + code[pc + 1]] = stack[base + code[pc + 2]];
              pc += 4;
              continue;
            case Op.MOVES: {
              const v = stack[base + code[pc + 2]];
              if (typeof v === "object" && v !== null && !(v instanceof RFloat)) share(v);
              stack[base + code[pc + 1]] = v;
              pc += 4;
              continue;
            }
            case Op.LOADK:
              stack[base + code[pc + 1]] = consts[code[pc + 2]];
              pc += 4;
              continue;
            case Op.LOADI:
              stack[base + code[pc + 1]] = code[pc + 2];
              pc += 4;
              continue;
            case Op.LOADNULL:
              stack[base + code[pc + 1]] = null;
              pc += 4;
              continue;
            case Op.LOADBOOL:
              stack[base + code[pc + 1]] = code[pc + 2] !== 0;
              pc += 4;
              continue;
            case Op.GETGLOBAL: {
              const v = globals[code[pc + 2]];
              if (v === UNDEF) throw new RuffError(`Undefined variable: ${proto.module.globalNames[code[pc + 2]]}`);
              stack[base + code[pc + 1]] = v;
              pc += 4;
              continue;
            }
            case Op.SETGLOBAL: {
              const g = code[pc + 2];
              const kinds = f.module.kinds;
              const kind = kinds[g];
              if (kind === GLOBAL_KIND.let || kind === GLOBAL_KIND.const) throw reassignGlobal(kind, proto.module.globalNames[g]);
              if (kind === GLOBAL_KIND.undefined) kinds[g] = GLOBAL_KIND.mut;
              globals[g] = stack[base + code[pc + 1]];
              pc += 4;
              continue;
            }
            case Op.GETUPVAL:
              stack[base + code[pc + 1]] = f.cells[code[pc + 2]];
              pc += 4;
              continue;
            case Op.SETUPVAL:
              f.cells[code[pc + 2]] = stack[base + code[pc + 1]];
              pc += 4;
              continue;
            case Op.ADD: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              let r: Value;
              if (typeof x === "number" && typeof y === "number" && (r = x + y) <= MAX_SAFE && r >= -MAX_SAFE) {
                stack[base + code[pc + 1]] = r;
              } else if ((fr = floatArith(0, x, y)) !== undefined) {
                stack[base + code[pc + 1]] = fr;
              } else if (typeof x === "string" && typeof y === "string") {
                stack[base + code[pc + 1]] = x + y;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(0, x, y);
              }
              pc += 4;
              continue;
            }
            case Op.SUB: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              let r: Value;
              if (typeof x === "number" && typeof y === "number" && (r = x - y) <= MAX_SAFE && r >= -MAX_SAFE) {
                stack[base + code[pc + 1]] = r;
              } else if ((fr = floatArith(1, x, y)) !== undefined) {
                stack[base + code[pc + 1]] = fr;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(1, x, y);
              }
              pc += 4;
              continue;
            }
            case Op.MUL: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              let r: Value;
              if (typeof x === "number" && typeof y === "number" && (r = x * y) <= MAX_SAFE && r >= -MAX_SAFE) {
                stack[base + code[pc + 1]] = r + 0; // no -0 for ints
              } else if ((fr = floatArith(2, x, y)) !== undefined) {
                stack[base + code[pc + 1]] = fr;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(2, x, y);
              }
              pc += 4;
              continue;
            }
            case Op.DIV: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              if (typeof x === "number" && typeof y === "number" && y !== 0) {
                // Exact for |x| < 2^53: the rounding error of x / y is below 1 / |y|.
                stack[base + code[pc + 1]] = Math.trunc(x / y) + 0;
              } else if ((fr = floatArith(3, x, y)) !== undefined) {
                stack[base + code[pc + 1]] = fr;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(3, x, y);
              }
              pc += 4;
              continue;
            }
            case Op.MOD: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              if (typeof x === "number" && typeof y === "number" && y !== 0) {
                // Exact for |x| < 2^53 (see DIV) and faster than fmod; never -0.
                stack[base + code[pc + 1]] = x - Math.trunc(x / y) * y;
              } else if ((fr = floatArith(4, x, y)) !== undefined) {
                stack[base + code[pc + 1]] = fr;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(4, x, y);
              }
              pc += 4;
              continue;
            }
            case Op.ADDI: {
              const x = stack[base + code[pc + 2]];
              let r: number;
              if (typeof x === "number" && (r = x + code[pc + 3]) <= MAX_SAFE && r >= -MAX_SAFE) {
                stack[base + code[pc + 1]] = r;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(0, x, code[pc + 3]);
              }
              pc += 4;
              continue;
            }
            case Op.SUBI: {
              const x = stack[base + code[pc + 2]];
              let r: number;
              if (typeof x === "number" && (r = x - code[pc + 3]) <= MAX_SAFE && r >= -MAX_SAFE) {
                stack[base + code[pc + 1]] = r;
              } else {
                f.pc = pc;
                stack[base + code[pc + 1]] = this.arithSlow(1, x, code[pc + 3]);
              }
              pc += 4;
              continue;
            }
            case Op.MULI: {
              const x = stack[base + code[pc + 2]];
              let r: number;
              if (typeof x === "number" && (r = x * code[pc + 3]) <= MAX_SAFE && r >= -MAX_SAFE) {
                stack[base + code[pc + 1]] = r + 0;
              } else {
                stack[base + code[pc + 1]] = this.arithSlow(2, x, code[pc + 3]);
              }
              pc += 4;
              continue;
            }
            case Op.DIVI: {
              const x = stack[base + code[pc + 2]];
              const y = code[pc + 3];
              stack[base + code[pc + 1]] = typeof x === "number" && y !== 0 ? Math.trunc(x / y) + 0 : this.arithSlow(3, x, y);
              pc += 4;
              continue;
            }
            case Op.MODI: {
              const x = stack[base + code[pc + 2]];
              const y = code[pc + 3];
              stack[base + code[pc + 1]] = typeof x === "number" && y !== 0 ? x - Math.trunc(x / y) * y : this.arithSlow(4, x, y);
              pc += 4;
              continue;
            }
            case Op.EQ:
            case Op.NE: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              const eq = typeof x === "number" && typeof y === "number" ? x === y : equals(x, y);
              stack[base + code[pc + 1]] = code[pc] === Op.EQ ? eq : !eq;
              pc += 4;
              continue;
            }
            case Op.LT:
            case Op.LE:
            case Op.GT:
            case Op.GE: {
              const x = stack[base + code[pc + 2]];
              const y = stack[base + code[pc + 3]];
              const op = code[pc];
              stack[base + code[pc + 1]] = op === Op.LT ? lt(x, y) : op === Op.LE ? le(x, y) : op === Op.GT ? gt(x, y) : ge(x, y);
              pc += 4;
              continue;
            }
            case Op.JMP: {
              target = code[pc + 1];
              break;
            }
            case Op.JMPF: {
              const v = stack[base + code[pc + 1]];
              pc = (v === true || (v !== false && truthy(v))) ? pc + 4 : code[pc + 2];
              continue;
            }
            case Op.JMPT: {
              const v = stack[base + code[pc + 1]];
              target = (v === true || (v !== false && truthy(v))) ? code[pc + 2] : pc + 4;
              break;
            }
            case Op.JNLT: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const ok = lt(x, y);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNLE: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const ok = le(x, y);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNGT: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const ok = gt(x, y);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNGE: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const ok = ge(x, y);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNEQ:
            case Op.JNNE: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const eq = typeof x === "number" && typeof y === "number" ? x === y : equals(x, y);
              pc = eq === (code[pc] === Op.JNEQ) ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNLTI: {
              const x = stack[base + code[pc + 1]];
              const ok = lt(x, code[pc + 2]);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNLEI: {
              const x = stack[base + code[pc + 1]];
              const ok = le(x, code[pc + 2]);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNGTI: {
              const x = stack[base + code[pc + 1]];
              const ok = gt(x, code[pc + 2]);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNGEI: {
              const x = stack[base + code[pc + 1]];
              const ok = ge(x, code[pc + 2]);
              pc = ok ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JNEQI:
            case Op.JNNEI: {
              const x = stack[base + code[pc + 1]];
              const eq = typeof x === "number" ? x === code[pc + 2] : equals(x, code[pc + 2]);
              pc = eq === (code[pc] === Op.JNEQI) ? pc + 4 : code[pc + 3];
              continue;
            }
            case Op.JLT: {
              target = lt(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JLE: {
              target = le(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JGT: {
              target = gt(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JGE: {
              target = ge(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JEQ:
            case Op.JNE: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const eq = typeof x === "number" && typeof y === "number" ? x === y : equals(x, y);
              target = eq === (code[pc] === Op.JEQ) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JLTI: {
              target = lt(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JLEI: {
              target = le(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JGTI: {
              target = gt(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JGEI: {
              target = ge(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.JEQI:
            case Op.JNEI: {
              const x = stack[base + code[pc + 1]];
              const eq = typeof x === "number" ? x === code[pc + 2] : equals(x, code[pc + 2]);
              target = eq === (code[pc] === Op.JEQI) ? code[pc + 3] : pc + 4;
              break;
            }
            case Op.INCJLT:
            case Op.INCJLE: {
              const a = base + code[pc + 1];
              const x = stack[a];
              const r = typeof x === "number" && x < MAX_SAFE ? x + 1 : this.arithSlow(0, x, 1);
              stack[a] = r;
              const y = stack[base + code[pc + 2]];
              const taken = code[pc] === Op.INCJLT ? (typeof r === "number" && typeof y === "number" ? r < y : lt(r, y)) : (typeof r === "number" && typeof y === "number" ? r <= y : le(r, y));
              if (!taken) {
                pc += 8;
                continue;
              }
              target = code[pc + 3];
              break;
            }
            case Op.CALLG:
            case Op.CALL: {
              const a = base + code[pc + 1];
              const nargs = code[pc + 2];
              let fnv: Value;
              if (code[pc] === Op.CALLG) {
                fnv = globals[code[pc + 3]];
                if (fnv === UNDEF) throw new RuffError(`Undefined variable: ${proto.module.globalNames[code[pc + 3]]}`);
                stack[a] = fnv;
              } else fnv = stack[a];
              if (fnv instanceof RFunction && fnv.proto.directArity === nargs) {
                for (let i = 1; i <= nargs; i++) {
                  const v = stack[a + i];
                  if (typeof v === "object" && v !== null) share(v);
                }
                f.pc = pc + 4;
                const callee = this.pushFrame(fnv, a + 1, a, FRAME_NORMAL);
                // A hot function entry: the JIT may record or run its entry trace, which
                // leaves the frame stack exact; the reload below picks up whatever is on top.
                if (--fnv.proto.callCount === 0) this.hotCall(callee);
                break;
              }
              f.pc = pc;
              if (this.invoke(a, nargs)) {
                f.pc = pc + 4;
                break;
              }
              pc += 4;
              continue;
            }
            case Op.CALLMETHOD: {
              const a = base + code[pc + 1];
              f.pc = pc;
              this.resolveMethod(a, consts[code[pc + 3]] as string);
              if (this.invoke(a, code[pc + 2] + 1)) {
                f.pc = pc + 4;
                break;
              }
              pc += 4;
              continue;
            }
            case Op.PUSHVAR: {
              const a = base + code[pc + 1];
              const fnv = stack[base + code[pc + 2]];
              const arr = stack[a];
              const v = stack[base + code[pc + 3]];
              if ((fnv === this.pushNative || fnv === this.appendNative) && fnv !== undefined && arr instanceof RArray) {
                const target = arr.shared ? cloneArray(arr) : arr;
                if (typeof v === "object" && v !== null) share(v);
                target.append(v);
                stack[a] = target;
              } else {
                f.pc = pc;
                stack[a] = this.callValue(fnv, [arr, v]);
              }
              pc += 4;
              continue;
            }
            case Op.RETURN:
            case Op.RETNULL:
            case Op.HALT: {
              const v = code[pc] === Op.RETURN ? stack[base + code[pc + 1]] : null;
              if (this.hDepth.length > 0) this.popHandlersOf(this.fp);
              const depth = this.fp--;
              if (f.kind === FRAME_GENERATOR) {
                f.gen!.done = true;
                if (depth === entryDepth) return null;
                break;
              }
              if (depth === entryDepth) return v;
              stack[f.ret] = v;
              break;
            }
            case Op.NEWARRAY: {
              const b = base + code[pc + 2];
              const n = code[pc + 3];
              const items: Value[] = new Array(n);
              for (let i = 0; i < n; i++) items[i] = share(stack[b + i]);
              stack[base + code[pc + 1]] = new RArray(items);
              pc += 4;
              continue;
            }
            case Op.NEWSTRUCT: {
              const layout = consts[code[pc + 3]] as unknown as StructLayout;
              const b = base + code[pc + 2];
              const n = layout.fields.length;
              const values: Value[] = new Array(n);
              for (let i = 0; i < n; i++) values[i] = share(stack[b + i]);
              stack[base + code[pc + 1]] = new RStruct(layout, values);
              pc += 4;
              continue;
            }
            case Op.GETINDEX: {
              const o = stack[base + code[pc + 2]];
              const k = stack[base + code[pc + 3]];
              if (o instanceof RArray && typeof k === "number") {
                // Boxed elements are read directly (the common case), packed ones through at().
                const items = o.heap === null ? o.boxed : null;
                const n = items !== null ? items.length : o.length;
                const i = k < 0 ? k + n : k;
                if (i >= 0 && i < n) {
                  stack[base + code[pc + 1]] = items !== null ? items[i] : o.at(i);
                  pc += 4;
                  continue;
                }
                throw indexOutOfBounds(k);
              }
              if (o instanceof RDict && typeof k === "number") {
                const v = o.getIntKey(k);
                if (v !== undefined) {
                  stack[base + code[pc + 1]] = v;
                  pc += 4;
                  continue;
                }
              }
              stack[base + code[pc + 1]] = getIndex(o, k);
              pc += 4;
              continue;
            }
            case Op.SETINDEX: {
              const a = base + code[pc + 1];
              const o = stack[a];
              const k = stack[base + code[pc + 2]];
              const v = stack[base + code[pc + 3]];
              if (o instanceof RArray && !o.shared && typeof k === "number") {
                const items = o.heap === null ? o.boxed : null;
                const n = items !== null ? items.length : o.length;
                const i = k < 0 ? k + n : k;
                if (i >= 0 && i < n) {
                  if (typeof v === "object" && v !== null) share(v);
                  if (items !== null) items[i] = v;
                  else o.put(i, v);
                  pc += 4;
                  continue;
                }
              }
              if (o instanceof RDict && !o.shared && typeof k === "number") {
                if (typeof v === "object" && v !== null) share(v);
                o.setIntKey(k, v);
                pc += 4;
                continue;
              }
              stack[a] = setIndex(o, k, v);
              pc += 4;
              continue;
            }
            case Op.GETFIELD:
            case Op.GETFIELDOPT: {
              const o = stack[base + code[pc + 2]];
              if (o instanceof RStruct) {
                const cache = proto.caches[pc >> 2];
                if (cache !== undefined && cache.layout === o.layout) {
                  stack[base + code[pc + 1]] = o.values[cache.slot];
                  pc += 4;
                  continue;
                }
              } else if (o === null && code[pc] === Op.GETFIELDOPT) {
                stack[base + code[pc + 1]] = null;
                pc += 4;
                continue;
              }
              stack[base + code[pc + 1]] = this.getField(proto, pc, o, consts[code[pc + 3]] as string);
              pc += 4;
              continue;
            }
            case Op.TOSTR: {
              const v = stack[base + code[pc + 2]];
              stack[base + code[pc + 1]] = typeof v === "string" ? v : formatValue(v);
              pc += 4;
              continue;
            }
            case Op.CONCAT: {
              const b = base + code[pc + 2];
              let s = "";
              for (let i = 0, n = code[pc + 3]; i < n; i++) s += stack[b + i] as string;
              stack[base + code[pc + 1]] = s;
              pc += 4;
              continue;
            }
            case Op.FORITER: {
              const it = base + code[pc + 1];
              const src = stack[it] as unknown;
              const i = stack[it + 1] as number;
              if (typeof src === "number") {
                if (i < src) {
                  stack[base + code[pc + 2]] = i;
                  stack[it + 1] = i + 1;
                  target = code[pc + 3];
                  break;
                } else pc += 4;
                continue;
              }
              if (src instanceof RArray || Array.isArray(src)) {
                if (i < src.length) {
                  stack[base + code[pc + 2]] = share(src instanceof RArray ? src.at(i) : src[i]);
                  stack[it + 1] = i + 1;
                  target = code[pc + 3];
                  break;
                }
                // The loop ends here, once (the pc moves past): its hold on the array ends.
                if (src instanceof RArray) loopReleases(src);
                pc += 4;
                continue;
              }
              const gen = (src as RGenerator).state as GeneratorState;
              if (gen.hasPending) {
                gen.hasPending = false;
                stack[base + code[pc + 2]] = gen.pending;
                gen.pending = null;
                pc = code[pc + 3];
                continue;
              }
              if (gen.done) {
                pc += 4;
                continue;
              }
              // Resume the generator; its YIELD or RETURN comes back to this instruction.
              f.pc = pc;
              this.resumeGenerator(gen, base + proto.nslots);
              break;
            }
            case Op.YIELD: {
              const gen = f.gen;
              if (gen === null) throw new RuffError("yield can only be used inside a generator function");
              gen.pending = stack[base + code[pc + 2]];
              gen.hasPending = true;
              gen.pc = pc + 4;
              for (let i = 0; i < proto.nslots; i++) gen.regs[i] = stack[base + i];
              if (this.hDepth.length > 0) this.popHandlersOf(this.fp);
              const depth = this.fp--;
              if (depth === entryDepth) return null;
              break;
            }
            case Op.TRYOP: {
              const v = stack[base + code[pc + 2]];
              if (!(v instanceof RTagged)) throw new RuffError("Try operator requires Result or Option");
              if (v.tag === "Ok" || v.tag === "Some") {
                stack[base + code[pc + 1]] = v.value;
                pc += 4;
                continue;
              }
              if (this.hDepth.length > 0) this.popHandlersOf(this.fp);
              const depth = this.fp--;
              if (f.kind === FRAME_GENERATOR) {
                f.gen!.done = true;
                if (depth === entryDepth) return null;
                break;
              }
              if (depth === entryDepth) return v;
              stack[f.ret] = v;
              break;
            }
            default: {
              const next = this.coldOp(f, pc);
              if (next < 0) break;
              pc = next;
              continue;
            }
          }
          if (target >= 0) {
            if (target < pc && --proto.hotCounts[target >> 2] === 0) {
              f.pc = pc;
              pc = this.hotLoop(f, target);
              // -1: the JIT changed the frame stack (an exit rebuilt inlined frames).
              if (pc >= 0) continue;
            } else {
              pc = target;
              continue;
            }
          }
          if (--budget === 0) return FRAME_SWITCH;
          f = this.frames[this.fp];
          proto = f.proto;
          code = proto.code;
          consts = proto.consts;
          globals = f.module.globals;
          base = f.base;
          pc = f.pc;
        }
      } catch (e) {
        const err = this.toRuffError(e, pc);
        if (!this.catchError(err, entryDepth)) {
          this.fp = entryDepth - 1;
          throw err;
        }
        return FRAME_SWITCH;
      }
    }
  }
}

/**
 * Frame switches runFrame handles itself before returning to execute(); returning now
 * and then lets V8 re-optimise runFrame on a normal entry after a deoptimisation.
 */
const FRAME_SWITCH_BUDGET = 1 << 12;

/** Returned by runFrame when the dispatch loop must continue in another frame. */
const FRAME_SWITCH = Symbol("frame switch");

