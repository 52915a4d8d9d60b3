// Recording of calls, returns and builtins: calls of user functions and methods are
// inlined (RecordCore.pushFrame, popFrame), recursion past recunroll calls the callee's
// entry trace (CALLT), and the builtins in INLINE_BUILTINS are computed by the trace;
// a call of any other builtin aborts. Each call and return is made for real in the
// interpreter as it is recorded, so an abort leaves the interpreter in the frame that
// recording had reached.

import { Op, FORRANGE_SKIP, type FunctionProto } from "../interp/bytecode";
import { MAX_RANGE_LENGTH, countedRange } from "../interp/builtins/arrays";
import { RArray, RDict, RFloat, RFunction, RNative, RStruct, RuffError, share, type Value } from "../interp/value";
import { dictKeyOf } from "../interp/dict";
import type { Runtime } from "../interp/runtime";
import { TraceAbort } from "./abort";
import { nativeIndex } from "../backend/trace-helpers";
import { TRACE_IMPORTS } from "../backend/emit-body";
import { describe, kindOf, refClassOf } from "./record-kind";
import type { DataRecorder } from "./record-data";
import type { StringRecorder } from "./record-strings";
import type { RecordCore, RecordMode, RecordedTrace, RecorderEnv, RefClass } from "./recorder";
import type { IrTypeName } from "../ir/ops";
import type { LoopCall } from "../ir/trace";

/** Builtins a trace computes itself, with the argument count it does it for. */
const INLINE_BUILTINS = new Map([
  ["sqrt", 1], ["abs", 1], ["floor", 1], ["ceil", 1], ["len", 1], ["to_int", 1], ["to_float", 1], ["min", 2], ["max", 2],
  ["to_string", 1], ["str", 1], ["char_at", 2], ["get", 3], ["get_default", 3],
]);

/**
 * Builtins of objects and strings a trace calls through a helper, by name: argument count
 * and result. They are pure (what they share stays shared, as the interpreter's call
 * would leave it); an error or a result of another kind refuses, and the interpreter
 * calls the builtin again. Their arguments must be objects or strings. A "scalar" result
 * is a bool or an int, as the call made while recording returned (`contains` gives an
 * int for strings, a bool for arrays).
 */
const HELPER_BUILTINS = new Map<string, [number, "array" | "string" | "scalar"]>([
  ["keys", [1, "array"]], ["values", [1, "array"]], ["items", [1, "array"]], ["split", [2, "array"]],
  ["lines", [1, "array"]], ["words", [1, "array"]], ["concat", [2, "array"]],
  ["sort", [1, "array"]], ["reverse", [1, "array"]], ["unique", [1, "array"]],
  ["join", [2, "string"]], ["upper", [1, "string"]], ["to_upper", [1, "string"]], ["lower", [1, "string"]],
  ["to_lower", [1, "string"]], ["trim", [1, "string"]], ["trim_start", [1, "string"]], ["trim_end", [1, "string"]],
  ["capitalize", [1, "string"]], ["str_reverse", [1, "string"]],
  ["contains", [2, "scalar"]], ["starts_with", [2, "scalar"]], ["ends_with", [2, "scalar"]], ["has_key", [2, "scalar"]],
  ["index_of", [2, "scalar"]], ["parse_int", [1, "scalar"]],
]);

export class CallRecorder {
  /** Functions inlined (RecordedTrace.inlined). */
  readonly inlined: FunctionProto[] = [];
  /** Recursive calls that go through entry traces (RecordedTrace.calls). */
  readonly entryCalls: FunctionProto[] = [];
  /** Loop trees the trace runs (RecordedTrace.loopCalls). */
  readonly loopCalls: LoopCall[] = [];
  /** Results of calls of the tree being recorded: they must have its result type. */
  private readonly ownResults: number[] = [];

  constructor(
    private readonly core: RecordCore,
    private readonly data: DataRecorder,
    private readonly rt: Runtime,
    private readonly env: RecorderEnv,
    private readonly mode: RecordMode,
    private readonly strings: StringRecorder,
  ) {}

