// Register liveness of a function's bytecode (LuaJIT's snap_usedef, done once per
// function as a backward dataflow): which registers the interpreter may still read
// before writing them, at each pc. The JIT uses it to leave dead registers out of
// snapshots (exits write less) and out of loop-carried values (no PHI, no parameter:
// a temporary that holds `push` or a scratch float is not carried around the loop).
//
// Invariant: the live sets only over-approximate. Reads are counted generously (a range
// whose length the instruction does not say counts every register from its start);
// a write kills a register only when the instruction always writes it. Any opcode the
// analysis does not know, a `try` (an error jumps to the handler from anywhere) and a
// generator make the whole function "all live" (null). A closure copies the registers
// it captures when it is made (CLOSURE reads them then; see Runtime's CLOSURE), so the
// closure never reads the frame's registers later.

import { Op, FORRANGE_SKIP, type FunctionProto } from "../interp/bytecode";

export interface Liveness {
  /** Whether register reg (frame-relative) may be read at or after pc before it is written. */
  isLive(pc: number, reg: number): boolean;
}

const cache = new WeakMap<FunctionProto, Liveness | null>();

export function livenessOf(proto: FunctionProto): Liveness | null {
  let live = cache.get(proto);
  if (live === undefined) cache.set(proto, (live = analyse(proto)));
  return live;
}

/** Per-instruction effects: registers read, registers surely written, successor pcs. */
interface Effects {
  uses: number[];
  /** Every register from here up is read (a count the instruction does not hold). */
  usesFrom: number;
  defs: number[];
  next: number[];
}

function effectsAt(proto: FunctionProto, pc: number): Effects | null {
  const code = proto.code;
  const consts = proto.consts;
  const op = code[pc];
  const a = code[pc + 1];
  const b = code[pc + 2];
  const c = code[pc + 3];
  const fall = pc + 4;
  const e = (uses: number[], defs: number[], next: number[] = [fall], usesFrom = -1): Effects => ({ uses, defs, next, usesFrom });
  const range = (from: number, count: number): number[] => Array.from({ length: Math.max(0, count) }, (_, i) => from + i);
  switch (op) {
    case Op.NOP: case Op.CHECKGLOBALMUT: case Op.IMPORT: case Op.IMPORTNAME:
      return e([], []);
    case Op.MOVE: case Op.MOVES: case Op.NEG: case Op.NOT: case Op.TOBOOL: case Op.TOSTR:
    case Op.ADDI: case Op.SUBI: case Op.MULI: case Op.DIVI: case Op.MODI:
    case Op.MATCHBIND: case Op.UNPACK: case Op.UNPACKREST: case Op.UNPACKKEY: case Op.UNPACKDICTREST:
    case Op.GETFIELD: case Op.GETFIELDOPT: case Op.NEWTAGGED:
      return e([b], [a]);
    case Op.GETFIELDMUT: // may replace R[b] by an unshared copy: a read, not a kill
      return e([b], [a]);
    case Op.LOADK: case Op.LOADI: case Op.LOADNULL: case Op.LOADBOOL: case Op.GETGLOBAL:
    case Op.GETUPVAL: case Op.GETUPDYN: case Op.NEWDICT:
      return e([], [a]);
    case Op.SETGLOBAL: case Op.DEFGLOBAL: case Op.SETUPVAL:
      return e([a], []);
    case Op.GETDYN:
      return e([c], [a]);
    case Op.SETDYN: // writes R[c] only when the global is undefined: not a kill
      return e([a, c], []);
    case Op.ADD: case Op.SUB: case Op.MUL: case Op.DIV: case Op.MOD:
    case Op.EQ: case Op.NE: case Op.LT: case Op.LE: case Op.GT: case Op.GE:
    case Op.GETINDEX: case Op.GETINDEXMUT:
      return e([b, c], [a]);
    case Op.JMP: case Op.ENDPROLOGUE:
      return e([], [], [a]);
    case Op.JMPF: case Op.JMPT: case Op.JMPNN:
      return e([a], [], [fall, b]);
    case Op.JNEQ: case Op.JNNE: case Op.JNLT: case Op.JNLE: case Op.JNGT: case Op.JNGE:
    case Op.JLT: case Op.JLE: case Op.JGT: case Op.JGE: case Op.JEQ: case Op.JNE:
      return e([a, b], [], [fall, c]);
    case Op.JNLTI: case Op.JNLEI: case Op.JNGTI: case Op.JNGEI: case Op.JNEQI: case Op.JNNEI:
    case Op.JLTI: case Op.JLEI: case Op.JGTI: case Op.JGEI: case Op.JEQI: case Op.JNEI:
      return e([a], [], [fall, c]);
    case Op.INCJLT: case Op.INCJLE: // taken: the loop body; not taken: skips the entry test
      return e([a, b], [], [c, pc + 8]);
    case Op.CALL:
      return e(range(a, b + 1), [a]);
    // (An exit during a natively called entry tree finds the callee in R[a]: the
    // recorder keeps it in that snapshot whatever liveness says.)
    case Op.CALLG:
      return e(range(a + 1, b), [a]);
    case Op.CALLMETHOD: // R[a] gets the method: the receiver and arguments follow it
      return e(range(a + 1, b + 1), [a]);
    case Op.PUSHVAR: case Op.DICTSET: case Op.SETINDEX:
      return e([a, b, c], op === Op.PUSHVAR ? [a] : []);
    case Op.SETFIELD:
      return e([a, c], []);
    case Op.APPEND: case Op.EXTEND: case Op.DICTMERGE:
      return e([a, b], []);
    case Op.NEWARRAY: case Op.CONCAT:
      return e(range(b, c), [a]);
    case Op.NEWSTRUCT: { // the value count is in the constant (a layout, or [enum, variant, argc])
      const layout = consts[c] as { fields?: readonly unknown[] } | undefined;
      return Array.isArray(layout?.fields) ? e(range(b, layout.fields.length), [a]) : e([], [a], [fall], b);
    }
    case Op.NEWENUM: {
      const argc = (consts[c] as unknown as unknown[] | undefined)?.[2];
      return typeof argc === "number" ? e(range(b, argc), [a]) : e([], [a], [fall], b);
    }
    case Op.FORPREP:
      return e([b], [a, a + 1]);
    case Op.FORRANGE: // writes R[a], R[a+1] only where it skips the CALL and FORPREP that would: not a kill
      return e(range(b, c + 1), [], [fall, pc + FORRANGE_SKIP]);
    case Op.FORITER: // R[b] is written only when the loop goes on: not a kill
      return e([a, a + 1], [], [fall, c]);
    case Op.MATCHTAG:
      return e([a], [], [fall, c]);
    case Op.TRYOP: // returns R[b] from the function when it is an error / None
      return e([b], [a]);
    case Op.RETURN: case Op.THROW:
      return e([a], [], []);
    case Op.RETNULL: case Op.HALT: case Op.ERROR:
      return e([], [], []);
    case Op.CLOSURE: {
      const child = proto.protos[b];
      if (child === undefined) return null;
      // (The closure's own slot, selfCell, is filled with the new function, not read.)
      return e(child.captures.filter((cap, k) => cap.fromRegister && k !== child.selfCell).map((cap) => cap.index), [a]);
    }
    default: // TRY, ENDTRY, YIELD and anything new: no analysis
      return null;
  }
}

