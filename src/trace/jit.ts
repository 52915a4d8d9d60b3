// The tracing JIT's driver (the interpreter's JitHook). Hot loop headers and hot
// function entries get trace trees: recorded (src/trace/recorder.ts), assembled to IR,
// compiled to one wasm function per tree (src/backend/emit-tree.ts) and entered through
// generated stubs (src/deopt/exits.ts). Exits rebuild the interpreter's frames; an exit
// taken `hotexit` times grows a side trace and the tree is compiled again. Start points
// that keep aborting back off and are blacklisted. Everything feeds the trace log.

import type { FunctionProto } from "../interp/bytecode";
import { RFloat, RFunction, RuffError, type Value } from "../interp/value";
import { ProgramExit } from "../interp/errors";
import type { Frame, JitHook, Runtime } from "../interp/runtime";
import { EXT_SLOT_BASE, PlaceRegistry, Recorder, type RefClass, type IdentityCheck, type RecordMode, type RecorderEnv, type RecordedTrace } from "./recorder";
import { refClassOf } from "./record-kind";
import { assemble, hasEffects, hoistedHandles, pinnedSlots, type LinkTarget } from "./assemble";
import { livenessOf } from "./liveness";
import { TraceAbort, type AbortReason } from "./abort";
import type { JitParams } from "./params";
import type { TraceLog, SourcePos } from "./log";
import { clockMs } from "./clock";
import { printTrace } from "../ir/printer";
import { EmitError } from "../backend/emit-trace";
import { EXIT_STACK, emitTree, entrySignature, handleParams, type CallableLoop, type LinkableTree } from "../backend/emit-tree";
import { IR_TYPE_NAMES, IrOp, IrType, type IrTypeName } from "../ir/ops";
import type { ValType } from "../backend/wasm-encoder";
import { syncStringTable, traceHelpersFor } from "../backend/trace-helpers";
import { HelperTable } from "../backend/helper-table";
import { EXIT_REGION_BYTES, PackedHeap } from "../interp/packed";
import { ExitSites, applyExits, installEntry, readSlot, type CompiledTree, type SharedRuntime } from "../deopt/exits";
import { Tree, returnTypes, type PassedHandle, type TreeTrace } from "./tree";
import { FIRST_REF, NO_SNAPSHOT, type Trace, type TraceKind } from "../ir/trace";

/** Counter value that keeps a start point out of the JIT for good. */
const NEVER = 0x3fffffff;
/** Native frames (nested entry-tree calls) before a call is left to the interpreter: well inside V8's stack. */
const NATIVE_DEPTH = 3000;
/** Exits that land on another tree's loop header and enter it, in a row, before the interpreter runs. */
const MAX_HOPS = 1000;
/** Trees for one loop header (one per set of slot types at entry). */
const MAX_TREES = 4;
/**
 * Entries a loop tree may refuse at its entry checks (an array whose handle it takes
 * holds another kind now, or is no longer packed; an invariant read it hoisted refuses)
 * before it is retired, so that the header records afresh with the values as they are
 * now (and without hoisting reads) instead of refusing at every entry.
 */
const HANDLE_REFUSALS = 8;

interface StartState {
  trees: Tree[];
  aborts: number;
  /** Recordings that left the loop they began in (left_loop), retried at once but QUICK_RETRIES - 1 times in QUICK_RETRIES. */
  leaves: number;
  blacklisted: boolean;
}

const QUICK_RETRIES = 8;

export class TracingJit implements JitHook {
  readonly hotLoopCount: number;
  readonly hotCallCount: number;
  private readonly loops = new Map<FunctionProto, Map<number, StartState>>();
  private readonly entries = new Map<FunctionProto, StartState>();
  /** Every tree compiled, with its latest compile (for the tests and the log). */
  readonly compiled: CompiledTree[] = [];
  private readonly compiledOf = new Map<Tree, CompiledTree>();
  /** Loop (function, header) -> side exits whose recording ran into it before it had a tree. */
  private readonly waitingForLoop = new Map<object, Map<number, { trace: TreeTrace; snap: number }[]>>();
  /** Trace id -> the loop tree its final EXIT tail-calls (for the log); tree -> the trees that tail-call it. */
  private readonly linkOf = new Map<number, Tree>();
  private readonly linkersOf = new Map<Tree, Set<Tree>>();
  /** Shared function-table slots: entry trees by function; loop trees by tree and signature. */
  private readonly tableSlots = new Map<FunctionProto, number>();
  private readonly loopSlots = new Map<Tree, { signature: string; slot: number }>();
  private nextTableSlot = 0;
  /** Entry tree -> the trees that call it natively; tree -> the start state that owns it. */
  private readonly callersOf = new Map<Tree, Set<Tree>>();
  private readonly stateOfTree = new Map<Tree, StartState>();
  /**
   * Every global and closure cell a trace has read or written, numbered once for all
   * trees, so trees holding globals link to each other as they do through stack slots (a
   * top-level script's loops are all globals).
   */
  private readonly places = new PlaceRegistry();
  /** Functions with a loop tree that returns from its root frame (see loopReturned). */
  private readonly returningLoops = new Set<FunctionProto>();
  private nextTraceId = 1;
  private recording = false;
  private sharedRuntime: SharedRuntime | null = null;

  constructor(private readonly params: JitParams, private readonly log: TraceLog | null) {
    this.hotLoopCount = params.hotloop;
    this.hotCallCount = params.hotcall;
  }

  /** The memory and tables all trees share, made with the first tree (not at start-up). */
  private get shared(): SharedRuntime {
    if (this.sharedRuntime === null) {
      const heap = new PackedHeap(this.params.packreset << 20);
      const fns = new WebAssembly.Table({ element: "anyfunc", initial: 16 });
      const refs = new WebAssembly.Table({ element: "externref", initial: 64 });
      this.sharedRuntime = {
        memory: heap.memory,
        heap,
        refs,
        strings: new WebAssembly.Table({ element: "externref", initial: 0 }),
        fns,
        helperTable: new HelperTable(fns, traceHelpersFor(heap), () => this.newTableSlot()),
        sites: new ExitSites(this.params.hotstub),
      };
    }
    return this.sharedRuntime;
  }

  /** Where the arrays traces index live unboxed (made with the JIT's shared runtime). */
  get heap(): PackedHeap {
    return this.shared.heap;
  }

  // ---------------------------------------------------------------------------
  // Hooks