  /** CALL a nargs / CALLG a nargs g: R[a] = callee(R[a+1] ..). */
  call(pc: number, op: number, a: number, nargs: number, g: number): number {
    const { stack, base } = this.core;
    const frame = this.core.cur.frame;
    let fnRef: number;
    let fn: Value;
    if (op === Op.CALLG) {
      fn = frame.module.globals[g];
      if (frame.module.kinds[g] === 0) throw new TraceAbort("error_raised", "a call of an undefined global");
      fnRef = this.core.readSlot(this.core.placeSlot(frame.module.globals, g));
    } else {
      fn = stack[base + a];
      fnRef = this.core.read(a);
    }
    if (!this.core.isObject(fnRef)) throw new TraceAbort("call_user", "a call of a function value the trace computed");
    if (fn instanceof RNative) return this.callBuiltin(pc, a, nargs, fn);
    if (!(fn instanceof RFunction)) throw new TraceAbort("nyi_value", `a call of a ${describe(fn)}`);
    const proto = fn.proto;
    if (proto.directArity !== nargs || proto.isGenerator) throw new TraceAbort("call_user", `a call of ${proto.name} that is not a plain call`);
    const args: number[] = [];
    for (let i = 1; i <= nargs; i++) {
      const ref = this.core.read(a + i);
      this.core.shareHolder(ref, stack[base + a + i]); // passing shares (value semantics)
      args.push(ref);
    }
    this.core.write(a, fnRef, fn);
    // The call shares its arguments (as the interpreter's invoke does).
    for (let i = 1; i <= nargs; i++) share(stack[base + a + i]);
    const onStack = this.core.frames.filter((f) => f.frame.proto === proto).length;
    if (onStack > this.env.recunroll) return this.callEntryTrace(pc, a, fn, args);
    return this.inline(pc, a, fn);
  }

  /**
   * FORRANGE it callee argc: with the builtin range (known by identity: a constant) and
   * int bounds, the loop counts from start to stop, as the interpreter does. A guard
   * keeps the length within what range builds (past it, the interpreter's range raises
   * the error). Otherwise the CALL and FORPREP that follow are recorded as they run.
   */
  forRange(pc: number, it: number, callee: number, argc: number): number {
    const { stack, base } = this.core;
    const fnRef = this.core.read(callee);
    const fn = stack[base + callee];
    if (!this.core.isObject(fnRef) || fn !== this.rt.rangeNative) return pc + 4;
    const bounds = countedRange(argc, stack[base + callee + 1], stack[base + callee + 2]);
    if (bounds === null) return pc + 4;
    const stopRef = this.core.read(callee + argc);
    const startRef = argc === 2 ? this.core.read(callee + 1) : this.core.constant("int", 0);
    if (this.core.typeOfRef(stopRef) !== "int" || this.core.typeOfRef(startRef) !== "int") return pc + 4;
    const before = this.core.snapshot();
    const length = argc === 2 ? this.core.emit("SUB", "int", [stopRef, startRef], before) : stopRef;
    const fits = this.core.emit("LE", "bool", [length, this.core.constant("int", MAX_RANGE_LENGTH)]);
    this.core.emit("GUARD_TRUE", "none", [fits], before);
    this.core.write(it, stopRef, bounds[1]);
    this.core.write(it + 1, startRef, bounds[0]);
    return pc + FORRANGE_SKIP;
  }

