// The bytecode interpreter: one value stack addressed through frame bases, an explicit
// frame stack (Ruff calls never recurse in JS, so deep recursion cannot overflow node's
// stack), a handler stack for try/except, and the dispatch loop. The loop keeps the
// current frame's fields in locals; any frame change saves pc and restarts the outer
// loop, which reloads them.

import { FunctionProto, Op, type ModuleInfo, type FieldCache } from "./bytecode";
import {
  RArray, RBoundMethod, RDict, REnum, RFloat, RFunction, RGenerator, RNative, RStruct, RTagged, RuffError,
  cloneArray, share, typeName, type Value, type StructLayout,
} from "./value";
import { arith, compare, equals, negate, not, truthy, dictKey, type ArithOp } from "./ops";
import { formatValue } from "./format";
import { createBuiltins, BUILTIN_CONSTANTS, type BuiltinHost } from "./builtins/index";
import { attachSite, errorStruct, thrownMessage } from "./errors";
import {
  getIndex, setIndex, getIndexForUpdate, getFieldSlow, setField, getFieldForUpdate, iterationSource,
  matchesPattern, matchPayload, unpackElement, unpackRest, unpackKey, unpackDictRest, indexOutOfBounds,
} from "./access";
import { GLOBAL_KIND } from "../frontend/funcstate";
import { UNDEFINED_MARK, type CompiledProgram } from "../frontend/compiler";

const UNDEF = UNDEFINED_MARK as unknown as Value;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const FRAME_NORMAL = 0;
const FRAME_GENERATOR = 1;
const ARITH_OPS: ArithOp[] = ["+", "-", "*", "/", "%"];
const OVERLOAD_METHOD = ["op_add", "op_sub", "op_mul", "op_div", "op_mod"];
/** Methods on arrays that are the free functions of the same name (`xs.map(f)`). */
const ARRAY_METHODS = new Set(["map", "filter", "reduce", "collect", "take", "skip", "zip", "enumerate", "flatten", "chunk"]);

interface GeneratorState {
  fn: RFunction;
  regs: Value[];
  pc: number;
  done: boolean;
  hasPending: boolean;
  pending: Value;
}

class Frame {
  proto!: FunctionProto;
  cells!: Value[];
  module!: ModuleRuntime;
  base = 0;
  pc = 0;
  /** Absolute stack index receiving the return value (-1: none). */
  ret = -1;
  kind = FRAME_NORMAL;
  gen: GeneratorState | null = null;
}

class ModuleRuntime {
  readonly globals: Value[];
  readonly kinds: Uint8Array;
  ran = false;
  constructor(readonly info: ModuleInfo) {
    this.globals = new Array(info.globalNames.length).fill(UNDEF);
    this.kinds = new Uint8Array(info.globalNames.length);
  }
}

export interface InterpreterOptions {
  maxDepth: number;
  scriptArgs: readonly string[];
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
  readLine(): string | null;
}

export class Interpreter {
  private stack: Value[] = packedNulls(1 << 16);
  private frames: Frame[] = [];
  private fp = -1;
  private hDepth: number[] = [];
  private hPc: number[] = [];
  private hReg: number[] = [];
  private readonly modules: ModuleRuntime[];
  private readonly methods = new Map<string, Map<string, RFunction>>();
  private readonly builtins: Map<string, RNative>;
  private readonly pushNative: RNative | undefined;
  private readonly appendNative: RNative | undefined;

  constructor(program: CompiledProgram, private readonly options: InterpreterOptions) {
    const host: BuiltinHost = {
      call: (fn, args) => this.callValue(fn, args),
      out: options.out,
      err: options.err,
      scriptArgs: options.scriptArgs,
      exit: options.exit,
      readLine: options.readLine,
    };
    this.builtins = createBuiltins(host);
    this.pushNative = this.builtins.get("push");
    this.appendNative = this.builtins.get("append");
    const constants = new Map<string, Value>(BUILTIN_CONSTANTS);
    this.modules = program.modules.map((info) => {
      const m = new ModuleRuntime(info);
      info.globalNames.forEach((name, i) => {
        const v = this.builtins.get(name) ?? constants.get(name);
        if (v !== undefined) {
          m.globals[i] = v;
          m.kinds[i] = GLOBAL_KIND.builtin;
        }
      });
      return m;
    });
    for (const [struct, table] of program.methods) {
      const fns = new Map<string, RFunction>();
      for (const [name, proto] of table) fns.set(name, new RFunction(proto, []));
      this.methods.set(struct, fns);
    }
  }

