// The trace log (DESIGN section 8): what the JIT did, for people (text) and tools (JSON
// Lines, schema version 1: one object per line with an "event" field). Events are
// written as they happen at level `events` and above; the end-of-run summary is
// written at every level. A null log (no --trace-log) costs one branch per event.

import { writeFileSync, appendFileSync } from "node:fs";
import { abortDescription, type AbortReason } from "./abort";
import { clockMs } from "./clock";

export const TRACE_LOG_SCHEMA_VERSION = 1;

export type TraceLogLevel = "summary" | "events" | "ir" | "wasm";
const LEVEL_RANK: Record<TraceLogLevel, number> = { summary: 0, events: 1, ir: 2, wasm: 3 };

export interface SourcePos {
  file: string;
  line: number;
}

export interface TraceEvent {
  id: number;
  kind: "root" | "side" | "entry";
  at: SourcePos;
  /** For side traces: the parent trace and the exit it grows from. */
  parent?: { trace: number; exit: number };
  irBefore: number;
  irAfter: number;
  guards: number;
  wasmBytes: number;
  compileMs: number;
  /** Where the trace continues: "loop" (closes on itself) or the trace it links to. */
  link: string;
}

interface ExitStat {
  trace: number;
  exit: number;
  at: SourcePos;
  reason: string;
  count: number;
}

interface AbortStat {
  reason: AbortReason;
  count: number;
  /** Hot-count weight: how many back-edges the aborted start points had seen. */
  weight: number;
}

export class TraceLog {
  private readonly lines: string[] = [];
  private readonly exits = new Map<string, ExitStat>();
  private readonly aborts = new Map<AbortReason, AbortStat>();
  private readonly blacklisted: { at: SourcePos; reason: AbortReason }[] = [];
  private traces = 0;
  /** Exits that rebuilt two or more frames. */
  private deopts = 0;
  /** Calls inlined into compiled traces. */
  private inlined = 0;
  compileMs = 0;
  traceMs = 0;
  private readonly startedAt = clockMs();

  constructor(
    readonly level: TraceLogLevel,
    private readonly format: "text" | "json",
    private readonly write: (text: string) => void,
  ) {}

  /** True when per-event lines (not just the summary) are wanted. */
  get events(): boolean {
    return LEVEL_RANK[this.level] >= LEVEL_RANK.events;
  }

  wants(level: TraceLogLevel): boolean {
    return LEVEL_RANK[this.level] >= LEVEL_RANK[level];
  }

  trace(e: TraceEvent): void {
    this.traces++;
    this.compileMs += e.compileMs;
    const where = `${e.at.file}:${e.at.line}`;
    if (this.format === "json") {
      this.json({ event: "trace", id: e.id, kind: e.kind, file: e.at.file, line: e.at.line, parent: e.parent ?? null, ir_before: e.irBefore, ir_after: e.irAfter, guards: e.guards, wasm_bytes: e.wasmBytes, compile_ms: round(e.compileMs), link: e.link });
    } else {
      const side = e.parent ? `side ${e.parent.trace}/${e.parent.exit}` : e.kind === "entry" ? "entry" : "root loop";
      this.text(`[trace ${e.id} ${side} ${where} -> ${e.link}] ir ${e.irBefore}->${e.irAfter} guards ${e.guards} wasm ${e.wasmBytes}B ${e.compileMs.toFixed(1)}ms`);
    }
  }