  /**
   * CALLMETHOD on a struct: the method (fixed per layout for the whole run) is inlined
   * like a call, the receiver as its register 0. A struct the trace made has its layout
   * known; another (from an array, an argument, a global) is checked to have the layout
   * the recording saw, and shared as the call makes it a holder (share_struct, one
   * helper call for both; its fields are then read through sget helpers).
   */
  callMethod(pc: number, a: number, nargs: number, name: string): number {
    const { stack, base } = this.core;
    const recv = stack[base + a + 1];
    const recvRef = this.core.read(a + 1);
    if (!(recv instanceof RStruct)) throw new TraceAbort("call_user", `a method call (${name}) on something other than a struct`);
    // (A constant struct is one object, its layout known, shared below by the recording.)
    if (!this.data.virtuals.has(recvRef) && !this.core.isObject(recvRef)) {
      this.core.callHelper("share_struct", "none", [recvRef, this.core.constant("int", recv.layout.id)]);
    }
    if (recv.layout.index.has(name)) throw new TraceAbort("call_user", "a call of a function held in a struct field");
    const m = this.rt.jitMethodFor(recv.layout, name);
    if (m === undefined) throw new TraceAbort("error_raised", `an undefined method ${name}`);
    const proto = m.proto;
    if (proto.isGenerator || proto.arity !== nargs) throw new TraceAbort("call_user", `a call of ${proto.name} that is not a plain call`);
    for (let i = 2; i <= nargs + 1; i++) {
      const ref = this.core.read(a + i);
      if (this.core.typeOfRef(ref) === "ref" && !this.core.isObject(ref)) throw new TraceAbort("nyi_value", "an array or dict passed to a method");
    }
    if (this.core.frames.some((f) => f.frame.proto === proto)) throw new TraceAbort("call_user", `a recursive method call (${proto.name})`);
    // As the interpreter: the method goes in R[a], the arguments become shared.
    this.core.write(a, this.core.object(m), m);
    for (let i = 1; i <= nargs + 1; i++) share(stack[base + a + i]);
    return this.inline(pc, a, m);
  }

  /** Inline fn's call in R[a]: the callee's frame sits above the call's registers, as the interpreter puts it. */
  private inline(pc: number, a: number, fn: RFunction): number {
    const { base, cur } = this.core;
    const proto = fn.proto;
    cur.frame.pc = pc + 4;
    const callee = this.core.concrete(() => this.rt.jitPushFrame(fn, base + a + 1, base + a, proto.entryPc));
    this.core.pushFrame({ frame: callee, fn, rel: cur.rel + a + 1 });
    this.inlined.push(proto);
    return proto.entryPc;
  }

  /** A recursive call: the trace calls fn's entry trace (the interpreter runs it now). */
  private callEntryTrace(pc: number, a: number, fn: RFunction, args: number[]): number {
    const { stack, base } = this.core;
    const sig = this.env.entrySignature(fn.proto);
    const own = this.mode.kind === "entry" && fn.proto === this.core.proto;
    if (sig === null && !own) throw new TraceAbort("call_user", `recursion into ${fn.proto.name}, which has no entry trace yet`);
    const type = sig?.result ?? null;
    // The callee takes its arguments as typed (an int parameter would truncate a float).
    const want = sig?.args ?? this.core.rootArgs;
    args.forEach((ref, i) => {
      if (this.core.typeOfRef(ref) !== want[i]) throw new TraceAbort("type_unstable", `${fn.proto.name} called with a ${this.core.typeOfRef(ref)} where its entry trace takes a ${want[i]}`);
    });
    // Its identity checks are ours to make: a native call skips its entry stub.
    const checks = (sig?.checks ?? []).map((c) => {
      if (c.place === null) throw new TraceAbort("call_user", `${fn.proto.name}'s entry trace assumes which function an argument holds`);
      return { slot: this.core.placeSlot(c.place.array, c.place.index), value: c.value };
    });
    if (!this.adoptChecks(checks)) throw new TraceAbort("type_unstable", `${fn.proto.name}'s entry trace was made for another value of a variable this trace knows`);
    const argValues: Value[] = [];
    for (let i = 1; i <= args.length; i++) argValues.push(stack[base + a + i]);
    if (args.length > 3) throw new TraceAbort("call_user", "a recursive call with more than 3 arguments");
    // The state before the call. A callee that is too deep leaves it to the interpreter
    // (resume at the call); one that exits has its frames rebuilt on top of this state
    // with the caller resuming after the call (src/deopt/exits.ts derives that state).
    const before = this.core.snapshot();
    // An exit inside the callee finds the pending call's function in R[a].
    this.core.snapshots[before].keep = [this.core.cur.rel + a];
    this.core.cur.frame.pc = pc + 4;
    let result: Value;
    try {
      // The callee runs on the stack above every frame being recorded.
      const top = this.core.frames[this.core.frames.length - 1].frame;
      result = this.rt.jitCallAt(fn, argValues, top.base + top.proto.nslots);
    } catch (e) {
      if (e instanceof RuffError) {
        // The callee raised: the program sees the error at this call, as without the JIT.
        this.core.cur.frame.pc = pc;
        throw e;
      }
      throw e;
    }
    // The call has run (and printed whatever it printed): from here an abort must leave
    // the interpreter after it, with its result in place, or the call would run twice.
    stack[base + a] = result;
    this.core.pc = pc + 4;
    const kind = kindOf(result);
    if (kind === "ref") throw new TraceAbort("nyi_value", "a recursive function returning an object");
    if (type !== null && type !== kind) throw new TraceAbort("type_unstable", `${fn.proto.name} returned a ${kind}, its entry trace a ${type}`);
    const ref = this.core.push({ op: "CALLT", type: kind, args, snap: before, callee: fn.proto });
    if (own) this.ownResults.push(ref);
    this.entryCalls.push(fn.proto);
    this.core.write(a, ref, result);
    return pc + 4;
  }