  /** Run the entry module's top level. */
  runMain(): void {
    this.runModule(0);
  }

  private runModule(index: number): void {
    const m = this.modules[index];
    if (m.ran) return;
    m.ran = true;
    this.pushFrame(new RFunction(m.info.main!, []), this.topOfStack(), -1, FRAME_NORMAL);
    this.execute(this.fp);
  }

  /** Call a Ruff callable from JS (builtins' callbacks, operator overloading). */
  callValue(fn: Value, args: Value[]): Value {
    if (fn instanceof RNative) return this.callNative(fn, args);
    if (fn instanceof RBoundMethod) return this.callValue(fn.method, [fn.receiver, ...args]);
    if (!(fn instanceof RFunction)) throw notCallable();
    const base = this.topOfStack();
    this.ensureStack(base + args.length + 1);
    for (let i = 0; i < args.length; i++) this.stack[base + i] = args[i];
    this.checkArity(fn.proto, args.length);
    if (fn.proto.isGenerator) return this.newGenerator(fn, base, args.length);
    for (const a of args) share(a);
    this.pushFrame(fn, base, -1, FRAME_NORMAL);
    return this.execute(this.fp);
  }

  private topOfStack(): number {
    if (this.fp < 0) return 0;
    const f = this.frames[this.fp];
    return f.base + f.proto.nslots;
  }

  private ensureStack(n: number): void {
    const stack = this.stack;
    if (n + 256 > stack.length) {
      const target = Math.max(stack.length * 2, n + 256);
      for (let i = stack.length; i < target; i++) stack.push(null);
    }
  }

  private pushFrame(fn: RFunction, base: number, ret: number, kind: number): Frame {
    const depth = this.fp + 1;
    if (depth > this.options.maxDepth) {
      throw new RuffError(`Maximum call stack depth of ${this.options.maxDepth} exceeded while calling ${fn.proto.name}`);
    }
    this.ensureStack(base + fn.proto.nslots);
    let f = this.frames[depth];
    if (f === undefined) this.frames[depth] = f = new Frame();
    f.proto = fn.proto;
    f.cells = fn.cells;
    f.module = this.modules[fn.proto.module.index];
    f.base = base;
    f.pc = fn.proto.entryPc;
    f.ret = ret;
    f.kind = kind;
    f.gen = null;
    this.fp = depth;
    return f;
  }

  private checkArity(proto: FunctionProto, nargs: number): void {
    const expected = proto.arity + (proto.isMethod ? 1 : 0);
    if (nargs !== expected) {
      throw new RuffError(`${proto.name} expects ${proto.arity} arguments, got ${nargs - (proto.isMethod ? 1 : 0)}`);
    }
  }

  private callNative(fn: RNative, args: Value[]): Value {
    const n = args.length;
    if (n < fn.minArgs || (fn.maxArgs >= 0 && n > fn.maxArgs)) {
      const want = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs < 0 ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw new RuffError(`${fn.name} expects ${want} arguments, got ${n}`);
    }
    return fn.fn(args);
  }

  private newGenerator(fn: RFunction, argBase: number, nargs: number): RGenerator {
    const regs: Value[] = new Array(fn.proto.nslots).fill(null);
    for (let i = 0; i < nargs; i++) regs[i] = share(this.stack[argBase + i]);
    const state: GeneratorState = { fn, regs, pc: fn.proto.entryPc, done: false, hasPending: false, pending: null };
    return new RGenerator(state);
  }

  /**
   * Invoke callee R[a] with the nargs values above it, for every callable kind. Returns
   * true when a Ruff frame was pushed (the dispatch loop must switch to it).
   */
  private invoke(a: number, nargs: number): boolean {
    const stack = this.stack;
    const fnv = stack[a];
    if (fnv instanceof RFunction) {
      const proto = fnv.proto;
      this.checkArity(proto, nargs);
      if (proto.isGenerator) {
        stack[a] = this.newGenerator(fnv, a + 1, nargs);
        return false;
      }
      for (let i = 1; i <= nargs; i++) {
        const v = stack[a + i];
        if (typeof v === "object" && v !== null) share(v);
      }
      this.pushFrame(fnv, a + 1, a, FRAME_NORMAL);
      return true;
    }
    if (fnv instanceof RNative) {
      stack[a] = this.callNative(fnv, stack.slice(a + 1, a + 1 + nargs));
      return false;
    }
    if (fnv instanceof RBoundMethod) {
      for (let i = a + nargs; i > a; i--) stack[i + 1] = stack[i];
      stack[a + 1] = fnv.receiver;
      stack[a] = fnv.method;
      return this.invoke(a, nargs + 1);
    }
    throw notCallable();
  }

