// Register bytecode: the opcode table (defined once, as data), function prototypes and
// the disassembler. Every instruction is 4 int32 words: [op, a, b, c]; `pc` counts words.
// Operand kinds name what a word means: R register (frame slot), K constant index,
// G global index, U upvalue (closure cell) index, I immediate int, J jump target pc,
// N count, P nested prototype index, M module index, _ unused.
//
// Sharing (copy-on-write, see value.ts): variable stores never mark values shared; the
// compiler emits MOVES (or evaluates with sharing) when a value may already have a
// holder. Container stores, user-function arguments and closure captures share at run
// time inside their instructions.

import type { Value } from "./value";

type Operand = "R" | "K" | "G" | "U" | "I" | "J" | "N" | "P" | "M" | "_";

/** Where FORRANGE's counted path goes: past itself and the CALL and FORPREP that follow it. */
export const FORRANGE_SKIP = 12;

/** Opcodes; the order defines their numbers. esbuild inlines `Op.X` as a constant. */
export enum Op {
  NOP,
  MOVE,
  MOVES,
  LOADK,
  LOADI,
  LOADNULL,
  LOADBOOL,
  GETGLOBAL,
  SETGLOBAL,
  DEFGLOBAL,
  CHECKGLOBALMUT,
  GETDYN,
  SETDYN,
  GETUPVAL,
  GETUPDYN,
  SETUPVAL,
  ADD,
  SUB,
  MUL,
  DIV,
  MOD,
  ADDI,
  SUBI,
  MULI,
  DIVI,
  MODI,
  NEG,
  NOT,
  TOBOOL,
  EQ,
  NE,
  LT,
  LE,
  GT,
  GE,
  JMP,
  ENDPROLOGUE,
  JMPF,
  JMPT,
  JMPNN,
  JNEQ,
  JNNE,
  JNLT,
  JNLE,
  JNGT,
  JNGE,
  JNLTI,
  JNLEI,
  JNGTI,
  JNGEI,
  JNEQI,
  JNNEI,
  JLT,
  JLE,
  JGT,
  JGE,
  JEQ,
  JNE,
  JLTI,
  JLEI,
  JGTI,
  JGEI,
  JEQI,
  JNEI,
  INCJLT,
  INCJLE,
  CALL,
  CALLG,
  CALLMETHOD,
  PUSHVAR,
  RETURN,
  RETNULL,
  CLOSURE,
  NEWARRAY,
  APPEND,
  EXTEND,
  NEWDICT,
  DICTSET,
  DICTMERGE,
  NEWSTRUCT,
  NEWENUM,
  NEWTAGGED,
  GETINDEX,
  GETINDEXMUT,
  SETINDEX,
  GETFIELD,
  GETFIELDOPT,
  GETFIELDMUT,
  SETFIELD,
  TOSTR,
  CONCAT,
  FORPREP,
  FORITER,
  FORRANGE,
  TRY,
  ENDTRY,
  THROW,
  ERROR,
  TRYOP,
  MATCHTAG,
  MATCHBIND,
  YIELD,
  IMPORT,
  IMPORTNAME,
  UNPACK,
  UNPACKREST,
  UNPACKKEY,
  UNPACKDICTREST,
  HALT,
}