  hotLoop(rt: Runtime, f: Frame, header: number): number {
    const proto = f.proto;
    if (f === this.runningToReturn) {
      // A tree returning from this frame would return past the run that called it.
      proto.hotCounts[header >> 2] = this.params.hotloop;
      return header;
    }
    const state = this.loopState(proto, header);
    for (const tree of state.trees) {
      const entered = this.enter(rt, tree, f);
      if (entered !== null) return entered;
    }
    // Trees that could not be entered because this frame cannot return from JS (a call a
    // builtin made, say) would not be helped by another: the interpreter runs the loop.
    const unreturnable = state.trees.length > 0 && !this.mayEnterLoops(rt, proto);
    if (state.blacklisted || this.recording || state.trees.length >= MAX_TREES || unreturnable) {
      proto.hotCounts[header >> 2] = state.blacklisted ? NEVER : this.params.hotloop;
      return header;
    }
    f.pc = header;
    this.recordRoot(rt, [{ frame: f, fn: null }], header, { kind: "loop", header }, state, (n) => (proto.hotCounts[header >> 2] = n));
    return -1;
  }

  hotCall(rt: Runtime, callee: Frame): void {
    const proto = callee.proto;
    const state = this.entries.get(proto) ?? this.newEntryState(proto);
    const tree = state.trees[0];
    if (tree !== undefined) {
      proto.callCount = 1;
      this.enter(rt, tree, callee);
      return;
    }
    if (state.blacklisted || this.recording) {
      proto.callCount = state.blacklisted ? NEVER : this.params.hotcall;
      return;
    }
    const fn = new RFunction(proto, callee.cells);
    this.recordRoot(rt, [{ frame: callee, fn }], proto.entryPc, { kind: "entry" }, state, (n) => (proto.callCount = n));
  }

  private loopState(proto: FunctionProto, header: number): StartState {
    let byHeader = this.loops.get(proto);
    if (!byHeader) this.loops.set(proto, (byHeader = new Map()));
    let state = byHeader.get(header);
    if (!state) byHeader.set(header, (state = { trees: [], aborts: 0, leaves: 0, blacklisted: false }));
    return state;
  }

  private newEntryState(proto: FunctionProto): StartState {
    const state: StartState = { trees: [], aborts: 0, leaves: 0, blacklisted: false };
    this.entries.set(proto, state);
    return state;
  }

  // ---------------------------------------------------------------------------
  // Running trees

  /**
   * Run a tree whose root frame is `f` (on top). Returns the pc to continue at in f
   * (loop trees), -1 when the frame stack changed, or null when the tree did not fit.
   */
  private enter(rt: Runtime, tree: Tree, f: Frame): number | null {
    if (tree.kind === "loop" && !this.mayEnterLoop(rt, tree)) return null;
    const result = this.runTree(rt, tree, f.base);
    if (result === null) return null;
    if (tree.kind === "loop") {
      f.proto.hotCounts[tree.pc >> 2] = 1; // enter again at the next back edge
      if (result === 0) return this.loopReturned(rt);
    } else {
      f.proto.callCount = 1;
      const status = result as number;
      if (status === 2) return null;
      if (status === 0) {
        rt.jitReturn(this.entryResult(tree.resultType!));
        return -1;
      }
    }
    let last = this.exited(rt, f.base);
    // An exit that lands on the header of another compiled loop (a side trace leaving
    // for it) enters that tree at once instead of interpreting an iteration first. Not
    // the tree that just left: it left there because a guard at its top failed, and
    // would fail it again (the interpreter runs that iteration).
    for (let hops = 0; hops < MAX_HOPS; hops++) {
      const top = rt.topFrame;
      const trees = this.loops.get(top.proto)?.get(top.pc)?.trees;
      if (trees === undefined || trees.length === 0 || this.recording) break;
      if (!this.mayEnterLoops(rt, top.proto)) break;
      let status: unknown = null;
      const next = trees.find((t) => t !== last && this.mayEnterLoop(rt, t) && (status = this.runTree(rt, t, top.base)) !== null);
      if (next === undefined) break;
      if (status === 0) return this.loopReturned(rt);
      last = this.exited(rt, top.base);
    }
    return -1;
  }

  /**
   * Whether loop trees of proto may be entered from the top frame: a tree of a function
   * some loop tree returns from only where JS can make the return (trees link only to
   * trees of the same frame, so one check covers the chain).
   */
  private mayEnterLoops(rt: Runtime, proto: FunctionProto): boolean {
    return !this.returningLoops.has(proto) || rt.jitCanReturn();
  }

  /**
   * mayEnterLoops, and room under --max-depth for every frame the tree inlines (its own
   * calls and those of the trees it runs): the frames exist only when an exit rebuilds
   * them, so near the limit the interpreter runs the loop and raises the error where it would.
   */
  private mayEnterLoop(rt: Runtime, tree: Tree): boolean {
    return this.mayEnterLoops(rt, tree.proto) && rt.frameDepth + tree.maxInlineDepth <= rt.maxFrameDepth;
  }

  /** A loop tree returned from its root frame (status 0): return its value there, as RETURN does. */
  private loopReturned(rt: Runtime): number {
    rt.jitReturn(this.entryResult(IR_TYPE_NAMES[this.shared.heap.i32[EXIT_STACK.resultType >> 2]]));
    return -1;
  }

  /** What an entry tree (or a loop tree, never a ref) returned to JS: it left it in memory (see emit-tree's addJsEntry). */
  private entryResult(type: IrTypeName): Value {
    return type === "ref" ? (this.shared.refs.get(0) as Value) : box(type, this.shared.heap.f64[EXIT_STACK.result >> 3]);
  }

  /** Call a tree's entry stub for the frame at base: what the wasm returned, or null (it did not fit). */
  private runTree(rt: Runtime, tree: Tree, base: number): unknown {
    this.room = rt.maxFrameDepth - rt.frameDepth;
    const started = this.log ? clockMs() : 0;
    const heap = this.heap;
    heap.maybeReset();
    heap.activeTrees++;
    let result: unknown;
    try {
      result = this.compiledOf.get(tree)!.enter(rt.stack, base);
    } finally {
      heap.activeTrees--;
    }
    if (this.log) this.log.traceMs += clockMs() - started;
    return result;
  }

