// Interpreter state and everything around the dispatch loop: the value stack and frame
// stack, module globals, calls of every callable kind, generators, method lookup,
// operator overloading, try/except unwinding, error positions, and the rarely hot
// opcodes. The dispatch loop itself is in interpreter.ts.

import { FunctionProto, Op, FORRANGE_SKIP, type ModuleInfo, type FieldCache } from "./bytecode";
import {
  RArray, RBoundMethod, RDict, REnum, RFunction, RGenerator, RNative, RStruct, RTagged, RuffError,
  share, typeName, type Value, type StructLayout, dictKeyOf
} from "./value";
import { arith, negate, not, truthy, dictKey, type ArithOp } from "./ops";
import { createBuiltins, BUILTIN_CONSTANTS, type BuiltinHost } from "./builtins/index";
import { countedRange } from "./builtins/arrays";
import { attachSite, errorStruct, thrownMessage } from "./errors";
import {
  getIndexForUpdate, getFieldSlow, setField, getFieldForUpdate, iterationSource,
  matchesPattern, matchPayload, unpackElement, unpackRest, unpackKey, unpackDictRest,
} from "./access";
import { GLOBAL_KIND } from "../frontend/funcstate";
import { UNDEFINED_MARK, type CompiledProgram } from "../frontend/compiler";

export const UNDEF = UNDEFINED_MARK as unknown as Value;
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const FRAME_NORMAL = 0;
export const FRAME_GENERATOR = 1;
const ARITH_OPS: ArithOp[] = ["+", "-", "*", "/", "%"];
const OVERLOAD_METHOD = ["op_add", "op_sub", "op_mul", "op_div", "op_mod"];
/** Methods on arrays that are the free functions of the same name (`xs.map(f)`). */
const ARRAY_METHODS = new Set(["map", "filter", "reduce", "collect", "take", "skip", "zip", "enumerate", "flatten", "chunk"]);

export interface GeneratorState {
  fn: RFunction;
  regs: Value[];
  pc: number;
  done: boolean;
  hasPending: boolean;
  pending: Value;
}

export class Frame {
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

export class ModuleRuntime {
  readonly globals: Value[];
  readonly kinds: Uint8Array;
  ran = false;
  constructor(readonly info: ModuleInfo) {
    this.globals = new Array(info.globalNames.length).fill(UNDEF);
    this.kinds = new Uint8Array(info.globalNames.length);
  }
}

/**
 * All the interpreter knows of the JIT (DESIGN section 2: a narrow hook). A taken
 * backward jump decrements the target's hot counter; at zero the interpreter calls
 * hotLoop, which may record a trace or run one, leaving the frame's registers exact,
 * and returns the pc at which the interpreter continues in the same frame.
 */
export interface JitHook {
  /** Initial value of every loop header's hot counter. */
  readonly hotLoopCount: number;
  hotLoop(runtime: Runtime, frame: Frame, header: number): number;
  /** Initial value of every function's call counter. */
  readonly hotCallCount: number;
  /**
   * `frame` was just pushed for a call whose counter ran out. The JIT may record the
   * function or run its entry trace; afterwards the interpreter continues at the pc of
   * whatever frame is on top (the caller's, when the callee returned).
   */
  hotCall(runtime: Runtime, frame: Frame): void;
}

/** Counter value that keeps loops out of the JIT (it is reset whenever it runs out). */
const NEVER_HOT = 0x3fffffff;

export interface InterpreterOptions {
  maxDepth: number;
  /** The tracing JIT, or null for `--no-jit`. */
  jit?: JitHook | null;
  scriptArgs: readonly string[];
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
  readLine(): string | null;
}

export abstract class Runtime {
  /**
   * The value stack: frame registers are stack[base + r]. Exposed to the JIT's recorder and
   * exits. It starts small (64k slots cost ~1 ms to make, at every start-up) and grows in
   * place as frames are pushed (ensureStack).
   */
  readonly stack: Value[] = packedNulls(1 << 12);
  protected readonly jit: JitHook | null;
  protected frames: Frame[] = [];
  protected fp = -1;
  protected hDepth: number[] = [];
  protected hPc: number[] = [];
  protected hReg: number[] = [];
  protected readonly modules: ModuleRuntime[];
  protected readonly methods = new Map<string, Map<string, RFunction>>();
  protected readonly builtins: Map<string, RNative>;
  protected readonly pushNative: RNative | undefined;
  protected readonly appendNative: RNative | undefined;
  /** The builtin range, for FORRANGE (public for the recorder). */
  readonly rangeNative: RNative | undefined;