/** Operand kinds (a b c) and a description, per opcode. */
const OPCODE_INFO: { readonly [K in keyof typeof Op]: readonly [operands: string, doc: string] } = {
  NOP: ["___", "no operation"],
  MOVE: ["RR_", "R[a] = R[b] (plain copy between temporaries)"],
  MOVES: ["RR_", "R[a] = R[b], marking a compound value shared (new holder)"],
  LOADK: ["RK_", "R[a] = K[b]"],
  LOADI: ["RI_", "R[a] = int b"],
  LOADNULL: ["R__", "R[a] = null"],
  LOADBOOL: ["RI_", "R[a] = (b != 0)"],
  GETGLOBAL: ["RG_", "R[a] = G[b]; undefined -> Undefined variable"],
  SETGLOBAL: ["RG_", "G[b] = R[a] (checks mutability; defines a mutable global if undefined)"],
  DEFGLOBAL: ["RGI", "define G[b] = R[a] with binding kind c"],
  CHECKGLOBALMUT: ["_G_", "error unless G[b] may be mutated through"],
  GETDYN: ["RGR", "R[a] = R[c] if defined, else G[b] (bare := names inside functions)"],
  SETDYN: ["RGR", "G[b] = R[a] if G[b] is defined, else R[c] = R[a]"],
  GETUPVAL: ["RU_", "R[a] = cells[b]"],
  GETUPDYN: ["RGU", "R[a] = cells[c], or G[b] when the captured := local was never assigned"],
  SETUPVAL: ["RU_", "cells[b] = R[a]"],
  ADD: ["RRR", "R[a] = R[b] + R[c]"],
  SUB: ["RRR", "R[a] = R[b] - R[c]"],
  MUL: ["RRR", "R[a] = R[b] * R[c]"],
  DIV: ["RRR", "R[a] = R[b] / R[c]"],
  MOD: ["RRR", "R[a] = R[b] % R[c]"],
  ADDI: ["RRI", "R[a] = R[b] + c"],
  SUBI: ["RRI", "R[a] = R[b] - c"],
  MULI: ["RRI", "R[a] = R[b] * c"],
  DIVI: ["RRI", "R[a] = R[b] / c"],
  MODI: ["RRI", "R[a] = R[b] % c"],
  NEG: ["RR_", "R[a] = -R[b]"],
  NOT: ["RR_", "R[a] = !R[b] (bools only)"],
  TOBOOL: ["RR_", "R[a] = truthy(R[b])"],
  EQ: ["RRR", "R[a] = R[b] == R[c]"],
  NE: ["RRR", "R[a] = R[b] != R[c]"],
  LT: ["RRR", "R[a] = R[b] < R[c]"],
  LE: ["RRR", "R[a] = R[b] <= R[c]"],
  GT: ["RRR", "R[a] = R[b] > R[c]"],
  GE: ["RRR", "R[a] = R[b] >= R[c]"],
  JMP: ["J__", "pc = a"],
  ENDPROLOGUE: ["J__", "pc = a: back from the prologue to the function body (never a loop back edge)"],
  JMPF: ["RJ_", "if !truthy(R[a]) pc = b"],
  JMPT: ["RJ_", "if truthy(R[a]) pc = b"],
  JMPNN: ["RJ_", "if R[a] !== null pc = b"],
  JNEQ: ["RRJ", "if !(R[a] == R[b]) pc = c"],
  JNNE: ["RRJ", "if !(R[a] != R[b]) pc = c"],
  JNLT: ["RRJ", "if !(R[a] < R[b]) pc = c"],
  JNLE: ["RRJ", "if !(R[a] <= R[b]) pc = c"],
  JNGT: ["RRJ", "if !(R[a] > R[b]) pc = c"],
  JNGE: ["RRJ", "if !(R[a] >= R[b]) pc = c"],
  JNLTI: ["RIJ", "if !(R[a] < b) pc = c"],
  JNLEI: ["RIJ", "if !(R[a] <= b) pc = c"],
  JNGTI: ["RIJ", "if !(R[a] > b) pc = c"],
  JNGEI: ["RIJ", "if !(R[a] >= b) pc = c"],
  JNEQI: ["RIJ", "if !(R[a] == b) pc = c"],
  JNNEI: ["RIJ", "if !(R[a] != b) pc = c"],
  JLT: ["RRJ", "if R[a] < R[b] pc = c"],
  JLE: ["RRJ", "if R[a] <= R[b] pc = c"],
  JGT: ["RRJ", "if R[a] > R[b] pc = c"],
  JGE: ["RRJ", "if R[a] >= R[b] pc = c"],
  JEQ: ["RRJ", "if R[a] == R[b] pc = c"],
  JNE: ["RRJ", "if R[a] != R[b] pc = c"],
  JLTI: ["RIJ", "if R[a] < b pc = c"],
  JLEI: ["RIJ", "if R[a] <= b pc = c"],
  JGTI: ["RIJ", "if R[a] > b pc = c"],
  JGEI: ["RIJ", "if R[a] >= b pc = c"],
  JEQI: ["RIJ", "if R[a] == b pc = c"],
  JNEI: ["RIJ", "if R[a] != b pc = c"],
  INCJLT: ["RRJ", "R[a] += 1; if R[a] < R[b] pc = c, else skip the next instruction (the loop's entry test)"],
  INCJLE: ["RRJ", "R[a] += 1; if R[a] <= R[b] pc = c, else skip the next instruction"],
  CALL: ["RN_", "R[a] = R[a](R[a+1] .. R[a+b])"],
  CALLG: ["RNG", "R[a] = G[c](R[a+1] .. R[a+b]) (callee read from a global)"],
  CALLMETHOD: ["RNK", "R[a] = method K[c] of R[a+1] called with R[a+1] .. R[a+1+b]"],
  PUSHVAR: ["RRR", "R[a] = R[b](R[a], R[c]); in place when R[b] is push/append and R[a] is unshared"],
  RETURN: ["R__", "return R[a]"],
  RETNULL: ["___", "return null"],
  CLOSURE: ["RP_", "R[a] = closure of proto P[b] capturing per its capture list"],
  NEWARRAY: ["RRN", "R[a] = [R[b] .. R[b+c-1]] (shares elements)"],
  APPEND: ["RR_", "R[a] (fresh array) gets R[b] appended"],
  EXTEND: ["RR_", "R[a] (fresh array) gets the elements of R[b] (spread)"],
  NEWDICT: ["R__", "R[a] = {}"],
  DICTSET: ["RRR", "R[a] (fresh dict)[R[b]] = R[c]"],
  DICTMERGE: ["RR_", "R[a] (fresh dict) gets the entries of R[b] (spread)"],
  NEWSTRUCT: ["RRK", "R[a] = struct of layout K[c] with values R[b] .."],
  NEWENUM: ["RRK", "R[a] = enum value K[c] = [enum, variant, argc] with args R[b] .."],
  NEWTAGGED: ["RRI", "R[a] = tag c (0 Ok, 1 Err, 2 Some, 3 None) of R[b]"],
  GETINDEX: ["RRR", "R[a] = R[b][R[c]]"],
  GETINDEXMUT: ["RRR", "R[a] = R[b][R[c]], making both container and element unshared"],
  SETINDEX: ["RRR", "R[a][R[b]] = R[c] (copy-on-write on R[a])"],
  GETFIELD: ["RRK", "R[a] = R[b].K[c]"],
  GETFIELDOPT: ["RRK", "R[a] = R[b]?.K[c]"],
  GETFIELDMUT: ["RRK", "R[a] = R[b].K[c], making both unshared"],
  SETFIELD: ["RKR", "R[a].K[b] = R[c] (copy-on-write on R[a])"],
  TOSTR: ["RR_", "R[a] = to_string(R[b])"],
  CONCAT: ["RRN", "R[a] = R[b] + ... + R[b+c-1] (strings)"],
  FORPREP: ["RR_", "iterator R[a], R[a+1] = snapshot of R[b], position 0"],
  FORITER: ["RRJ", "if iterator R[a] has a next value: R[b] = it, pc = c (the loop body)"],
  FORRANGE: ["RRN", "if R[b] is range and R[b+1] .. R[b+c] int bounds: iterator R[a] = stop, R[a+1] = start, pc += FORRANGE_SKIP (past the CALL b c and FORPREP a b that follow)"],
  TRY: ["JR_", "push handler at pc a binding the error to R[b]"],
  ENDTRY: ["___", "pop the innermost handler"],
  THROW: ["R__", "throw R[a]"],
  ERROR: ["K__", "raise runtime error with message K[a]"],
  TRYOP: ["RR_", "R[a] = payload of Ok/Some R[b], else return R[b] from the function"],
  MATCHTAG: ["RKJ", "if R[a] does not match pattern K[b], pc = c"],
  MATCHBIND: ["RR_", "R[a] = payload of matched R[b]"],
  YIELD: ["RR_", "suspend generator yielding R[b]; resume with R[a] = null"],
  IMPORT: ["M__", "run module a's top level once"],
  IMPORTNAME: ["GMK", "G[a] = export K[c] of module b"],
  UNPACK: ["RRI", "R[a] = element c of array R[b], or null"],
  UNPACKREST: ["RRI", "R[a] = elements c.. of array R[b]"],
  UNPACKKEY: ["RRK", "R[a] = R[b][K[c]] of dict, or null"],
  UNPACKDICTREST: ["RRK", "R[a] = dict R[b] without the keys in array K[c]"],
  HALT: ["___", "end of the module's top level"],
};