  /** Apply the exit records; a hot exit grows a side trace. */
  /**
   * Returns the tree whose code left where the interpreter now stands: the innermost
   * record's (after links, not always the one entered; after a CALLL, the loop tree the
   * caller ran, not the caller).
   */
  private exited(rt: Runtime, base: number): Tree | undefined {
    const depthBefore = rt.frameDepth;
    const applied = applyExits(rt, this.shared, base);
    // Frames the exit rebuilt: the root frame's and every frame it pushed.
    const frames = 1 + rt.frameDepth - depthBefore;
    if (this.log && frames >= 2 && applied.length > 0) this.log.deopt(applied[0].trace.id, applied[0].snap, frames);
    for (const e of applied) {
      e.trace.exitCounts[e.snap]++;
      if (e.madeRestorer) this.log?.restorer(e.trace.id, e.snap, this.params.hotstub);
      this.log?.exit(e.trace.id, e.snap, this.pos(e.trace.trace.snapshots[e.snap].frames[0].proto, e.trace.trace.snapshots[e.snap].pc), "guard");
    }
    // Only the innermost exit is where the interpreter now stands: grow a side trace there.
    const last = applied[applied.length - 1];
    const left = last?.trace.tree;
    if (last === undefined || this.recording) return left;
    const t = last.trace;
    if (t.parent === null && t.tree.kind === "loop" && last.snap === hoistedHandles(t.trace).snap) {
      // A refusal at entry: nothing ran, so no side trace; a tree that keeps refusing goes.
      if (t.exitCounts[last.snap] >= HANDLE_REFUSALS) {
        // Its invariant reads may be what refuses: the loop's next recording keeps them in place.
        if (t.trace.meta.readPins !== undefined) {
          let pcs = this.refusedHoisting.get(t.tree.proto);
          if (pcs === undefined) this.refusedHoisting.set(t.tree.proto, (pcs = new Set()));
          pcs.add(t.tree.pc);
        }
        this.retire(t.tree);
      }
      return left;
    }
    if (t.sides.has(last.snap) || t.exitCounts[last.snap] < this.params.hotexit) return left;
    if (t.sideAborts[last.snap] >= this.params.tryside || t.tree.traces.length > this.params.maxside) return left;
    this.recordSide(rt, t, last.snap, last.rootDepth, last.guard);
    return left;
  }

  // ---------------------------------------------------------------------------
  // Recording

  /** What a recording may use; loopunroll: the iterations it may unroll (a side trace: what its ancestors left). */
  private env(loopunroll = this.params.loopunroll): RecorderEnv {
    return {
      maxOps: this.params.maxrecord,
      recunroll: this.params.recunroll,
      loopunroll,
      hasLoopTree: (proto, header) => (this.loops.get(proto)?.get(header)?.trees.length ?? 0) > 0,
      loopCall: (proto, header, typeOf, classOf) => {
        if (this.uncallableLoops.get(proto)?.has(header)) return null;
        const target = this.callableLoop(proto, header, (t) => [...t.slots].every(([slot, type]) => typeOf(slot) === type
          && (type !== "ref" || classOf(slot) === (t.refClasses.get(slot) ?? "array"))));
        if (target === undefined) return null;
        return { slots: [...target.tree.slots.keys()].sort((x, y) => x - y), returns: IR_TYPE_NAMES[target.returns], checks: target.tree.checks };
      },
      loopCallFailed: (proto, header) => {
        let headers = this.uncallableLoops.get(proto);
        if (headers === undefined) this.uncallableLoops.set(proto, (headers = new Set()));
        headers.add(header);
      },
      runToReturn: (rt, frame) => {
        // Recordings never nest (this.recording): one frame at a time.
        if (this.runningToReturn !== null) throw new Error("CALLL recordings nested");
        this.runningToReturn = frame;
        try {
          return rt.jitRunToReturn();
        } finally {
          this.runningToReturn = null;
        }
      },
      entrySignature: (proto) => {
        const tree = this.entries.get(proto)?.trees[0];
        if (tree === undefined || tree.resultType === null) return null;
        const args = [...tree.slots.keys()].sort((x, y) => x - y).map((s) => tree.slots.get(s)!);
        const checks = tree.checks.map((c) => ({ place: c.slot >= EXT_SLOT_BASE ? tree.places[c.slot - EXT_SLOT_BASE] : null, slot: c.slot, value: c.value }));
        return { args, result: tree.resultType, checks };
      },
    };
  }

  /** Record a root trace (loop or entry) from the top frame; afterwards the interpreter continues at the top frame's pc. */
  private recordRoot(rt: Runtime, frames: { frame: Frame; fn: RFunction | null }[], pc: number, mode: RecordMode, state: StartState, setCounter: (n: number) => void): void {
    const proto = frames[0].frame.proto;
    const recorder = new Recorder(rt, frames, pc, mode, this.env(), this.places);
    const started = clockMs();
    this.recording = true;
    try {
      const rec = recorder.record();
      const kind: TraceKind = mode.kind === "loop" ? "root" : "entry";
      const tree = new Tree(mode.kind === "loop" ? "loop" : "entry", proto, pc, rec.places);
      this.checkTreeRules(tree, rec);
      checkIdentities(rec, rec.checks);
      tree.checks.push(...rec.checks);
      const id = this.nextTraceId;
      const asm = assemble(rec, id, kind, {}, this.params.peel === 1, !(this.refusedHoisting.get(proto)?.has(pc) ?? false));
      // Entry trees take every argument (a fixed signature for the traces calling them).
      recorder.rootArgs.forEach((type, slot) => {
        if (type === "none") throw new TraceAbort("nyi_value", "a function called with an argument that is not a number or bool");
        asm.loadTypes.set(slot, asm.loadTypes.get(slot) ?? type);
      });
      this.checkSize(0, asm.trace);
      const t = tree.add(id, asm, null, -1, rec.written.keys(), rec.unrolled.length);
      if (mode.kind === "entry") this.tableSlot(proto);
      this.compile(tree);
      this.nextTraceId++;
      state.trees.push(tree);
      this.stateOfTree.set(tree, state);
      if (mode.kind === "loop") {
        for (const w of this.waitingForLoop.get(proto)?.get(pc) ?? []) if (!w.trace.sides.has(w.snap)) w.trace.sideAborts[w.snap] = 0;
        this.waitingForLoop.get(proto)?.delete(pc);
      }
      setCounter(1);
      if (mode.kind === "loop") rt.topFrame.pc = recorder.pc;
      this.logTrace(t, asm.irBefore, started, rec);
    } catch (e) {
      this.recordFailed(rt, recorder, e, (reason, detail) => {
        const at = this.pos(proto, pc);
        // The recording began on the loop's last iteration (left_loop): the next back edge
        // is an iteration later (the loop's next run), not the last one again, where a
        // wait of a multiple of the trip count would begin every attempt. Retried there a
        // few times before it counts as a failure: a loop that mostly runs one or two
        // iterations (mandelbrot's escape loop outside the set) leaves again and again.
        if (reason === "left_loop" && mode.kind === "loop" && ++state.leaves % QUICK_RETRIES !== 0) {
          this.log?.abort(at, reason, detail, state.aborts + 1, this.params.hotloop);
          setCounter(1);
          return;
        }
        state.aborts++;
        this.log?.abort(at, reason, detail, state.aborts, this.params.hotloop);
        if (state.aborts >= this.params.maxblacklist) {
          state.blacklisted = true;
          setCounter(NEVER);
          this.log?.blacklist(at, reason, state.aborts);
        } else {
          // Back off: each failure doubles the wait before the next attempt.
          setCounter((mode.kind === "loop" ? this.params.hotloop : this.params.hotcall) << Math.min(state.aborts, 12));
        }
      });
    } finally {
      this.recording = false;
    }
  }

