// Reads the JIT's JSON Lines trace log (`--trace-log=summary --trace-log-format=json
// --trace-log-file=PATH`, schema v1 of src/trace/log.ts) and reduces it to what the
// coverage report counts per program. The events read are listed in test/fuzz/README.md.

import { existsSync, readFileSync } from "node:fs";

/** Flags that make the runtime write its trace log as JSON Lines to `file`. */
export function traceLogFlags(file: string): string[] {
  return ["--trace-log=summary", "--trace-log-format=json", `--trace-log-file=${file}`];
}

export interface TraceEvent {
  event: string;
  [field: string]: unknown;
}

export interface TraceCoverage {
  /** Compiled a root trace (loop or function entry). */
  root: boolean;
  /** Took a side exit. */
  exit: boolean;
  /** Built a side trace. */
  side: boolean;
  /** Inlined a call into a trace. */
  inline: boolean;
  /** Left a trace through a deoptimisation that rebuilt two or more frames. */
  deoptFrames: boolean;
}

export const COVERAGE_LABELS: Readonly<Record<keyof TraceCoverage, string>> = {
  root: "compiled a trace",
  exit: "took a side exit",
  side: "built a side trace",
  inline: "inlined a call",
  deoptFrames: "deoptimised through >= 2 frames",
};

/** Parse JSON Lines; lines that are not JSON objects with a string `event` are counted as malformed. */
export function parseTraceLog(text: string): { events: TraceEvent[]; malformed: number } {
  const events: TraceEvent[] = [];
  let malformed = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as TraceEvent).event === "string") {
        events.push(v as TraceEvent);
      } else {
        malformed++;
      }
    } catch {
      malformed++;
    }
  }
  return { events, malformed };
}

/** How many times an event line stands for (`count` for aggregated summary lines). */
function weight(e: TraceEvent): number {
  return typeof e.count === "number" ? e.count : 1;
}

export function coverageOf(events: readonly TraceEvent[]): TraceCoverage {
  const cov: TraceCoverage = { root: false, exit: false, side: false, inline: false, deoptFrames: false };
  for (const e of events) {
    if (weight(e) <= 0) continue;
    switch (e.event) {
      case "trace":
        if (e.kind === "side") cov.side = true;
        else cov.root = true;
        break;
      case "side":
        cov.side = true;
        break;
      case "exit":
        cov.exit = true;
        break;
      case "inline":
        cov.inline = true;
        break;
      case "deopt":
        if (typeof e.frames === "number" && e.frames >= 2) cov.deoptFrames = true;
        break;
      case "summary":
        if (typeof e.traces === "number" && e.traces > 0) cov.root = true;
        if (Array.isArray(e.exits) && e.exits.some((x) => weight(x as TraceEvent) > 0)) cov.exit = true;
        // The summary counts what the events level lists one by one.
        if (typeof e.inlined === "number" && e.inlined > 0) cov.inline = true;
        if (typeof e.deopts === "number" && e.deopts > 0) cov.deoptFrames = true;
        break;
    }
  }
  return cov;
}

/** Aborted recordings by reason, from the end-of-run summary's `aborts` list. */
export function abortsOf(events: readonly TraceEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.event !== "summary" || !Array.isArray(e.aborts)) continue;
    for (const a of e.aborts as { reason?: unknown; count?: unknown }[]) {
      if (typeof a.reason === "string") out.set(a.reason, (out.get(a.reason) ?? 0) + (typeof a.count === "number" ? a.count : 1));
    }
  }
  return out;
}

export interface TraceInfo {
  coverage: TraceCoverage;
  aborts: Map<string, number>;
}

/** What one run's log file shows, or null when the run wrote no (valid) log. */
export function readTraceInfo(file: string): TraceInfo | null {
  if (!existsSync(file)) return null;
  const { events } = parseTraceLog(readFileSync(file, "utf8"));
  return events.length === 0 ? null : { coverage: coverageOf(events), aborts: abortsOf(events) };
}