export const OP_COUNT = Object.keys(OPCODE_INFO).length;
export const OP_NAMES: readonly string[] = Array.from({ length: OP_COUNT }, (_, i) => Op[i]);
export const OP_OPERANDS: readonly (readonly Operand[])[] = OP_NAMES.map((n) => OPCODE_INFO[n as keyof typeof Op][0].split("") as Operand[]);
export const OP_DOC: readonly string[] = OP_NAMES.map((n) => OPCODE_INFO[n as keyof typeof Op][1]);

/** How a closure captures one variable when it is created. */
export interface Capture {
  /** true: a register of the enclosing frame; false: a cell of the enclosing closure. */
  fromRegister: boolean;
  index: number;
  name: string;
}

/** Per-instruction inline cache for field reads (struct layout id -> slot). */
export interface FieldCache {
  layout: unknown;
  slot: number;
}

export class FunctionProto {
  code: Int32Array = new Int32Array(0);
  /** Source line and column per instruction (indexed by pc >> 2). */
  lines: Int32Array = new Int32Array(0);
  cols: Int32Array = new Int32Array(0);
  consts: Value[] = [];
  protos: FunctionProto[] = [];
  captures: Capture[] = [];
  /** Register count of a frame (parameters first, then locals and temporaries). */
  nslots = 0;
  /** Cells index that must hold the closure itself (nested named recursion), or -1. */
  selfCell = -1;
  /** Inline caches, one entry per instruction that uses one (indexed by pc >> 2). */
  caches: (FieldCache | undefined)[] = [];
  isGenerator = false;
  /** Methods get the receiver as an implicit first parameter (register 0). */
  isMethod = false;
  /** Where a call starts: past the prologue slot when the function needs no prologue. */
  entryPc = 0;
  /** The arity when a plain CALL can push a frame directly (not a generator or method), else -1. */
  directArity = -1;
  /** The interpreter's runtime state of this function's module (set when a program starts). */
  runtimeModule: unknown = null;
  /**
   * Hot counters of loop headers, indexed by the header's pc >> 2: a taken backward
   * jump to a header decrements its counter; reaching zero calls the JIT hook.
   */
  hotCounts: Int32Array = new Int32Array(0);
  /** Calls left before the function entry is hot (JitHook.hotCall). */
  callCount = 0;