  /** Grow a side trace from exit `snap` of t; the interpreter stands there now. */
  private recordSide(rt: Runtime, parent: TreeTrace, snap: number, rootDepth: number, guard: number): void {
    const tree = parent.tree;
    const frames: { frame: Frame; fn: RFunction | null }[] = [];
    const s = parent.trace.snapshots[snap];
    for (let d = rootDepth; d <= rt.frameDepth; d++) {
      const k = d - rootDepth;
      frames.push({ frame: rt.frameAt(d), fn: k === 0 ? (tree.kind === "entry" ? new RFunction(tree.proto, rt.frameAt(d).cells) : null) : (s.frames[k].closure as RFunction) });
    }
    const mode: RecordMode = { kind: "side", tree: tree.kind, header: tree.pc, rootDepth };
    const recorder = new Recorder(rt, frames, s.pc, mode, this.env(Math.max(0, this.params.loopunroll - parent.unrolled)), this.places);
    // The parent's constants at the exit are constants here too.
    for (const [slot, src] of tree.exitValues(parent, snap)) {
      if ("slot" in src) continue;
      const tr = src.trace.trace;
      if (!tr.isConst(src.ref)) continue;
      const v = tr.constValue(src.ref);
      const type = tr.type[src.ref];
      if (typeof v === "object") recorder.seedObject(slot, v);
      else recorder.seedConstant(slot, type === IrType.int ? "int" : type === IrType.float ? "float" : "bool", typeof v === "boolean" ? (v ? 1 : 0) : v);
    }
    const started = clockMs();
    this.recording = true;
    try {
      const rec = recorder.record();
      // An object the parent never made (VOBJECT) has no wasm value a side trace could
      // load, or carry back into the loop in a tree slot.
      for (const [slot, src] of tree.exitValues(parent, snap)) {
        if ("slot" in src || src.trace.trace.op[src.ref] !== IrOp.VOBJECT) continue;
        const loaded = rec.entry.has(slot) && rec.ops[rec.entry.get(slot)!].op === "SLOAD";
        if (loaded || (rec.end.kind === "loop" && tree.slots.has(slot))) throw new TraceAbort("nyi_value", "a struct or array its parent trace never made");
      }
      for (const c of rec.checks) {
        if (this.treeWrites(tree, c.slot) || !tree.isNewSlot(parent, snap, c.slot)) throw new TraceAbort("call_user", "a function value the tree computes");
      }
      this.checkTreeRules(tree, rec);
      // An entry tree's checks are fixed when it is created: its native callers copied them.
      const fresh = rec.checks.filter((c) => !tree.checks.some((k) => k.slot === c.slot && k.value === c.value));
      checkIdentities(rec, [...tree.checks, ...fresh]);
      const inherited = new Map<number, IrTypeName>();
      // The class of each object an ancestor left: what the slot holds now, at this
      // trace's start (the ancestors computed it; the same path computes the same kind).
      const inheritedClasses = new Map<number, RefClass>();
      const rootBase = frames[0].frame.base;
      for (const [slot, src] of tree.exitValues(parent, snap)) {
        if ("slot" in src) continue;
        const tr = src.trace.trace;
        inherited.set(slot, tr.op[src.ref] === IrOp.VOBJECT ? "none" : IR_TYPE_NAMES[tr.type[src.ref]]);
        if (tr.type[src.ref] === IrType.ref && tr.op[src.ref] !== IrOp.VOBJECT && !tr.isConst(src.ref)) {
          inheritedClasses.set(slot, refClassOf(readSlot(rt.stack, rootBase, tree.places, slot)));
        }
      }
      const link: LinkTarget = tree.kind === "loop"
        ? {
          headerTypes: tree.slots, headerClasses: tree.refClasses, inherited, inheritedClasses, pinnedSlots: pinnedSlots(tree.root.trace),
          effectsPinned: (tree.root.trace.meta.peeled === true || tree.root.trace.meta.readPins !== undefined) && !hasEffects(tree.root.trace),
          inheritedEffects: ancestorsHaveEffects(parent),
        }
        : { returnType: tree.resultType ?? undefined };
      const id = this.nextTraceId;
      const asm = assemble(rec, id, "side", link);
      if (tree.kind === "entry") {
        for (const slot of asm.loadTypes.keys()) {
          if (tree.isNewSlot(parent, snap, slot) && !tree.slots.has(slot)) throw new TraceAbort("nyi_value", "a side trace of a function reading a register its parent did not set");
        }
      }
      tree.checks.push(...fresh);
      // Trees that call this entry tree natively copied its checks when they were
      // recorded: with new ones they would skip them, so they go (and are recorded again).
      if (fresh.length > 0) this.dropCallers(tree);
      this.checkSize(this.compiledOf.get(tree)?.bytes.length ?? 0, asm.trace);
      if (tree.kind === "loop") this.checkPlaceWrites(tree, [...rec.written.keys()], asm.end.kind === "return");
      const t = tree.add(id, asm, parent, snap, rec.written.keys(), rec.unrolled.length, guard);
      if (tree.kind === "loop" && asm.end.kind === "return") this.returningLoops.add(tree.proto);
      // A side trace that ends by leaving (to another loop's tree, or types that do not
      // link) leaves there on purpose: that exit grows no side trace of its own.
      for (let r = FIRST_REF; r < t.trace.end; r++) if (t.trace.op[r] === IrOp.EXIT) t.sideAborts[t.trace.snap[r]] = this.params.tryside;
      try {
        this.compile(tree);
      } catch (e) {
        // The tree without the side trace still works: undo and keep the old code.
        tree.removeLast();
        throw e;
      }
      this.nextTraceId++;
      this.logTrace(t, asm.irBefore, started, rec);
      // The interpreter continues where recording ended (a return already popped the frame).
      if (rec.end.kind !== "return") rt.topFrame.pc = recorder.pc;
    } catch (e) {
      // A side trace that ran into a loop with no tree yet gets new attempts once it has one.
      if (e instanceof TraceAbort && e.innerLoop !== undefined) {
        const key = e.innerLoop;
        let waiting = this.waitingForLoop.get(key.proto)?.get(key.header);
        if (waiting === undefined) {
          let byHeader = this.waitingForLoop.get(key.proto);
          if (byHeader === undefined) this.waitingForLoop.set(key.proto, (byHeader = new Map()));
          byHeader.set(key.header, (waiting = []));
        }
        waiting.push({ trace: parent, snap });
      }
      this.recordFailed(rt, recorder, e, (reason, detail) => {
        parent.sideAborts[snap]++;
        this.log?.abort(this.pos(s.frames[s.frames.length - 1].proto, s.pc), reason, detail, parent.sideAborts[snap], this.params.hotexit);
      });
    } finally {
      this.recording = false;
    }
  }

