// The coverage report's plumbing: reading the JIT's JSON Lines trace log (schema in
// test/fuzz/README.md), reducing it per program, and saying "unavailable" rather than
// printing zeros when no run wrote a log.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { ProgramResult } from "./campaign";
import { jitCoverageLines } from "./report";
import { type TraceCoverage, abortsOf, coverageOf, parseTraceLog, readTraceInfo, traceLogFlags } from "./trace-log";

function result(coverage: TraceCoverage | null): ProgramResult {
  const trace = coverage === null ? null : { coverage, aborts: new Map([["nyi-call", 1]]) };
  return { index: 0, source: "", features: new Set(), outcomes: [], problem: null, trace };
}

describe("trace log reader", () => {
  it("parses JSON Lines and counts malformed lines", () => {
    const { events, malformed } = parseTraceLog('{"event":"trace","id":1}\n\nnot json\n[1]\n{"id":2}\n{"event":"exit","trace":1}\n');
    expect(events.map((e) => e.event)).toEqual(["trace", "exit"]);
    expect(malformed).toBe(3);
  });

  it("reduces events to per-program coverage", () => {
    const { events } = parseTraceLog(
      [
        '{"event":"trace","id":1,"kind":"root"}',
        '{"event":"exit","trace":1,"exit":2}',
        '{"event":"trace","id":2,"kind":"side"}',
        '{"event":"inline","callee":"f"}',
        '{"event":"deopt","frames":1}',
      ].join("\n"),
    );
    expect(coverageOf(events)).toEqual({ root: true, exit: true, side: true, inline: true, deoptFrames: false });
    expect(coverageOf(parseTraceLog('{"event":"deopt","frames":3}').events).deoptFrames).toBe(true);
  });

  it("reads aggregated summary lines through their count", () => {
    const { events } = parseTraceLog('{"event":"side","count":0}\n{"event":"exit","count":12}\n{"event":"summary"}');
    expect(coverageOf(events)).toEqual({ root: false, exit: true, side: false, inline: false, deoptFrames: false });
  });

  it("reads the end-of-run summary of schema v1 (trace count, exits, aborts)", () => {
    const summary = {
      v: 1, event: "summary", traces: 1,
      exits: [{ trace: 1, exit: 1, file: "p.ruff", line: 5, reason: "guard", count: 3 }],
      aborts: [{ reason: "nyi-call", count: 2, weight: 9 }, { reason: "nyi-string", count: 1, weight: 1 }],
      blacklisted: [],
    };
    const { events } = parseTraceLog(JSON.stringify(summary));
    expect(coverageOf(events)).toEqual({ root: true, exit: true, side: false, inline: false, deoptFrames: false });
    expect([...abortsOf(events)]).toEqual([["nyi-call", 2], ["nyi-string", 1]]);
    const idle = parseTraceLog('{"v":1,"event":"summary","traces":0,"exits":[],"aborts":[]}').events;
    expect(coverageOf(idle)).toEqual({ root: false, exit: false, side: false, inline: false, deoptFrames: false });
  });

  it("treats a missing or empty log file as no log", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ruff-tracelog-"));
    try {
      expect(readTraceInfo(path.join(dir, "absent.jsonl"))).toBeNull();
      writeFileSync(path.join(dir, "empty.jsonl"), "");
      expect(readTraceInfo(path.join(dir, "empty.jsonl"))).toBeNull();
      writeFileSync(path.join(dir, "one.jsonl"), '{"event":"trace"}\n');
      expect(readTraceInfo(path.join(dir, "one.jsonl"))?.coverage.root).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("asks the runtime for a JSON log in a file", () => {
    expect(traceLogFlags("/tmp/x.jsonl")).toEqual(["--trace-log=summary", "--trace-log-format=json", "--trace-log-file=/tmp/x.jsonl"]);
  });
});

describe("JIT coverage report", () => {
  it("says the trace log is unavailable instead of printing zeros", () => {
    const text = jitCoverageLines([result(null), result(null)], "forced").join("\n");
    expect(text).toContain("trace log unavailable: JIT not present");
    expect(text).not.toMatch(/0\.0%/);
  });

  it("prints shares over all programs when logs exist", () => {
    const full = { root: true, exit: true, side: false, inline: true, deoptFrames: false };
    const text = jitCoverageLines([result(full), result({ ...full, exit: false }), result(null)], "forced").join("\n");
    expect(text).toMatch(/compiled a trace\s+66\.7%\s+\(2 of 3\)/);
    expect(text).toMatch(/took a side exit\s+33\.3%/);
    expect(text).toContain("1 run(s) wrote no trace log");
    expect(text).toMatch(/nyi-call\s+66\.7%/);
  });
});