  constructor(program: CompiledProgram, private readonly options: InterpreterOptions) {
    this.jit = options.jit ?? null;
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
    this.rangeNative = this.builtins.get("range");
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
    const setRuntime = (proto: FunctionProto): void => {
      proto.runtimeModule = this.modules[proto.module.index];
      proto.protos.forEach(setRuntime);
    };
    for (const m of program.modules) setRuntime(m.main!);
    const initialCount = this.jit ? this.jit.hotLoopCount : NEVER_HOT;
    const initialCalls = this.jit ? this.jit.hotCallCount : NEVER_HOT;
    const initCounters = (proto: FunctionProto): void => {
      proto.hotCounts.fill(initialCount);
      proto.callCount = initialCalls;
      proto.protos.forEach(initCounters);
    };
    for (const m of program.modules) initCounters(m.main!);
    for (const table of program.methods.values()) for (const proto of table.values()) initCounters(proto);
    for (const table of program.methods.values()) for (const proto of table.values()) setRuntime(proto);
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

  protected runModule(index: number): void {
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

  protected topOfStack(): number {
    if (this.fp < 0) return 0;
    const f = this.frames[this.fp];
    return f.base + f.proto.nslots;
  }

  protected ensureStack(n: number): void {
    const stack = this.stack;
    if (n + 256 > stack.length) {
      const target = Math.max(stack.length * 2, n + 256);
      for (let i = stack.length; i < target; i++) stack.push(null);
    }
  }

  protected pushFrame(fn: RFunction, base: number, ret: number, kind: number): Frame {
    const depth = this.fp + 1;
    if (depth > this.options.maxDepth) {
      throw new RuffError(`Maximum VM call stack depth of ${this.options.maxDepth} exceeded while calling ${fn.proto.name}`);
    }
    this.ensureStack(base + fn.proto.nslots);
    let f = this.frames[depth];
    if (f === undefined) this.frames[depth] = f = new Frame();
    f.proto = fn.proto;
    f.cells = fn.cells;
    f.module = fn.proto.runtimeModule as ModuleRuntime;
    f.base = base;
    f.pc = fn.proto.entryPc;
    f.ret = ret;
    f.kind = kind;
    f.gen = null;
    this.fp = depth;
    return f;
  }

  protected checkArity(proto: FunctionProto, nargs: number): void {
    const expected = proto.arity + (proto.isMethod ? 1 : 0);
    if (nargs !== expected) {
      throw new RuffError(`${proto.name} expects ${proto.arity} arguments, got ${nargs - (proto.isMethod ? 1 : 0)}`);
    }
  }

  protected callNative(fn: RNative, args: Value[]): Value {
    const n = args.length;
    if (n < fn.minArgs || (fn.maxArgs >= 0 && n > fn.maxArgs)) {
      const want = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : fn.maxArgs < 0 ? `at least ${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
      throw new RuffError(`${fn.name} expects ${want} arguments, got ${n}`);
    }
    return fn.fn(args);
  }

  protected newGenerator(fn: RFunction, argBase: number, nargs: number): RGenerator {
    const regs: Value[] = new Array(fn.proto.nslots).fill(null);
    for (let i = 0; i < nargs; i++) regs[i] = share(this.stack[argBase + i]);
    const state: GeneratorState = { fn, regs, pc: fn.proto.entryPc, done: false, hasPending: false, pending: null };
    return new RGenerator(state);
  }

  /**
   * Invoke callee R[a] with the nargs values above it, for every callable kind. Returns
   * true when a Ruff frame was pushed (the dispatch loop must switch to it).
   */
  protected invoke(a: number, nargs: number): boolean {
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

  protected methodFor(layout: StructLayout, name: string): RFunction | undefined {
    return this.methods.get(layout.name)?.get(name);
  }

  /** Resolve `recv.name(...)` into R[a] (absolute); returns false when R[a+1] must not get the receiver. */
  protected resolveMethod(a: number, name: string): void {
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
      const v = recv.get(dictKeyOf(name));
      if (v !== undefined) {
        stack[a] = v;
        return;
      }
    }
    throw new RuffError(`Cannot access field or method '${name}' on non-struct value`);
  }

  /** Arithmetic slow path: overloaded operators on structs, then the generic semantics. */
  protected arithSlow(opIndex: number, x: Value, y: Value): Value {
    if (x instanceof RStruct) {
      const m = this.methodFor(x.layout, OVERLOAD_METHOD[opIndex]);
      if (m !== undefined) return share(this.callValue(m, [x, y]));
    }
    return arith(ARITH_OPS[opIndex], x, y);
  }

  protected unarySlow(isNeg: boolean, x: Value): Value {
    if (x instanceof RStruct) {
      const m = this.methodFor(x.layout, isNeg ? "op_neg" : "op_not");
      if (m !== undefined) return share(this.callValue(m, [x]));
    }
    return isNeg ? negate(x) : not(x);
  }

  protected callStackNames(): string[] {
    const names: string[] = [];
    for (let i = this.fp; i >= 0; i--) {
      const p = this.frames[i].proto;
      if (p.name !== "<main>") names.push(p.name);
    }
    return names;
  }

  /** Unwind to the innermost handler at depth >= entryDepth; false when there is none. */
  protected catchError(err: RuffError, entryDepth: number): boolean {
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

  protected popHandlersOf(depth: number): void {
    const hd = this.hDepth;
    while (hd.length > 0 && hd[hd.length - 1] >= depth) {
      hd.pop();
      this.hPc.pop();
      this.hReg.pop();
    }
  }

  /** Convert any exception leaving an instruction into a RuffError with a position. */
  protected toRuffError(e: unknown, pc: number): RuffError {
    let err: RuffError;
    if (e instanceof RuffError) err = e;
    else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      err = new RuffError(`Maximum call stack depth exceeded (native recursion)`);
    } else if (e instanceof RangeError && /Invalid (string|array|typed array) length/i.test(e.message)) {
      // A resource limit of the host, not a bug: a catchable Ruff error.
      err = new RuffError(/string/i.test(e.message) ? "String too long" : "Array too long");
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
  /**
   * Opcodes that are rarely hot, kept out of runFrame so that function stays small
   * enough for V8 to optimise quickly. Returns the next pc, or -1 when the frame changed.
   */
  protected coldOp(f: Frame, pc: number): number {
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
        case Op.ENDPROLOGUE:
          return code[pc + 1];
        case Op.GETUPDYN: {
          let v = cells[code[pc + 3]];
          if (v === UNDEF) {
            v = globals[code[pc + 2]];
            if (v === UNDEF) throw new RuffError(`Undefined variable: ${proto.module.globalNames[code[pc + 2]]}`);
          }
          stack[base + code[pc + 1]] = v;
          return pc + 4;
        }
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
          stack[base + code[pc + 1]] = new RDict();
          return pc + 4;
        case Op.DICTSET:
          (stack[base + code[pc + 1]] as RDict).set(dictKey(stack[base + code[pc + 2]]), share(stack[base + code[pc + 3]]));
          return pc + 4;
        case Op.DICTMERGE: {
          const src = stack[base + code[pc + 2]];
          if (!(src instanceof RDict)) throw new RuffError(`Cannot spread ${typeName(src)} into a dict`);
          const d = stack[base + code[pc + 1]] as RDict;
          for (const [k, v] of src.entries()) d.set(k, share(v));
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
        case Op.FORRANGE: {
          const callee = base + code[pc + 2];
          const bounds = stack[callee] === this.rangeNative && this.rangeNative !== undefined ? countedRange(code[pc + 3], stack[callee + 1], stack[callee + 2]) : null;
          if (bounds === null) return pc + 4;
          const it = base + code[pc + 1];
          stack[it] = bounds[1];
          stack[it + 1] = bounds[0];
          return pc + FORRANGE_SKIP;
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

  protected getField(proto: FunctionProto, pc: number, o: Value, name: string): Value {
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

  protected resumeGenerator(gen: GeneratorState, base: number): void {
    const f = this.pushFrame(gen.fn, base, -1, FRAME_GENERATOR);
    f.gen = gen;
    f.pc = gen.pc;
    const regs = gen.regs;
    for (let i = 0; i < regs.length; i++) this.stack[base + i] = regs[i];
  }
  /** A function's call counter ran out: hand the new frame to the JIT (never again without one). */
  protected hotCall(callee: Frame): void {
    if (this.jit === null) callee.proto.callCount = NEVER_HOT;
    else this.jit.hotCall(this, callee);
  }

  // ---------------------------------------------------------------------------
  // Frame access for the JIT (the recorder executes calls itself; exits rebuild frames)

  /** The frame on top of the frame stack. */
  get topFrame(): Frame {
    return this.frames[this.fp];
  }

  /** The frame at depth d (0: the outermost). */
  frameAt(d: number): Frame {
    return this.frames[d];
  }

  /** Depth of the frame stack (the top frame's index). */
  get frameDepth(): number {
    return this.fp;
  }

  /** The most frames the program may have (--max-depth). */
  get maxFrameDepth(): number {
    return this.options.maxDepth;
  }

  /** Push a frame for fn at absolute base, returning into stack[ret], resuming at pc. */
  /** The method `name` of a struct layout (methods are fixed when the program starts). */
  jitMethodFor(layout: StructLayout, name: string): RFunction | undefined {
    return this.methodFor(layout, name);
  }

  jitPushFrame(fn: RFunction, base: number, ret: number, pc: number): Frame {
    const f = this.pushFrame(fn, base, ret, FRAME_NORMAL);
    f.pc = pc;
    return f;
  }

  /**
   * Whether the top frame's RETURN is only jitReturn: a call made by Ruff code (not a
   * frame JS runs through execute, not a generator) that holds no `try` handler.
   */
  jitCanReturn(): boolean {
    const f = this.frames[this.fp];
    const hd = this.hDepth;
    return f.kind === FRAME_NORMAL && f.ret >= 0 && (hd.length === 0 || hd[hd.length - 1] < this.fp);
  }

  /** The top frame returns v (as RETURN does; JIT frames never hold handlers). */
  jitReturn(v: Value): void {
    const f = this.frames[this.fp--];
    this.stack[f.ret] = v;
  }

  /** Call fn with args on the stack above `base` (the recorder's inlined frames sit below it). */
  jitCallAt(fn: RFunction, args: Value[], base: number): Value {
    this.ensureStack(base + args.length + 1);
    for (let i = 0; i < args.length; i++) this.stack[base + i] = args[i];
    for (const a of args) share(a);
    this.pushFrame(fn, base, -1, FRAME_NORMAL);
    return this.execute(this.fp);
  }

  /**
   * Run the top frame from its pc until it returns (a CALLL recording: the rest of a
   * loop and of the call); returns its value. The frame is popped; its caller's register
   * is not written.
   */
  jitRunToReturn(): Value {
    return this.execute(this.fp);
  }

  /** A loop header's counter ran out: hand it to the JIT, or re-arm it when there is none. */
  protected hotLoop(f: Frame, header: number): number {
    if (this.jit === null) {
      f.proto.hotCounts[header >> 2] = NEVER_HOT;
      return header;
    }
    return this.jit.hotLoop(this, f, header);
  }

  /** Run frames until the frame at entryDepth returns; returns its value. */
  protected abstract execute(entryDepth: number): Value;
}
export const TAGS: RTagged["tag"][] = ["Ok", "Err", "Some", "None"];

/**
 * A packed (not holey) array of nulls: V8 keeps element access on the fast path. Built by
 * doubling with concat (which keeps it packed): 65536 pushes cost ~3 ms of every start-up.
 */
export function packedNulls(n: number): Value[] {
  if (n <= 0) return [];
  let a: Value[] = [null];
  while (a.length * 2 <= n) a = a.concat(a);
  return a.length < n ? a.concat(a.slice(0, n - a.length)) : a;
}

export function notCallable(): RuffError {
  return new RuffError("Cannot call non-function; the value being called is not callable. Pass a function, closure, or imported callable value instead.");
}

export function reassignGlobal(kind: number, name: string): RuffError {
  return new RuffError(kind === GLOBAL_KIND.let ? `Cannot reassign immutable let binding: ${name}` : `Cannot reassign const binding: ${name}`);
}