function analyse(proto: FunctionProto): Liveness | null {
  if (proto.isGenerator) return null;
  const code = proto.code;
  const count = code.length >> 2;
  const nregs = proto.nslots;
  const words = (nregs + 31) >>> 5;
  const effects: Effects[] = [];
  for (let i = 0; i < count; i++) {
    const fx = effectsAt(proto, i << 2);
    if (fx === null) return null;
    effects.push(fx);
  }
  // live[i]: live-in of instruction i. Iterate backwards to a fixpoint.
  const live = new Uint32Array(count * words);
  const scratch = new Uint32Array(words);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = count - 1; i >= 0; i--) {
      const fx = effects[i];
      scratch.fill(0);
      for (const target of fx.next) {
        const j = target >> 2;
        if (j < 0 || j >= count) continue;
        for (let w = 0; w < words; w++) scratch[w] |= live[j * words + w];
      }
      for (const r of fx.defs) if (r >= 0 && r < nregs) scratch[r >>> 5] &= ~(1 << (r & 31));
      for (const r of fx.uses) if (r >= 0 && r < nregs) scratch[r >>> 5] |= 1 << (r & 31);
      if (fx.usesFrom >= 0) for (let r = fx.usesFrom; r < nregs; r++) scratch[r >>> 5] |= 1 << (r & 31);
      for (let w = 0; w < words; w++) {
        if (live[i * words + w] !== scratch[w]) {
          live[i * words + w] = scratch[w];
          changed = true;
        }
      }
    }
  }
  return {
    isLive(pc: number, reg: number): boolean {
      const i = pc >> 2;
      if (reg < 0 || reg >= nregs || i < 0 || i >= count) return reg < nregs;
      return (live[i * words + (reg >>> 5)] & (1 << (reg & 31))) !== 0;
    },
  };
}