  /**
   * Entry trees may not use values outside their frames (natively called, nobody could
   * pass them), and a root entry trace reads only its arguments.
   */
  private checkTreeRules(tree: Tree, rec: RecordedTrace): void {
    if (tree.kind !== "entry") return;
    // Places: only values known at entry (functions by identity, numbers and bools by
    // value: constants the entry checks), read. A return writes no place back, so a
    // write (even of a function, or of an object the trace never made) would be lost.
    for (const slot of rec.entry.keys()) {
      if (slot >= EXT_SLOT_BASE && !rec.checks.some((c) => c.slot === slot)) throw new TraceAbort("nyi_value", "a global or captured variable holding an object in a function's entry trace");
    }
    for (const [slot, ref] of rec.written) {
      if (slot >= EXT_SLOT_BASE && ref !== rec.entry.get(slot)) throw new TraceAbort("nyi_value", "a function's entry trace writing a global or captured variable");
    }
    if (rec.mode.kind !== "entry") return;
    for (const [slot, ref] of rec.entry) {
      if (rec.ops[ref].op === "SLOAD" && slot >= tree.proto.directArity) throw new TraceAbort("nyi_value", "a function reading a register it did not set");
    }
  }

  /** Stop entering a loop tree from the interpreter (trees that link to it still may); its header may record again. */
  private retire(tree: Tree): void {
    const state = this.stateOfTree.get(tree);
    if (state === undefined) return;
    state.trees = state.trees.filter((t) => t !== tree);
    this.stateOfTree.delete(tree);
    tree.proto.hotCounts[tree.pc >> 2] = this.params.hotloop;
    this.log?.retire(tree.root.id);
  }

  /** Forget every tree that calls `callee`'s entry tree natively (CALLT). */
  private dropCallers(callee: Tree): void {
    for (const caller of this.callersOf.get(callee) ?? []) {
      const state = this.stateOfTree.get(caller);
      if (state === undefined) continue;
      state.trees = state.trees.filter((t) => t !== caller);
      if (caller.kind === "loop") caller.proto.hotCounts[caller.pc >> 2] = this.params.hotloop;
      else caller.proto.callCount = this.params.hotcall;
      this.stateOfTree.delete(caller);
      this.dropCallers(caller);
    }
    this.callersOf.delete(callee);
  }

  private treeWrites(tree: Tree, slot: number): boolean {
    return tree.traces.some((t) => t.writes.has(slot)) || tree.slots.has(slot);
  }

  /**
   * An abort or failure while or after recording: the interpreter continues where
   * recording stopped (after a recorded return, the caller is on top and already right).
   */
  private recordFailed(rt: Runtime, recorder: Recorder, e: unknown, aborted: (reason: AbortReason, detail: string) => void): void {
    // The program's own errors (a recursive call the recorder ran raised) are the program's.
    // So is exit() (the host's ProgramExit), which must end the program, not the recording.
    if (e instanceof RuffError || e instanceof ProgramExit || !(e instanceof Error)) throw e;
    // Wasm V8 refuses is always a bug of our emitter; an EmitError may be a trace the
    // backend does not take (yet). Bugs end the run under strict=1, as the tests run programs.
    const invalidWasm = e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError;
    if (recorder.ended !== "return") rt.topFrame.pc = recorder.pc;
    if (e instanceof TraceAbort) aborted(e.reason, e.detail);
    else if (invalidWasm && this.params.strict) throw e;
    else if (invalidWasm || e instanceof EmitError) aborted("backend", e.message);
    // Anything else is a bug of ours: never the program's problem; it shows in the log.
    else if (this.params.strict) throw e;
    else aborted("jit_error", `${e.name}: ${e.message}`);
  }

  // ---------------------------------------------------------------------------
  // Compiling