  /**
   * A backward jump to `header` in an inlined call's frame (one iteration recorded, now
   * at the header again): when the loop has a tree the trace may run, the trace runs it
   * from here (CALLL) and goes on after the call, with what the function returned.
   * Recording runs the rest of the call in the interpreter. Returns the caller's pc, or
   * null when there is no such tree or the trace lacks a value it takes (the loop is
   * then unrolled as before).
   */
  callLoop(header: number): number | null {
    const core = this.core;
    const callee = core.cur;
    // The tree's slots are registers of this frame the trace wrote (an inlined frame
    // holds nothing else the trace knows), of the types the tree takes. Not an object
    // the trace made (it never exists in the trace) or knows as a constant (no wasm value).
    const typeOf = (r: number): IrTypeName | undefined => {
      const ref = core.writtenRef(callee.rel + r);
      if (ref === undefined || this.data.virtuals.has(ref) || core.isObject(ref)) return undefined;
      return core.typeOfRef(ref);
    };
    const classOf = (r: number): RefClass => refClassOf(core.stack[callee.frame.base + r]);
    const target = this.env.loopCall(callee.frame.proto, header, typeOf, classOf);
    // The places the tree knows by identity: the trace's checks too (a native call skips the tree's entry stub).
    if (target === null || !this.adoptChecks(target.checks)) return null;
    const slots = [...target.slots];
    const args = slots.map((r) => core.writtenRef(callee.rel + r)!);
    core.pc = header;
    const snap = core.snapshot();
    callee.frame.pc = header;
    // The rest of the call runs now (what it prints, it prints once): from here an abort
    // must leave the interpreter after it, with its result in place.
    const value = this.env.runToReturn(this.rt, callee.frame);
    const done = core.popFrame();
    this.core.stack[callee.frame.ret] = value;
    core.pc = core.cur.frame.pc;
    const kind = kindOf(value);
    if (kind !== target.returns) {
      // Aborting again would find the same: from now on this loop is unrolled.
      this.env.loopCallFailed(callee.frame.proto, header);
      throw new TraceAbort("type_unstable", `${callee.frame.proto.name} returned a ${describe(value)}, its loop tree a ${target.returns}`);
    }
    const loopCall: LoopCall = { proto: callee.frame.proto, pc: header, slots };
    const ref = core.push({ op: "CALLL", type: kind, args, snap, loopCall });
    this.loopCalls.push(loopCall);
    core.writeSlot(done.rel - 1, ref, value);
    return core.pc;
  }

  /**
   * Take on the identity checks of a tree this trace calls natively (slots of places,
   * numbered alike in every tree); false, taking none, when one would check a slot for
   * another value than a check of the trace does (the two could never both hold).
   */
  private adoptChecks(checks: readonly { slot: number; value: Value }[]): boolean {
    const core = this.core;
    if (checks.some((c) => core.checks.some((k) => k.slot === c.slot && k.value !== c.value))) return false;
    for (const c of checks) if (!core.checks.some((k) => k.slot === c.slot)) core.checks.push({ slot: c.slot, value: c.value });
    return true;
  }

