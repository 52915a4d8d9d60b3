// The JIT as the CLI hands it to the interpreter: a JitHook that loads the tracing JIT
// (recorder, IR, wasm backend, deopt) on the first hot loop or call. Most of the bundle's
// start-up work is initialising those modules (the wasm encoder alone installs hundreds
// of methods), and a short program never gets hot.

import type { Frame, JitHook, Runtime } from "../interp/runtime";
import type { JitParams } from "../trace/params";
import type { TraceLog } from "../trace/log";
import type { TracingJit } from "../trace/jit";

export class LazyJit implements JitHook {
  // Invariant: the same counts TracingJit's constructor takes from the params, so the
  // interpreter's counters run out exactly when they would with the real JIT in place.
  readonly hotLoopCount: number;
  readonly hotCallCount: number;
  private real: TracingJit | null = null;

  constructor(private readonly params: JitParams, private readonly log: TraceLog | null) {
    this.hotLoopCount = params.hotloop;
    this.hotCallCount = params.hotcall;
  }

  /** The tracing JIT, if anything got hot (null: nothing was ever loaded or compiled). */
  get loaded(): TracingJit | null {
    return this.real;
  }

  private get jit(): TracingJit {
    if (this.real === null) {
      // A call of require, not an import: esbuild then wraps src/trace/jit.ts and every
      // module only it reaches in lazy initialisers, run here rather than at start-up.
      const { TracingJit: Jit } = require("../trace/jit") as typeof import("../trace/jit");
      this.real = new Jit(this.params, this.log);
    }
    return this.real;
  }

  hotLoop(runtime: Runtime, frame: Frame, header: number): number {
    return this.jit.hotLoop(runtime, frame, header);
  }

  hotCall(runtime: Runtime, frame: Frame): void {
    this.jit.hotCall(runtime, frame);
  }
}