  constructor(
    readonly name: string,
    /** Declared parameter count (excludes a method's receiver). */
    readonly arity: number,
    readonly module: ModuleInfo,
  ) {}
}

/** A compiled module: its globals table and its top-level code. */
export interface ModuleInfo {
  readonly file: string;
  readonly index: number;
  globalNames: string[];
  /** Names this module exports; null when it has no `export` (then everything is visible). */
  exports: Set<string> | null;
  main: FunctionProto | null;
}

export function disassemble(proto: FunctionProto, out: string[] = [], depth = 0): string[] {
  const pad = "  ".repeat(depth);
  out.push(`${pad}function ${proto.name} (arity ${proto.arity}, ${proto.nslots} slots, ${proto.captures.length} captures)`);
  const code = proto.code;
  for (let pc = 0; pc < code.length; pc += 4) {
    const op = code[pc];
    const kinds = OP_OPERANDS[op];
    const parts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const kind = kinds[i];
      const word = code[pc + 1 + i];
      if (kind === "_") continue;
      if (kind === "K") parts.push(`K${word}(${describeConst(proto.consts[word])})`);
      else if (kind === "G") parts.push(`G${word}(${proto.module.globalNames[word]})`);
      else parts.push(`${kind === "I" || kind === "N" ? "" : kind}${word}`);
    }
    const line = `${pad}  ${String(pc).padStart(5)}  ${OP_NAMES[op].padEnd(14)} ${parts.join(" ")}`;
    out.push(`${line.padEnd(60)} ; ${proto.lines[pc >> 2]}:${proto.cols[pc >> 2]}`);
  }
  for (const child of proto.protos) disassemble(child, out, depth + 1);
  return out;
}

function describeConst(v: Value): string {
  if (typeof v === "string") return JSON.stringify(v.length > 20 ? v.slice(0, 20) + "..." : v);
  if (v !== null && typeof v === "object" && "v" in v) return `${(v as { v: number }).v}f`;
  if (Array.isArray(v)) return "[...]";
  return String(v);
}