  /**
   * A side trace that exits onto the header of another loop tree links to it (a tail
   * call) only when that tree takes every live value the trace holds. Give the target
   * the slots it lacks (carried, unread) so the link can be made: nested and
   * consecutive loops then run from tree to tree without returning to the interpreter.
   */
  private widenLinkTargets(tree: Tree): void {
    if (tree.kind !== "loop") return;
    for (const u of tree.traces) {
      const last = u.trace.end - 1;
      if (u.end.kind !== "exit" || u.trace.op[last] !== IrOp.EXIT) continue;
      const snapId = u.trace.snap[last];
      const snap = u.trace.snapshots[snapId];
      if (u.sides.has(snapId) || snap.frames.length !== 1 || snap.frames[0].base !== 0) continue;
      for (const target of this.linkableTrees(snap.frames[0].proto, snap.pc)) {
        // The tree itself too: a side trace that ends on its own header but may not branch
        // back into the loop (it changed an array the root took a handle of before LOOP)
        // re-enters the tree from the start instead.
        const self = target.tree === tree;
        if (target.tree.maxInlineDepth > tree.maxInlineDepth) continue;
        // A tree that returns from its function writes nothing back (see checkPlaceWrites).
        if (returnTypes(target.tree).size > 0 && writesPlaces(tree)) continue;
        // The target's identity checks become this tree's (made at its entry; no trace
        // of it may change those variables), so that the link may skip them.
        if (target.tree.checks.some((c) => ownCheck(tree, c, true) === null)) continue;
        // Target slots no trace here wrote hold the value this tree was entered with:
        // carry them (a trace linking here, or the entry stub, passes them in).
        for (const [slot, type] of target.tree.slots) {
          if (!tree.exitValues(u, snapId).has(slot) && type !== "none") tree.carry(slot, type, target.tree.refClasses.get(slot));
        }
        const known = new Map(tree.exitLayout(u, snapId).map((e) => [e.slot, e]));
        const classOf = (slot: number): RefClass | undefined => tree.classOfValue(known.get(slot)!.source);
        const fits = [...target.tree.slots].every(([slot, type]) => {
          const e = known.get(slot);
          return e !== undefined && e.type === type && (type !== "ref" || classOf(slot) === (target.tree.refClasses.get(slot) ?? "array"));
        });
        const missing = [...known.values()].filter((e) => !target.tree.slots.has(e.slot) && target.isLive(e.slot));
        if (!fits || missing.some((e) => e.type === "none" || (e.type === "ref" && classOf(e.slot) === undefined))) continue;
        if (missing.length > 0) {
          for (const e of missing) target.tree.carry(e.slot, e.type, e.type === "ref" ? classOf(e.slot) : undefined);
          if (!self) this.compile(target.tree);
        }
        break;
      }
    }
  }

  private compile(tree: Tree): void {
    const saved = tree.saveSlots();
    try {
      this.compileTree(tree);
    } catch (e) {
      tree.restoreSlots(saved); // its code is still the old one
      throw e;
    }
  }

  private compileTree(tree: Tree): void {
    this.widenLinkTargets(tree);
    // passHandles always describes the code installed for the tree: the new value goes
    // back if this compile fails before installing, and no rollback of the tree's slots
    // touches it afterwards (see Tree.restoreSlots).
    const installedPasses = tree.passHandles;
    tree.passHandles = this.passedHandles(tree);
    let emitted: ReturnType<typeof emitTree>;
    let instance: WebAssembly.Instance;
    try {
      emitted = emitTree(tree, { tableSlot: (fn) => this.tableSlot(fn), signature: (fn) => this.signature(fn), tierLoop: this.params.tierloop,
        helperSlots: (names) => this.shared.helperTable.slotsOf(names),
        exitSite: (site) => this.shared.sites.add(site),
        loopTrees: (proto, pc) => this.linkableTrees(proto, pc),
        // The caller makes the checks of the tree it runs (see RecorderEnv.loopCall).
        loopCall: (proto, pc, fits) => this.callableLoop(proto, pc, (t) => fits(t) && t.checks.every((c) => tree.checks.some((k) => k.slot === c.slot && k.value === c.value))),
      });
      if (emitted.maxRecordRefs > this.shared.refs.length) this.shared.refs.grow(emitted.maxRecordRefs - this.shared.refs.length + 16);
      const module = new WebAssembly.Module(emitted.bytes);
      syncStringTable(this.shared.strings);
      instance = new WebAssembly.Instance(module, { rt: { mem: this.shared.memory, refs: this.shared.refs, fns: this.shared.fns, strs: this.shared.strings } });
    } catch (e) {
      tree.passHandles = installedPasses;
      throw e;
    }
    const fn = instance.exports.trace as CompiledTree["fn"];
    for (const t of tree.traces) {
      for (const callee of t.trace.callees) {
        const calleeTree = this.entries.get(callee)?.trees[0];
        if (calleeTree === undefined || calleeTree === tree) continue;
        let callers = this.callersOf.get(calleeTree);
        if (callers === undefined) this.callersOf.set(calleeTree, (callers = new Set()));
        callers.add(tree);
      }
    }
    this.maxRecordBytes = Math.max(this.maxRecordBytes, emitted.maxRecordBytes);
    // The frames of a tree its CALLLs run are frames this tree may need room for.
    tree.maxInlineDepth = Math.max(tree.maxInlineDepth, emitted.loopCallDepth);
    const perFrame = 1 + tree.maxInlineDepth;
    // Native depth: bounded by V8's stack, by the exit stack's memory, and by --max-depth
    // (with room for the frames an exit rebuilds), so deep recursion behaves as without the JIT.
    const limit = (): number => Math.min(NATIVE_DEPTH, Math.floor((EXIT_REGION_BYTES - 64) / this.maxRecordBytes) - 1, Math.floor(this.room / perFrame) - 1);
    const compiled: CompiledTree = { tree, fn, bytes: emitted.bytes, enter: () => null };
    installEntry(compiled, this.shared, limit, this.params.hotstub, () => this.log?.stub(tree.root.id, this.params.hotstub));
    // (An entry tree's module put its native function in the table slot as it was
    // instantiated: see emit-tree.ts.)
    for (const [id, target] of emitted.links) this.linkOf.set(id, target);
    // A tree this one runs (CALLL) makes it a linker too: compiled again when the tree's signature changes.
    for (const target of [...emitted.links.values(), ...emitted.loopCallees]) {
      let linkers = this.linkersOf.get(target);
      if (linkers === undefined) this.linkersOf.set(target, (linkers = new Set()));
      linkers.add(tree);
    }
    const previous = this.compiledOf.get(tree);
    this.compiledOf.set(tree, compiled);
    if (previous === undefined) this.compiled.push(compiled);
    else this.compiled[this.compiled.indexOf(previous)] = compiled;
    // Installed before the linkers are compiled again: one of them may compile this tree
    // again (carrying a slot for its link), and that newer code must be what stays.
    if (tree.kind === "loop" && this.setLoopSlot(tree, fn)) {
      // Trees that tail-call this one were emitted for its old parameters (and checks):
      // they are compiled again.
      // One that cannot be (too large now) keeps its code, which calls this tree's old
      // code: the table slot it calls still holds that (a new signature took a new slot).
      for (const linker of [...(this.linkersOf.get(tree) ?? [])]) {
        if (linker === tree) continue;
        try {
          this.compile(linker);
        } catch (e) {
          if (!(e instanceof TraceAbort)) throw e;
        }
      }
    }
  }

