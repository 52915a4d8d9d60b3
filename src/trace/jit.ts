// The tracing JIT's driver (the interpreter's JitHook): per loop header it records a
// trace when the header gets hot, compiles it to wasm, and from then on enters the
// trace at that header; it turns guard exits back into interpreter state (src/deopt),
// backs off and blacklists start points that keep aborting, and feeds the trace log.

import type { FunctionProto } from "../interp/bytecode";
import type { Frame, JitHook, Runtime } from "../interp/runtime";
import { Recorder } from "./recorder";
import { assembleLoop } from "./assemble";
import { TraceAbort, type AbortReason } from "./abort";
import type { JitParams } from "./params";
import type { TraceLog, SourcePos } from "./log";
import { eliminateDeadCode } from "../ir/dce";
import { printTrace } from "../ir/printer";
import { emitTrace, EmitError } from "../backend/emit-trace";
import { enterTrace, type CompiledLoop } from "../deopt/exits";
import { traceHelpers } from "../backend/trace-helpers";

/** Counter value that keeps a header out of the JIT for good. */
const NEVER = 0x3fffffff;

interface LoopState {
  trace: CompiledLoop | null;
  aborts: number;
  blacklisted: boolean;
}

export class TracingJit implements JitHook {
  readonly hotLoopCount: number;
  private readonly loops = new Map<FunctionProto, Map<number, LoopState>>();
  /** Every trace compiled so far, in order (for the trace-shape and backend tests). */
  readonly compiled: CompiledLoop[] = [];
  private nextTraceId = 1;

  constructor(private readonly params: JitParams, private readonly log: TraceLog | null) {
    this.hotLoopCount = params.hotloop;
  }

  hotLoop(rt: Runtime, f: Frame, header: number): number {
    const proto = f.proto;
    const state = this.stateOf(proto, header);
    if (state.trace !== null) return this.run(rt, f, header, state);
    if (state.blacklisted) {
      proto.hotCounts[header >> 2] = NEVER;
      return header;
    }
    return this.record(rt, f, header, state);
  }

  private stateOf(proto: FunctionProto, header: number): LoopState {
    let byHeader = this.loops.get(proto);
    if (!byHeader) this.loops.set(proto, (byHeader = new Map()));
    let state = byHeader.get(header);
    if (!state) byHeader.set(header, (state = { trace: null, aborts: 0, blacklisted: false }));
    return state;
  }

  private run(rt: Runtime, f: Frame, header: number, state: LoopState): number {
    const trace = state.trace!;
    // Enter again at the next back edge; a trace exits only when a guard fails.
    f.proto.hotCounts[header >> 2] = 1;
    const started = this.log ? performance.now() : 0;
    const result = enterTrace(trace, rt.stack, f.base);
    if (this.log) this.log.traceMs += performance.now() - started;
    if (result.exit < 0) return header; // entry types did not match: one more interpreted iteration
    const snap = trace.trace.snapshots[result.exit];
    this.log?.exit(trace.id, result.exit, this.pos(f.proto, snap.pc), "guard");
    trace.exitCounts[result.exit]++;
    return result.pc;
  }

  private record(rt: Runtime, f: Frame, header: number, state: LoopState): number {
    const proto = f.proto;
    const recorder = new Recorder(rt.stack, f, header, this.params.maxrecord);
    const started = performance.now();
    try {
      const loop = recorder.record();
      const id = this.nextTraceId;
      const assembled = assembleLoop(loop, id);
      const before = assembled.trace.end - 1;
      const dce = eliminateDeadCode(assembled.trace);
      const trace = dce.trace;
      // Entry loads nothing uses were removed: their slots need neither a check nor a value.
      const entrySlots = assembled.entrySlots
        .filter((e) => dce.refMap[e.ref] !== 0)
        .map((e) => ({ ...e, ref: dce.refMap[e.ref] }));
      const emitted = emitTrace(trace, entrySlots.map((e) => e.ref));
      const module = new WebAssembly.Module(emitted.bytes);
      const instance = new WebAssembly.Instance(module, { env: traceHelpers });
      this.nextTraceId++;
      state.trace = {
        id, trace, entrySlots, bytes: emitted.bytes, globalChecks: assembled.globalChecks, globals: f.module.globals,
        fn: instance.exports.trace as (...args: unknown[]) => number,
        exitArea: new Float64Array((instance.exports.exits as WebAssembly.Memory).buffer),
        exitRefs: instance.exports.exitRefs as WebAssembly.Table,
        exitCounts: new Int32Array(trace.snapshots.length),
      };
      this.compiled.push(state.trace!);
      proto.hotCounts[header >> 2] = 1;
      if (this.log) {
        this.log.trace({
          id, kind: "root", at: this.pos(proto, header), irBefore: before, irAfter: trace.end - 1,
          guards: emitted.guards, wasmBytes: emitted.bytes.length, compileMs: performance.now() - started, link: "loop",
        });
        this.log.detail("ir", `trace ${id} IR`, printTrace(trace));
      }
      return recorder.pc;
    } catch (e) {
      if (e instanceof TraceAbort) return this.aborted(proto, header, state, e.reason, e.detail, recorder.pc);
      if (e instanceof EmitError || e instanceof WebAssembly.CompileError) return this.aborted(proto, header, state, "backend", (e as Error).message, recorder.pc);
      throw e;
    }
  }

  private aborted(proto: FunctionProto, header: number, state: LoopState, reason: AbortReason, detail: string, pc: number): number {
    state.aborts++;
    this.log?.abort(this.pos(proto, pc < 0 ? header : pc), reason, detail, state.aborts, this.params.hotloop);
    if (state.aborts >= this.params.maxblacklist) {
      state.blacklisted = true;
      proto.hotCounts[header >> 2] = NEVER;
      this.log?.blacklist(this.pos(proto, header), reason, state.aborts);
    } else {
      // Back off: each failure doubles the wait before the next attempt.
      proto.hotCounts[header >> 2] = this.params.hotloop << Math.min(state.aborts, 12);
    }
    return pc < 0 ? header : pc;
  }

  private pos(proto: FunctionProto, pc: number): SourcePos {
    return { file: proto.module.file, line: proto.lines[pc >> 2] ?? 0 };
  }
}