  /** RETURN a (a < 0: RETNULL). */
  ret(pc: number, a: number): number | RecordedTrace["end"] {
    const value: Value = a >= 0 ? this.core.stack[this.core.base + a] : null;
    if (value === null) throw new TraceAbort("nyi_value", "a function returning null");
    const ref = this.core.read(a);
    // A string returned to an inlined caller is a value like a number (immutable, nothing to share).
    const inlinedString = typeof value === "string" && this.core.frames.length > 1;
    if (this.core.typeOfRef(ref) === "ref" && !this.core.isObject(ref) && !inlinedString) {
      throw new TraceAbort("nyi_value", typeof value === "string" ? "a function's entry trace returning a string" : "a function returning an array or dict");
    }
    if (this.core.frames.length === 1) {
      const type = this.core.typeOfRef(ref);
      const entryTree = this.mode.kind === "entry" || (this.mode.kind === "side" && this.mode.tree === "entry");
      if (entryTree && this.ownResults.some((r) => this.core.typeOfRef(r) !== type)) throw new TraceAbort("type_unstable", "a recursive call returned another type than the function does");
      // An entry tree returns; so may a loop tree's side trace (from the loop's exit, say)
      // that runs on to the function's return: the tree gives the value to JS, which pops
      // the frame as RETURN does.
      const loopTreeReturns = this.mode.kind === "side" && type !== "ref" && this.rt.jitCanReturn();
      if (!entryTree && !loopTreeReturns) throw new TraceAbort("left_loop", "the function returned");
      const snap = this.core.snapshot();
      this.rt.jitReturn(value);
      return { kind: "return", value: ref, snap };
    }
    this.rt.jitReturn(value);
    const done = this.core.popFrame();
    this.core.writeSlot(done.rel - 1, ref, value);
    return this.core.cur.frame.pc;
  }

  /** `R[a] = builtin(R[a+1] ..)` for a builtin of HELPER_BUILTINS: one helper call. */
  private callHelperBuiltin(pc: number, a: number, nargs: number, fn: RNative, returns: "array" | "string" | "scalar"): number {
    const { stack, base } = this.core;
    const args: number[] = [];
    const values: Value[] = [];
    for (let k = 1; k <= nargs; k++) {
      const ref = this.core.read(a + k);
      if (this.core.typeOfRef(ref) !== "ref" || this.data.virtuals.has(ref)) throw new TraceAbort("call_native", `${fn.name} of a number, a bool or a value the trace made`);
      args.push(ref);
      values.push(stack[base + a + k]);
    }
    const value = this.core.concrete(() => fn.fn(values));
    const result = returns !== "scalar" ? returns : typeof value === "boolean" ? "bool" : "int";
    const kind = result === "array" || result === "string" ? "ref" : result;
    const fits = result === "array" ? value instanceof RArray : result === "string" ? typeof value === "string" : result === "bool" || typeof value === "number";
    if (!fits) throw new TraceAbort("call_native", `${fn.name} returned something other than its usual result`);
    const helper = `native_${result}${nargs}`;
    if (!(helper in TRACE_IMPORTS)) throw new TraceAbort("call_native", `${fn.name} giving a ${result}`);
    this.core.write(a, this.core.callHelper(helper, kind, [this.core.constant("int", nativeIndex(fn)), ...args]), value);
    return pc + 4;
  }