  /** Frames the program may still push: set before a tree is entered. */
  private room = 0;
  /** The frame a CALLL recording runs to its return (hotLoop enters none of its trees). */
  private runningToReturn: Frame | null = null;
  /** Loop headers whose tree kept refusing at entry with invariant reads hoisted: recorded again without (see hoistInvariantReads). */
  private readonly refusedHoisting = new Map<FunctionProto, Set<number>>();
  /** Loop headers whose function returned what a CALLL cannot give: traces unroll them. */
  private readonly uncallableLoops = new Map<FunctionProto, Set<number>>();
  private maxRecordBytes = 64;

  private tableSlot(fn: FunctionProto): number {
    let slot = this.tableSlots.get(fn);
    if (slot === undefined) this.tableSlots.set(fn, (slot = this.newTableSlot()));
    return slot;
  }

  /** Put a loop tree's latest function in its table slot; true when its parameters changed. */
  private setLoopSlot(tree: Tree, fn: CompiledTree["fn"]): boolean {
    // What a link relies on besides the parameters: the checks it makes for the tree, the
    // frames the tree may inline (the linker's entry left room for its own), no CALLT.
    // A CALLL relies on the types the tree returns and on its calling and linking nothing.
    const signature = [...tree.slots.keys()].sort((x, y) => x - y).map((s) => `${s}:${tree.slots.get(s)}:${tree.refClasses.get(s) ?? ""}`).join(",")
      + `|${tree.checks.length}|${tree.maxInlineDepth}|${hasCallT(tree)}|${handleParams(tree).map((h) => `${h.slot}:${h.elem}`).join(";")}`
      + `|${this.callsOut(tree)}|${[...returnTypes(tree)].sort().join(",")}`;
    let entry = this.loopSlots.get(tree);
    const changed = entry !== undefined && entry.signature !== signature;
    if (entry === undefined) this.loopSlots.set(tree, (entry = { signature, slot: this.newTableSlot() }));
    // Another signature gets another slot: a linker still emitted for the old one (until
    // it is compiled again, or if that fails) keeps calling the code made for it.
    if (changed) entry.slot = this.newTableSlot();
    entry.signature = signature;
    this.shared.fns.set(entry.slot, fn as unknown as WebAssembly.ExportValue as never);
    return changed;
  }

  private newTableSlot(): number {
    const slot = this.nextTableSlot++;
    if (slot >= this.shared.fns.length) this.shared.fns.grow(16);
    return slot;
  }

  /**
   * The handles a loop tree passes on (Tree.passHandles): those the trees its traces may
   * link to take, for arrays in ref slots it never writes, that it does not take itself. Sorted, so
   * that compiling again with the same targets keeps the parameters where they were.
   */
  private passedHandles(tree: Tree): PassedHandle[] {
    if (tree.kind !== "loop") return [];
    const own = hoistedHandles(tree.root.trace).list;
    // Only slots no trace of the tree writes: a trace looping back after writing one
    // would hold the old array's handle for the new array. (Today a trace writes an
    // array slot only by push, and then takes the handle itself.)
    const written = new Set(tree.traces.flatMap((t) => [...t.writes]));
    const out: PassedHandle[] = [];
    for (const u of tree.traces) {
      const trace = u.trace;
      if (u.end.kind !== "exit" || trace.op[trace.end - 1] !== IrOp.EXIT) continue;
      const snap = trace.snapshots[trace.snap[trace.end - 1]];
      if (snap.frames.length !== 1 || snap.frames[0].base !== 0) continue;
      for (const target of this.linkableTrees(snap.frames[0].proto, snap.pc)) {
        if (target.tree === tree || !target.accepts(tree)) continue;
        for (const h of handleParams(target.tree)) {
          if (tree.slots.get(h.slot) !== "ref" || written.has(h.slot)) continue;
          const same = (m: PassedHandle): boolean => m.slot === h.slot && m.elem === h.elem;
          if (!own.some(same) && !out.some(same)) out.push({ slot: h.slot, elem: h.elem });
        }
      }
    }
    return out.sort((x, y) => x.slot - y.slot || x.elem - y.elem);
  }

  /** Compiled loop trees at (proto, pc) that a trace may tail-call (see TreeEmitOptions.loopTrees). */
  private linkableTrees(proto: FunctionProto, pc: number): LinkableTree[] {
    const trees = this.loops.get(proto)?.get(pc)?.trees ?? [];
    const live = livenessOf(proto);
    const isLive = (slot: number): boolean => slot >= EXT_SLOT_BASE || live === null || live.isLive(pc, slot);
    return trees
      .filter((t) => this.loopSlots.has(t) && !hasCallT(t))
      .map((t) => ({
        tree: t, tableSlot: this.loopSlots.get(t)!.slot, isLive,
        accepts: (linker: Tree) => t.maxInlineDepth <= linker.maxInlineDepth && t.checks.every((c) => ownCheck(linker, c, false) !== null)
          && !(returnTypes(t).size > 0 && writesPlaces(linker)),
      }));
  }

  /**
   * A compiled loop tree at (proto, pc) that a CALLL may run (TreeEmitOptions.loopCall),
   * the first that `fits`: it calls, runs and links to no other tree (so native calls
   * nest at most one deep through CALLLs), returns one type (a tree none of whose traces
   * returns yet may be one of a function returning what a CALLL cannot give; an object:
   * loop trees never return one), takes registers only
   * (no places) and checks identities of places only (globals, closure cells: numbered
   * alike in every tree, so the caller makes those checks). The caller passes no
   * handles (the tree takes its own from JS, as at an entry from the interpreter).
   */
  private callableLoop(proto: FunctionProto, pc: number, fits: (t: Tree) => boolean): CallableLoop | undefined {
    for (const t of this.loops.get(proto)?.get(pc)?.trees ?? []) {
      const entry = this.loopSlots.get(t);
      if (entry === undefined || this.callsOut(t) || writesPlaces(t) || t.checks.some((c) => c.slot < EXT_SLOT_BASE)) continue;
      if ([...t.slots].some(([slot, type]) => slot >= EXT_SLOT_BASE || type === "none")) continue;
      const returns = returnTypes(t);
      if (returns.size === 1 && fits(t)) return { tree: t, tableSlot: entry.slot, returns: [...returns][0] };
    }
    return undefined;
  }