  private methodFor(layout: StructLayout, name: string): RFunction | undefined {
    return this.methods.get(layout.name)?.get(name);
  }

  /** Resolve `recv.name(...)` into R[a] (absolute); returns false when R[a+1] must not get the receiver. */
  private resolveMethod(a: number, name: string): void {
    const stack = this.stack;
    const recv = stack[a + 1];
    if (recv instanceof RStruct) {
      const slot = recv.layout.index.get(name);
      if (slot !== undefined) {
        stack[a] = recv.values[slot];
        return;
      }
      const m = this.methodFor(recv.layout, name);
      if (m === undefined) throw new RuffError(`Undefined method '${name}' for struct ${recv.layout.name}`);
      stack[a] = m;
      return;
    }
    if (recv instanceof RArray && ARRAY_METHODS.has(name)) {
      const native = this.builtins.get(name);
      if (native) {
        stack[a] = native;
        return;
      }
    }
    if (recv instanceof RDict) {
      const v = recv.map.get(name);
      if (v !== undefined) {
        stack[a] = v;
        return;
      }
    }
    throw new RuffError(`Cannot access field or method '${name}' on non-struct value`);
  }

  /** Arithmetic slow path: overloaded operators on structs, then the generic semantics. */
  private arithSlow(opIndex: number, x: Value, y: Value): Value {
    if (x instanceof RStruct) {
      const m = this.methodFor(x.layout, OVERLOAD_METHOD[opIndex]);
      if (m !== undefined) return share(this.callValue(m, [x, y]));
    }
    return arith(ARITH_OPS[opIndex], x, y);
  }

  private unarySlow(isNeg: boolean, x: Value): Value {
    if (x instanceof RStruct) {
      const m = this.methodFor(x.layout, isNeg ? "op_neg" : "op_not");
      if (m !== undefined) return share(this.callValue(m, [x]));
    }
    return isNeg ? negate(x) : not(x);
  }

  private callStackNames(): string[] {
    const names: string[] = [];
    for (let i = this.fp; i >= 0; i--) {
      const p = this.frames[i].proto;
      if (p.name !== "<main>") names.push(p.name);
    }
    return names;
  }

  /** Unwind to the innermost handler at depth >= entryDepth; false when there is none. */
  private catchError(err: RuffError, entryDepth: number): boolean {
    const n = this.hDepth.length;
    if (n === 0 || this.hDepth[n - 1] < entryDepth) return false;
    const depth = this.hDepth.pop()!;
    const pc = this.hPc.pop()!;
    const reg = this.hReg.pop()!;
    this.fp = depth;
    this.frames[depth].pc = pc;
    this.stack[reg] = errorStruct(err);
    return true;
  }

  private popHandlersOf(depth: number): void {
    const hd = this.hDepth;
    while (hd.length > 0 && hd[hd.length - 1] >= depth) {
      hd.pop();
      this.hPc.pop();
      this.hReg.pop();
    }
  }