  /** `R[a] = builtin(R[a+1] ..)` for the builtins traces compute inline. */
  private callBuiltin(pc: number, a: number, nargs: number, fn: RNative): number {
    const viaHelper = HELPER_BUILTINS.get(fn.name);
    if (viaHelper !== undefined && viaHelper[0] === nargs) return this.callHelperBuiltin(pc, a, nargs, fn, viaHelper[1]);
    if (INLINE_BUILTINS.get(fn.name) !== nargs) throw new TraceAbort("call_native", `call of ${fn.name}`);
    if (fn.name === "to_string" || fn.name === "str") {
      this.strings.toStringOf(a, a + 1);
      return pc + 4;
    }
    const x = this.core.stack[this.core.base + a + 1];
    const arg = this.core.read(a + 1);
    const kind = this.core.typeOfRef(arg);
    const numeric = (k: string): void => {
      if (k !== "int" && k !== "float") throw new TraceAbort("nyi_value", `${fn.name} of a non-number`);
    };
    let ref: number;
    if (fn.name === "len" && typeof x === "string") {
      ref = this.strings.length(a + 1);
    } else if (fn.name === "len") {
      if (kind !== "ref" || !(x instanceof RArray) || (this.core.isObject(arg) && !this.data.virtuals.has(arg))) throw new TraceAbort("nyi_value", "len of something other than an array");
      ref = this.data.arrayLength(arg, x);
    } else if (fn.name === "min" || fn.name === "max") {
      const arg2 = this.core.read(a + 2);
      numeric(kind);
      numeric(this.core.typeOfRef(arg2));
      ref = this.core.emit(fn.name === "min" ? "FMIN" : "FMAX", "float", [this.core.asFloat(arg), this.core.asFloat(arg2)]);
    } else if (fn.name === "get" || fn.name === "get_default") {
      // get(d, k, default) of a dict of numbers, by a string or int key, with a number default.
      const key = this.core.read(a + 2);
      const dflt = this.core.read(a + 3);
      const keyKind = this.core.typeOfRef(key);
      const type = this.core.typeOfRef(dflt);
      const keyValue = this.core.stack[this.core.base + a + 2];
      if (!(x instanceof RDict) || (type !== "int" && type !== "float") || !(keyKind === "int" || (keyKind === "ref" && typeof keyValue === "string"))) {
        throw new TraceAbort("call_native", `${fn.name} of something other than a dict, a string or int key and a number default`);
      }
      const found = x.get(typeof keyValue === "string" ? dictKeyOf(keyValue) : (keyValue as number));
      if (found !== undefined && kindOf(found) !== type) throw new TraceAbort("nyi_value", `${fn.name} finding a ${kindOf(found)} value, its default a ${type}`);
      ref = this.core.callHelper(`dget_${keyKind === "int" ? "" : "s_"}or_${type}`, type, [arg, key, dflt]);
    } else if (fn.name === "char_at") {
      const index = this.core.read(a + 2);
      if (typeof x !== "string" || this.core.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "char_at of something other than a string and an int");
      ref = this.core.callHelper("char_at", "ref", [arg, index]);
    } else if (fn.name === "to_int" && typeof x === "string") {
      // Parsing text: the builtin itself, through a helper (a failure refuses, and the interpreter raises it).
      return this.callHelperBuiltin(pc, a, 1, fn, "scalar");
    } else if (fn.name === "to_int") {
      numeric(kind);
      if (kind === "int") ref = arg;
      else {
        // The guard's exits (NaN, beyond 2^53-1) would fail at once: leave those to the interpreter.
        const t = Math.trunc((x as RFloat).v);
        if (!(Math.abs(t) <= Number.MAX_SAFE_INTEGER)) throw new TraceAbort("nyi_value", "to_int of a float that is NaN or beyond 2^53-1");
        ref = this.core.emit("FTOI", "int", [arg], true);
      }
    } else {
      numeric(kind);
      const f = this.core.asFloat(arg);
      ref = fn.name === "to_float" ? f
        : fn.name === "sqrt" ? this.core.emit("FSQRT", "float", [f], true)
        : this.core.emit(fn.name === "abs" ? "FABS" : fn.name === "floor" ? "FFLOOR" : "FCEIL", "float", [f]);
    }
    const args: Value[] = [];
    for (let k = 1; k <= nargs; k++) args.push(this.core.stack[this.core.base + a + k]);
    const result = this.core.concrete(() => fn.fn(args));
    this.core.write(a, ref, result);
    return pc + 4;
  }
}