  abort(at: SourcePos, reason: AbortReason, detail: string, attempt: number, weight: number): void {
    const stat = this.aborts.get(reason) ?? { reason, count: 0, weight: 0 };
    stat.count++;
    stat.weight += weight;
    this.aborts.set(reason, stat);
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "abort", file: at.file, line: at.line, reason, detail, attempt });
    else this.text(`[abort ${at.file}:${at.line} ${reason}: ${detail} (attempt ${attempt})]`);
  }

  blacklist(at: SourcePos, reason: AbortReason, attempts: number): void {
    this.blacklisted.push({ at, reason });
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "blacklist", file: at.file, line: at.line, reason, attempts });
    else this.text(`[blacklist ${at.file}:${at.line} after ${attempts} aborts; last: ${reason}]`);
  }

  /** A loop tree no longer entered from the interpreter: it kept refusing at its entry checks (array handles, invariant reads). */
  retire(trace: number): void {
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "retire", trace });
    else this.text(`[retire trace ${trace}: it keeps refusing at entry (an array no longer packs as it packs it, or a read it made once per entry fails)]`);
  }

  /** A call inlined into a trace. */
  inline(trace: number, fn: string, at: SourcePos): void {
    this.inlined++;
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "inline", trace, function: fn, file: at.file, line: at.line });
    else this.text(`[inline trace ${trace} ${fn} ${at.file}:${at.line}]`);
  }

  /** A loop unrolled into a trace: the trace holds this many of its iterations' backward jumps. */
  unroll(trace: number, at: SourcePos, iterations: number): void {
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "unroll", trace, file: at.file, line: at.line, iterations });
    else this.text(`[unroll trace ${trace} loop ${at.file}:${at.line} x${iterations}]`);
  }

  /** A trace calls a function's entry trace (recursion stopped inlining there). */
  callTrace(trace: number, fn: string): void {
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "call", trace, function: fn });
    else this.text(`[call trace ${trace} -> entry trace of ${fn}]`);
  }

  /** A trace runs the loop tree of a loop in a call it inlined (CALLL). */
  loopCall(trace: number, fn: string, at: SourcePos): void {
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "call_loop", trace, function: fn, file: at.file, line: at.line });
    else this.text(`[call trace ${trace} -> loop tree of ${fn} ${at.file}:${at.line}]`);
  }

  /** An exit rebuilt several interpreter frames (inlined calls, nested entry traces). */
  deopt(trace: number, exit: number, frames: number): void {
    this.deopts++;
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "deopt", trace, exit, frames });
  }

  /** A compiled tree got its entry stub generated (JS text), after `after` generic entries. */
  stub(trace: number, after: number): void {
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "stub", trace, after });
    else this.text(`[stub trace ${trace}: entry generated after ${after} generic entries]`);
  }

  /** An exit site got a restorer generated for it (JS text), after `after` records written back generically. */
  restorer(trace: number, exit: number, after: number): void {
    if (!this.events) return;
    if (this.format === "json") this.json({ event: "restorer", trace, exit, after });
    else this.text(`[restorer trace ${trace} exit ${exit}: generated after ${after} generic write-backs]`);
  }

  /** A guard failed: counted for the summary (events are not logged one by one). */
  exit(trace: number, exit: number, at: SourcePos, reason: string): void {
    const key = `${trace}/${exit}`;
    const stat = this.exits.get(key);
    if (stat) stat.count++;
    else this.exits.set(key, { trace, exit, at, reason, count: 1 });
  }

  /** Multi-line material (IR listings, WAT) at the levels that ask for it. */
  detail(level: TraceLogLevel, title: string, body: string): void {
    if (!this.wants(level)) return;
    if (this.format === "json") this.json({ event: level, title, text: body });
    else this.text(`---- ${title}\n${body.trimEnd()}\n----`);
  }

  /** The end-of-run summary; then everything is flushed. */
  finish(): void {
    const totalMs = clockMs() - this.startedAt;
    const exits = [...this.exits.values()].sort((a, b) => b.count - a.count).slice(0, 10);
    const aborts = [...this.aborts.values()].sort((a, b) => b.weight - a.weight);
    if (this.format === "json") {
      // Exits aggregated per guard (tools count them; one line per exit taken would flood).
      for (const e of this.exits.values()) this.json({ event: "exit", trace: e.trace, exit: e.exit, file: e.at.file, line: e.at.line, reason: e.reason, count: e.count });
      this.json({
        event: "summary",
        total_ms: round(totalMs),
        trace_ms: round(this.traceMs),
        compile_ms: round(this.compileMs),
        interp_ms: round(Math.max(0, totalMs - this.traceMs - this.compileMs)),
        traces: this.traces,
        deopts: this.deopts,
        inlined: this.inlined,
        exits: exits.map((e) => ({ trace: e.trace, exit: e.exit, file: e.at.file, line: e.at.line, reason: e.reason, count: e.count })),
        aborts: aborts.map((a) => ({ reason: a.reason, count: a.count, weight: a.weight })),
        blacklisted: this.blacklisted.map((b) => ({ file: b.at.file, line: b.at.line, reason: b.reason })),
      });
    } else {
      const out = [
        `==== trace summary: ${this.traces} trace${this.traces === 1 ? "" : "s"}, ${totalMs.toFixed(1)} ms total ` +
          `(traces ${this.traceMs.toFixed(1)} ms, compiling ${this.compileMs.toFixed(1)} ms, interpreter ${Math.max(0, totalMs - this.traceMs - this.compileMs).toFixed(1)} ms)`,
      ];
      if (exits.length > 0) {
        out.push("hottest exits:");
        for (const e of exits) out.push(`  trace ${e.trace} exit ${e.exit} ${e.at.file}:${e.at.line} ${e.reason}: ${e.count}`);
      }
      if (aborts.length > 0) {
        out.push("aborts (weighted by hotness):");
        for (const a of aborts) out.push(`  ${a.reason} (${abortDescription(a.reason)}): ${a.count} aborts, weight ${a.weight}`);
      }
      for (const b of this.blacklisted) out.push(`blacklisted: ${b.at.file}:${b.at.line} (${b.reason})`);
      this.text(out.join("\n"));
    }
    this.write(this.lines.join(""));
    this.lines.length = 0;
  }

  private json(obj: Record<string, unknown>): void {
    this.lines.push(JSON.stringify({ v: TRACE_LOG_SCHEMA_VERSION, ...obj }) + "\n");
  }

  private text(line: string): void {
    this.lines.push(line + "\n");
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A writer for --trace-log-file (truncated first) or stderr. */
export function traceLogWriter(file: string | null, stderr: (text: string) => void): (text: string) => void {
  if (file === null) return stderr;
  writeFileSync(file, "");
  return (text) => appendFileSync(file, text);
}