  /**
   * A tree of roughly this many bytes of wasm more than `current` would pass maxbytes:
   * abort before the trace joins its tree (a compile failing later would leave trees
   * compiled against the tree's new slots calling its old code). The estimate is of what
   * dominates big trees: every exit stores each value of its snapshot.
   */
  private checkSize(current: number, trace: Trace): void {
    let bytes = current + 8 * trace.size;
    for (let r = FIRST_REF; r < trace.end; r++) {
      if (trace.snap[r] === NO_SNAPSHOT) continue;
      bytes += 16;
      for (const f of trace.snapshots[trace.snap[r]].frames) bytes += 10 * f.refs.length;
    }
    if (bytes > this.params.maxbytes) throw new TraceAbort("trace_too_long", `a tree of about ${bytes} bytes of wasm (maxbytes ${this.params.maxbytes})`);
  }

  /**
   * A loop tree that returns from its function (status 0) writes nothing back: a place (a
   * global, a closure cell) changed on the way, by the tree or by a tree linking into it,
   * would keep its old value. So no such tree both returns and has places changed in it:
   * the trace that would make it so is not added (its path stays an exit).
   */
  private checkPlaceWrites(tree: Tree, written: readonly number[], returns: boolean): void {
    const writes = written.some((s) => s >= EXT_SLOT_BASE);
    const returning = (t: Tree | undefined): boolean => t !== undefined && returnTypes(t).size > 0;
    const bad = returns
      ? writes || writesPlaces(tree) || [...(this.linkersOf.get(tree) ?? [])].some(writesPlaces)
      : writes && (returning(tree) || tree.traces.some((t) => returning(this.linkOf.get(t.id))));
    if (bad) throw new TraceAbort("nyi_value", "a loop tree returning from its function, where a global or captured variable changes");
  }

  /** Whether a trace of the tree calls an entry tree, runs a loop tree or links to another tree (a link to itself is a jump). */
  private callsOut(tree: Tree): boolean {
    return hasCallT(tree) || tree.traces.some((t) => t.trace.loopCalls.length > 0 || (this.linkOf.has(t.id) && this.linkOf.get(t.id) !== tree));
  }

  private signature(fn: FunctionProto): [ValType[], ValType[]] {
    const tree = this.entries.get(fn)?.trees[0];
    if (tree === undefined) throw new EmitError(`no entry tree for ${fn.name}`);
    return entrySignature(tree);
  }

  // ---------------------------------------------------------------------------
  // Log

  private logTrace(t: TreeTrace, irBefore: number, started: number, rec: RecordedTrace): void {
    if (!this.log) return;
    const tr = t.trace;
    const kind = t.parent === null ? (t.tree.kind === "loop" ? "root" : "entry") : "side";
    this.log.trace({
      id: t.id, kind, at: this.pos(rec.proto, rec.startPc), parent: t.parent ? { trace: t.parent.id, exit: t.parentExit } : undefined,
      irBefore, irAfter: tr.size, guards: tr.snapshots.length, wasmBytes: this.compiledOf.get(t.tree)!.bytes.length,
      compileMs: clockMs() - started,
      link: t.end.kind === "loop" ? (t.parent === null ? "loop" : String(t.tree.root.id)) : t.end.kind === "return" ? "return"
        : this.linkOf.has(t.id) ? String(this.linkOf.get(t.id)!.root.id) : "exit",
    });
    for (const p of rec.inlined) this.log.inline(t.id, p.name, this.pos(p, p.entryPc));
    // One line per loop: how many of its iterations the trace holds.
    const unrolled = new Map<string, { at: SourcePos; iterations: number }>();
    for (const u of rec.unrolled) {
      const at = this.pos(u.proto, u.header);
      const key = `${at.file}:${at.line}`;
      const seen = unrolled.get(key);
      if (seen === undefined) unrolled.set(key, { at, iterations: 1 });
      else seen.iterations++;
    }
    for (const { at, iterations } of unrolled.values()) this.log.unroll(t.id, at, iterations);
    for (const p of rec.calls) this.log.callTrace(t.id, p.name);
    for (const c of rec.loopCalls) this.log.loopCall(t.id, c.proto.name, this.pos(c.proto, c.pc));
    if (this.log.wants("ir")) this.log.detail("ir", `trace ${t.id} IR`, printTrace(tr));
  }

  private pos(proto: FunctionProto, pc: number): SourcePos {
    return { file: proto.module.file, line: proto.lines[pc >> 2] ?? 0 };
  }
}

/**
 * Identity checks are made once, when JS enters a tree; the wasm never rechecks them.
 * So no trace may give a checked slot another value: that would invalidate code that
 * was specialised to the function it held.
 */
/** Whether a trace of the tree calls an entry tree natively (a link never enters such a tree: see linkableTrees). */
function hasCallT(tree: Tree): boolean {
  return tree.traces.some((t) => t.trace.callees.length > 0);
}

/** Whether a trace of the tree changes a place (a global, a closure cell). */
function writesPlaces(tree: Tree): boolean {
  return tree.traces.some((t) => [...t.writes].some((s) => s >= EXT_SLOT_BASE));
}

/** Whether a side trace or one of its side-trace ancestors (not the root) writes memory or calls out. */
function ancestorsHaveEffects(t: TreeTrace): boolean {
  for (let cur: TreeTrace | null = t; cur !== null && cur.parent !== null; cur = cur.parent) if (hasEffects(cur.trace)) return true;
  return false;
}

/**
 * The linker tree's own check matching a target tree's check c (slots, places too, are
 * numbered alike in every tree), adding it when `add` and nothing in the linker gives
 * that variable another value; null when it has none (and cannot have one).
 */
function ownCheck(linker: Tree, c: IdentityCheck, add: boolean): IdentityCheck | null {
  const slot = c.slot;
  const own = linker.checks.find((x) => x.slot === slot);
  if (own !== undefined) return own.value === c.value ? own : null;
  if (!add || linker.slots.has(slot) || linker.traces.some((t) => t.writes.has(slot))) return null;
  const check = { slot, value: c.value };
  linker.checks.push(check);
  return check;
}

function checkIdentities(rec: RecordedTrace, checks: readonly IdentityCheck[]): void {
  for (const c of checks) {
    const w = rec.written.get(c.slot);
    if (w === undefined) continue;
    const o = rec.ops[w];
    if (o.op !== "KREF" || o.object !== c.value) throw new TraceAbort("type_unstable", "a variable the tree knows by identity is given another value");
  }
}

function box(type: IrTypeName, v: number): Value {
  return type === "float" ? new RFloat(v) : type === "bool" ? v !== 0 : v;
}