  /** Convert any exception leaving an instruction into a RuffError with a position. */
  private toRuffError(e: unknown, pc: number): RuffError {
    let err: RuffError;
    if (e instanceof RuffError) err = e;
    else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      err = new RuffError(`Maximum call stack depth exceeded (native recursion)`);
    } else throw e;
    const f = this.frames[this.fp];
    attachSite(err, {
      file: f.proto.module.file,
      line: f.proto.lines[pc >> 2],
      col: f.proto.cols[pc >> 2],
      callStack: this.callStackNames(),
    });
    return err;
  }

  /**
   * Run frames from the current one until the frame at entryDepth returns; returns its
   * value. Errors not handled at or above entryDepth unwind those frames and propagate.
   */
  private execute(entryDepth: number): Value {
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
      let cells = f.cells;
      let globals = f.module.globals;
      let kinds = f.module.kinds;
      let base = f.base;
      let pc = f.pc;
      try {
        for (;;) {
          switch (code[pc]) {
            case Op.MOVE:
              stack[base + code[pc + 1]] = stack[base + code[pc + 2]];
              pc += 4;
              continue;
            case Op.MOVES: {
              const v = stack[base + code[pc + 2]];
              if (typeof v === "object" && v !== null) share(v);
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
              const kind = kinds[g];
              if (kind === GLOBAL_KIND.let || kind === GLOBAL_KIND.const) throw reassignGlobal(kind, proto.module.globalNames[g]);
              if (kind === GLOBAL_KIND.undefined) kinds[g] = GLOBAL_KIND.mut;
              globals[g] = stack[base + code[pc + 1]];
              pc += 4;
              continue;
            }
            case Op.GETUPVAL:
              stack[base + code[pc + 1]] = cells[code[pc + 2]];
              pc += 4;
              continue;
            case Op.SETUPVAL:
              cells[code[pc + 2]] = stack[base + code[pc + 1]];
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
            case Op.JMP:
              pc = code[pc + 1];
              continue;
            case Op.JMPF: {
              const v = stack[base + code[pc + 1]];
              pc = (v === true || (v !== false && truthy(v))) ? pc + 4 : code[pc + 2];
              continue;
            }
            case Op.JMPT: {
              const v = stack[base + code[pc + 1]];
              pc = (v === true || (v !== false && truthy(v))) ? code[pc + 2] : pc + 4;
              continue;
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
            case Op.JLT:
              pc = lt(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JLE:
              pc = le(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JGT:
              pc = gt(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JGE:
              pc = ge(stack[base + code[pc + 1]], stack[base + code[pc + 2]]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JEQ:
            case Op.JNE: {
              const x = stack[base + code[pc + 1]];
              const y = stack[base + code[pc + 2]];
              const eq = typeof x === "number" && typeof y === "number" ? x === y : equals(x, y);
              pc = eq === (code[pc] === Op.JEQ) ? code[pc + 3] : pc + 4;
              continue;
            }
            case Op.JLTI:
              pc = lt(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JLEI:
              pc = le(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JGTI:
              pc = gt(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JGEI:
              pc = ge(stack[base + code[pc + 1]], code[pc + 2]) ? code[pc + 3] : pc + 4;
              continue;
            case Op.JEQI:
            case Op.JNEI: {
              const x = stack[base + code[pc + 1]];
              const eq = typeof x === "number" ? x === code[pc + 2] : equals(x, code[pc + 2]);
              pc = eq === (code[pc] === Op.JEQI) ? code[pc + 3] : pc + 4;
              continue;
            }
            case Op.CALL: {
              const a = base + code[pc + 1];
              const nargs = code[pc + 2];
              const fnv = stack[a];
              f.pc = pc + 4;
              if (fnv instanceof RFunction && !fnv.proto.isGenerator && fnv.proto.arity === nargs && !fnv.proto.isMethod) {
                for (let i = 1; i <= nargs; i++) {
                  const v = stack[a + i];
                  if (typeof v === "object" && v !== null) share(v);
                }
                f.pc = pc + 4;
                this.pushFrame(fnv, a + 1, a, FRAME_NORMAL);
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
                target.items.push(v);
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
                const items = o.items;
                const i = k < 0 ? k + items.length : k;
                if (i >= 0 && i < items.length) {
                  stack[base + code[pc + 1]] = items[i];
                  pc += 4;
                  continue;
                }
                throw indexOutOfBounds(k);
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
                const items = o.items;
                const i = k < 0 ? k + items.length : k;
                if (i >= 0 && i < items.length) {
                  if (typeof v === "object" && v !== null) share(v);
                  items[i] = v;
                  pc += 4;
                  continue;
                }
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
                  pc = code[pc + 3];
                } else pc += 4;
                continue;
              }
              if (src instanceof RArray || Array.isArray(src)) {
                const items = src instanceof RArray ? src.items : src;
                if (i < items.length) {
                  stack[base + code[pc + 2]] = share(items[i]);
                  stack[it + 1] = i + 1;
                  pc = code[pc + 3];
                } else pc += 4;
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
          // A `break` out of the switch means the current frame changed.
          if (--budget === 0) return FRAME_SWITCH;
          f = this.frames[this.fp];
          proto = f.proto;
          code = proto.code;
          consts = proto.consts;
          cells = f.cells;
          globals = f.module.globals;
          kinds = f.module.kinds;
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

  /**
   * Opcodes that are rarely hot, kept out of runFrame so that function stays small
   * enough for V8 to optimise quickly. Returns the next pc, or -1 when the frame changed.
   */
  private coldOp(f: Frame, pc: number): number {
    const stack = this.stack;
    const proto = f.proto;
    const code = proto.code;
    const consts = proto.consts;
    const cells = f.cells;
    const globals = f.module.globals;
    const kinds = f.module.kinds;
    const base = f.base;
    switch (code[pc]) {
        case Op.NOP:
          return pc + 4;
        case Op.DEFGLOBAL: {
          const g = code[pc + 2];
          const kind = kinds[g];
          if (kind !== GLOBAL_KIND.undefined && kind !== GLOBAL_KIND.builtin) {
            throw new RuffError(`Duplicate declaration in the same scope: ${proto.module.globalNames[g]}`);
          }
          kinds[g] = code[pc + 3];
          globals[g] = stack[base + code[pc + 1]];
          return pc + 4;
        }
        case Op.CHECKGLOBALMUT: {
          const g = code[pc + 2];
          const kind = kinds[g];
          const name = proto.module.globalNames[g];
          if (kind === GLOBAL_KIND.let) throw new RuffError(`Cannot mutate immutable let binding: ${name}`);
          if (kind === GLOBAL_KIND.const) throw new RuffError(`Cannot mutate const binding: ${name}`);
          if (kind === GLOBAL_KIND.undefined) throw new RuffError(`Undefined variable: ${name}`);
          return pc + 4;
        }
        case Op.GETDYN: {
          let v = stack[base + code[pc + 3]];
          if (v === UNDEF) {
            v = globals[code[pc + 2]];
            if (v === UNDEF) throw new RuffError(`Undefined variable: ${proto.module.globalNames[code[pc + 2]]}`);
          }
          stack[base + code[pc + 1]] = v;
          return pc + 4;
        }
        case Op.SETDYN: {
          const local = base + code[pc + 3];
          const g = code[pc + 2];
          const v = stack[base + code[pc + 1]];
          if (stack[local] === UNDEF && kinds[g] !== GLOBAL_KIND.undefined) {
            const kind = kinds[g];
            if (kind === GLOBAL_KIND.let || kind === GLOBAL_KIND.const) throw reassignGlobal(kind, proto.module.globalNames[g]);
            globals[g] = v;
          } else {
            stack[local] = v;
          }
          return pc + 4;
        }
        case Op.NEG: {
          const x = stack[base + code[pc + 2]];
          stack[base + code[pc + 1]] = typeof x === "number" ? 0 - x : this.unarySlow(true, x);
          return pc + 4;
        }
        case Op.NOT: {
          const x = stack[base + code[pc + 2]];
          stack[base + code[pc + 1]] = typeof x === "boolean" ? !x : this.unarySlow(false, x);
          return pc + 4;
        }
        case Op.TOBOOL:
          stack[base + code[pc + 1]] = truthy(stack[base + code[pc + 2]]);
          return pc + 4;
        case Op.JMPNN:
          return stack[base + code[pc + 1]] !== null ? code[pc + 2] : pc + 4;
        case Op.CLOSURE: {
          const child = proto.protos[code[pc + 2]];
          const captured: Value[] = new Array(child.captures.length);
          for (let i = 0; i < captured.length; i++) {
            const c = child.captures[i];
            captured[i] = share(c.fromRegister ? stack[base + c.index] : cells[c.index]);
          }
          const fn = new RFunction(child, captured);
          if (child.selfCell >= 0) captured[child.selfCell] = fn;
          stack[base + code[pc + 1]] = fn;
          return pc + 4;
        }
        case Op.APPEND:
          (stack[base + code[pc + 1]] as RArray).items.push(share(stack[base + code[pc + 2]]));
          return pc + 4;
        case Op.EXTEND: {
          const src = stack[base + code[pc + 2]];
          if (!(src instanceof RArray)) throw new RuffError(`Cannot spread ${typeName(src)} into an array`);
          const items = (stack[base + code[pc + 1]] as RArray).items;
          for (const v of src.items) items.push(share(v));
          return pc + 4;
        }
        case Op.NEWDICT:
          stack[base + code[pc + 1]] = new RDict(new Map());
          return pc + 4;
        case Op.DICTSET:
          (stack[base + code[pc + 1]] as RDict).map.set(dictKey(stack[base + code[pc + 2]]), share(stack[base + code[pc + 3]]));
          return pc + 4;
        case Op.DICTMERGE: {
          const src = stack[base + code[pc + 2]];
          if (!(src instanceof RDict)) throw new RuffError(`Cannot spread ${typeName(src)} into a dict`);
          const map = (stack[base + code[pc + 1]] as RDict).map;
          for (const [k, v] of src.map) map.set(k, share(v));
          return pc + 4;
        }
        case Op.NEWENUM: {
          const [enumName, variant, argc] = consts[code[pc + 3]] as unknown as [string, string, number];
          const b = base + code[pc + 2];
          const args: Value[] = [];
          for (let i = 0; i < argc; i++) args.push(share(stack[b + i]));
          stack[base + code[pc + 1]] = new REnum(enumName, variant, args);
          return pc + 4;
        }
        case Op.NEWTAGGED: {
          const tag = TAGS[code[pc + 3]];
          stack[base + code[pc + 1]] = new RTagged(tag, tag === "None" ? null : share(stack[base + code[pc + 2]]));
          return pc + 4;
        }
        case Op.GETINDEXMUT: {
          const [container, elem] = getIndexForUpdate(stack[base + code[pc + 2]], stack[base + code[pc + 3]]);
          stack[base + code[pc + 2]] = container;
          stack[base + code[pc + 1]] = elem;
          return pc + 4;
        }
        case Op.GETFIELDMUT: {
          const [container, elem] = getFieldForUpdate(stack[base + code[pc + 2]], consts[code[pc + 3]] as string);
          stack[base + code[pc + 2]] = container;
          stack[base + code[pc + 1]] = elem;
          return pc + 4;
        }
        case Op.SETFIELD: {
          const a = base + code[pc + 1];
          stack[a] = setField(stack[a], consts[code[pc + 2]] as string, stack[base + code[pc + 3]]);
          return pc + 4;
        }
        case Op.FORPREP: {
          const it = base + code[pc + 1];
          stack[it] = iterationSource(stack[base + code[pc + 2]]) as Value;
          stack[it + 1] = 0;
          return pc + 4;
        }
        case Op.TRY:
          this.hDepth.push(this.fp);
          this.hPc.push(code[pc + 1]);
          this.hReg.push(base + code[pc + 2]);
          return pc + 4;
        case Op.ENDTRY:
          this.hDepth.pop();
          this.hPc.pop();
          this.hReg.pop();
          return pc + 4;
        case Op.THROW: {
          const v = stack[base + code[pc + 1]];
          throw new RuffError(thrownMessage(v), v);
        }
        case Op.ERROR:
          throw new RuffError(consts[code[pc + 1]] as string);
        case Op.MATCHTAG:
          return matchesPattern(stack[base + code[pc + 1]], consts[code[pc + 2]] as string) ? pc + 4 : code[pc + 3];
        case Op.MATCHBIND:
          stack[base + code[pc + 1]] = share(matchPayload(stack[base + code[pc + 2]]));
          return pc + 4;
        case Op.IMPORT:
          f.pc = pc + 4;
          this.runModule(code[pc + 1]);
          return pc + 4;
        case Op.IMPORTNAME: {
          const m = this.modules[code[pc + 2]];
          const name = consts[code[pc + 3]] as string;
          const idx = m.info.globalNames.indexOf(name);
          const v = idx < 0 ? UNDEF : m.globals[idx];
          if (v === UNDEF) throw new RuffError(`Module ${m.info.file} has no export named ${name}`);
          globals[code[pc + 1]] = v;
          kinds[code[pc + 1]] = GLOBAL_KIND.mut;
          return pc + 4;
        }
        case Op.UNPACK:
          stack[base + code[pc + 1]] = unpackElement(stack[base + code[pc + 2]], code[pc + 3]);
          return pc + 4;
        case Op.UNPACKREST:
          stack[base + code[pc + 1]] = unpackRest(stack[base + code[pc + 2]], code[pc + 3]);
          return pc + 4;
        case Op.UNPACKKEY:
          stack[base + code[pc + 1]] = unpackKey(stack[base + code[pc + 2]], consts[code[pc + 3]] as string);
          return pc + 4;
        case Op.UNPACKDICTREST:
          stack[base + code[pc + 1]] = unpackDictRest(stack[base + code[pc + 2]], consts[code[pc + 3]] as string);
          return pc + 4;

      default:
        throw new Error(`internal: bad opcode ${code[pc]} at ${proto.name}:${pc}`);
    }
  }

  private getField(proto: FunctionProto, pc: number, o: Value, name: string): Value {
    if (o instanceof RStruct) {
      const slot = o.layout.index.get(name);
      if (slot !== undefined) {
        proto.caches[pc >> 2] = { layout: o.layout, slot } satisfies FieldCache;
        return o.values[slot];
      }
      const m = this.methodFor(o.layout, name);
      if (m !== undefined) return new RBoundMethod(share(o), m);
      throw new RuffError(`Field not found: ${name}`);
    }
    const v = getFieldSlow(o, name);
    return v === undefined ? null : v;
  }

  private resumeGenerator(gen: GeneratorState, base: number): void {
    const f = this.pushFrame(gen.fn, base, -1, FRAME_GENERATOR);
    f.gen = gen;
    f.pc = gen.pc;
    const regs = gen.regs;
    for (let i = 0; i < regs.length; i++) this.stack[base + i] = regs[i];
  }
}

/**
 * Float and mixed int/float arithmetic (op index: + - * / %). undefined when an operand
 * is not a number, when both are ints (the int path owns them), and for division by
 * zero: the generic path raises those errors.
 */
function floatArith(op: number, x: Value, y: Value): RFloat | undefined {
  let a: number;
  let b: number;
  if (x instanceof RFloat) {
    a = x.v;
    if (y instanceof RFloat) b = y.v;
    else if (typeof y === "number") b = y;
    else return undefined;
  } else if (typeof x === "number" && y instanceof RFloat) {
    a = x;
    b = y.v;
  } else return undefined;
  switch (op) {
    case 0: return new RFloat(a + b);
    case 1: return new RFloat(a - b);
    case 2: return new RFloat(a * b);
    case 3: return b === 0 ? undefined : new RFloat(a / b);
    default: return b === 0 ? undefined : new RFloat(a % b);
  }
}

/** x < y with the number fast paths inline; everything else through ops.compare. */
function lt(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x < y;
    if (y instanceof RFloat) return x < y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v < y.v;
    if (typeof y === "number") return x.v < y;
  }
  return compare("<", x, y);
}

function gt(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x > y;
    if (y instanceof RFloat) return x > y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v > y.v;
    if (typeof y === "number") return x.v > y;
  }
  return compare(">", x, y);
}

function ge(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x >= y;
    if (y instanceof RFloat) return x >= y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v >= y.v;
    if (typeof y === "number") return x.v >= y;
  }
  return compare(">=", x, y);
}

function le(x: Value, y: Value): boolean {
  if (typeof x === "number") {
    if (typeof y === "number") return x <= y;
    if (y instanceof RFloat) return x <= y.v;
  } else if (x instanceof RFloat) {
    if (y instanceof RFloat) return x.v <= y.v;
    if (typeof y === "number") return x.v <= y;
  }
  return compare("<=", x, y);
}

/**
 * Frame switches runFrame handles itself before returning to execute(); returning now
 * and then lets V8 re-optimise runFrame on a normal entry after a deoptimisation.
 */
const FRAME_SWITCH_BUDGET = 1 << 12;

/** Returned by runFrame when the dispatch loop must continue in another frame. */
const FRAME_SWITCH = Symbol("frame switch");

const TAGS: RTagged["tag"][] = ["Ok", "Err", "Some", "None"];

/** A packed (not holey) array of nulls: V8 keeps element access on the fast path. */
function packedNulls(n: number): Value[] {
  const a: Value[] = [];
  for (let i = 0; i < n; i++) a.push(null);
  return a;
}

function notCallable(): RuffError {
  return new RuffError("Cannot call non-function; the value being called is not callable. Pass a function, closure, or imported callable value instead.");
}

function reassignGlobal(kind: number, name: string): RuffError {
  return new RuffError(kind === GLOBAL_KIND.let ? `Cannot reassign immutable let binding: ${name}` : `Cannot reassign const binding: ${name}`);
}
