// The measuring loop: checks every runtime's stdout against the expected output, then
// times start-up (empty programs), each suite program and bench/fib30.ruff with warm-ups
// and interleaved counted runs (A B C A B C ...). A cell whose output is ever wrong, or
// whose process fails, keeps no timings. Runtimes and the process runner are injected.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ProcessOutcome, ProcessRunner } from "./measure.js";
import type { RuntimeSpec } from "./runtimes.js";
import { summarize, type Summary } from "./stats.js";
import type { Suite } from "./suite.js";

export type CellStatus = "ok" | "wrong" | "error" | "timeout" | "no-twin";

export interface Cell {
  status: CellStatus;
  /** Why the cell failed or was not run; absent when ok. */
  detail?: string;
  /** Counted whole-process wall times in seconds (empty unless ok). */
  wallSeconds: number[];
  /** Counted peak RSS values in KiB (empty when not measurable). */
  peakRssKb: number[];
  wall: Summary | null;
  rss: Summary | null;
  /** fib30 only: the milliseconds the program reported for fib(30). */
  inProgramMs?: number[];
  inProgram?: Summary | null;
}

export interface ProgramResult {
  name: string;
  cells: Record<string, Cell>;
}

export interface HarnessResult {
  /** Start-up of each runtime, measured on an empty program. */
  startup: Record<string, Cell>;
  programs: ProgramResult[];
  /** bench/fib30.ruff on the ruff columns, or null when not run. */
  fib30: Record<string, Cell> | null;
  /** Every mismatch, error and timeout, as reported while running. */
  problems: string[];
}

export interface Progress {
  phase: "check" | "warm-up" | "run";
  group: string;
  runtimeId: string;
  run: number;
  of: number;
  /** 1-based position among programs (fib30 last); 0 for the start-up group. */
  groupIndex: number;
  groupCount: number;
}

export interface HarnessOptions {
  suite: Suite;
  runtimes: RuntimeSpec[];
  /** Warm-up runs per cell; the first one is the output check (at least 1 is done). */
  warmups: number;
  runs: number;
  startupRuns: number;
  timeoutSeconds: number;
  runner: ProcessRunner;
  /** bench/fib30.ruff, timed on the ruff columns; null or absent to skip. */
  fib30File?: string | null;
  /** Whether to time the suite's programs (false when only fib30 was asked for). */
  timeSuite?: boolean;
  onProgress?: (progress: Progress) => void;
  /** Called at once for each problem so it can be shown loudly. */
  onProblem?: (message: string) => void;
}

/** Returns a description of how stdout is wrong, or null when it is right. */
type OutputCheck = (stdout: string) => string | null;

interface Entry {
  runtime: RuntimeSpec;
  file: string;
  cwd: string;
  check: OutputCheck;
  cell: Cell;
  /** fib30: pulls the in-program milliseconds out of stdout. */
  extractMs?: (stdout: string) => number;
}

export const FIB30_EXPECTED = /^fib\(30\) = 832040\ntime_ms: (\d+)\n$/;

export function emptyCell(status: CellStatus = "ok", detail?: string): Cell {
  return { status, detail, wallSeconds: [], peakRssKb: [], wall: null, rss: null };
}

/** Compares stdout with the expected text; describes the first differing line. */
export function describeMismatch(expected: string, actual: string): string | null {
  if (expected === actual) return null;
  const expectedLines = expected.split("\n");
  const actualLines = actual.split("\n");
  for (let i = 0; i < Math.max(expectedLines.length, actualLines.length); i++) {
    if (expectedLines[i] !== actualLines[i]) {
      const show = (line: string | undefined) => (line === undefined ? "<end of output>" : JSON.stringify(clip(line, 80)));
      return `line ${i + 1}: expected ${show(expectedLines[i])}, got ${show(actualLines[i])}`;
    }
  }
  return "outputs differ";
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}

function describeFailure(outcome: ProcessOutcome, timeoutSeconds: number): string {
  if (outcome.status === "timeout") return `killed after the ${timeoutSeconds} s time limit`;
  const how = outcome.exitCode !== null ? `exit ${outcome.exitCode}` : `signal ${outcome.signal ?? "?"}`;
  const lines = outcome.stderr.split("\n").map((line) => line.trim()).filter(Boolean);
  // Prefer the line that names the error (a Node crash ends with its version line).
  const telling = lines.find((line) => /error/i.test(line)) ?? lines[lines.length - 1];
  return telling ? `${how}: ${clip(telling, 160)}` : how;
}

/** Runs the whole measurement; never throws for a failing runtime, only records it. */
export async function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const problems: string[] = [];
  const report = (message: string) => {
    problems.push(message);
    options.onProblem?.(message);
  };
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ruff-bench-empty-"));
  try {
    const timeSuite = options.timeSuite ?? true;
    const programGroups = timeSuite
      ? options.suite.programs.map((program) => {
          const cells: Record<string, Cell> = {};
          const entries: Entry[] = [];
          for (const runtime of options.runtimes) {
            const file = program.sources[runtime.extension];
            if (!file) {
              cells[runtime.id] = emptyCell("no-twin", `no ${program.name}.${runtime.extension} in the suite`);
              continue;
            }
            cells[runtime.id] = emptyCell();
            const check: OutputCheck = (stdout) => describeMismatch(program.expectedStdout, stdout);
            entries.push({ runtime, file: path.basename(file), cwd: path.dirname(file), check, cell: cells[runtime.id] });
          }
          return { name: program.name, cells, entries };
        })
      : [];

    const startup: Record<string, Cell> = {};
    const startupEntries = options.runtimes.map((runtime): Entry => {
      const file = `empty.${runtime.extension}`;
      writeFileSync(path.join(scratch, file), "");
      startup[runtime.id] = emptyCell();
      const check: OutputCheck = (stdout) => (stdout === "" ? null : `expected no output, got ${JSON.stringify(clip(stdout, 80))}`);
      return { runtime, file, cwd: scratch, check, cell: startup[runtime.id] };
    });

    const ruffRuntimes = options.runtimes.filter((runtime) => runtime.extension === "ruff");
    let fib30: Record<string, Cell> | null = null;
    const fib30Entries: Entry[] = [];
    if (options.fib30File && ruffRuntimes.length > 0) {
      fib30 = {};
      for (const runtime of ruffRuntimes) {
        fib30[runtime.id] = { ...emptyCell(), inProgramMs: [], inProgram: null };
        fib30Entries.push({
          runtime,
          file: path.basename(options.fib30File),
          cwd: path.dirname(options.fib30File),
          check: (stdout) =>
            FIB30_EXPECTED.test(stdout) ? null : `expected "fib(30) = 832040" then "time_ms: <int>", got ${JSON.stringify(clip(stdout, 80))}`,
          cell: fib30[runtime.id],
          extractMs: (stdout) => Number(FIB30_EXPECTED.exec(stdout)![1]),
        });
      }
    }

    const groups = [
      ...programGroups.map((group) => ({ name: group.name, entries: group.entries })),
      ...(fib30 ? [{ name: "fib30", entries: fib30Entries }] : []),
    ];
    const groupCount = groups.length;

    // 1. Check every output before anything is timed (this is the first warm-up run).
    for (const [index, group] of groups.entries()) {
      await runRound(group.name, group.entries, "check", 1, 1, index + 1, groupCount, options, report);
    }
    // 2. Start-up on empty programs, then 3. each program, interleaved across runtimes.
    const timedGroups = [{ name: "start-up", entries: startupEntries, runs: options.startupRuns, skipCheck: false }];
    for (const group of groups) timedGroups.push({ name: group.name, entries: group.entries, runs: options.runs, skipCheck: true });
    for (const [index, group] of timedGroups.entries()) {
      const groupIndex = index; // 0 is start-up, then 1..groupCount
      const extraWarmups = Math.max(options.warmups, 1) - (group.skipCheck ? 1 : 0);
      for (let k = 1; k <= extraWarmups; k++) {
        await runRound(group.name, group.entries, "warm-up", k, extraWarmups, groupIndex, groupCount, options, report);
      }
      for (let k = 1; k <= group.runs; k++) {
        await runRound(group.name, group.entries, "run", k, group.runs, groupIndex, groupCount, options, report);
      }
      for (const entry of group.entries) finishCell(entry.cell);
    }

    const programs = programGroups.map((group) => ({ name: group.name, cells: group.cells }));
    return { startup, programs, fib30, problems };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One pass over the still-healthy entries of a group: each runtime runs once. */
async function runRound(
  groupName: string,
  entries: Entry[],
  phase: Progress["phase"],
  run: number,
  of: number,
  groupIndex: number,
  groupCount: number,
  options: HarnessOptions,
  report: (message: string) => void,
): Promise<void> {
  for (const entry of entries) {
    if (entry.cell.status !== "ok") continue;
    options.onProgress?.({ phase, group: groupName, runtimeId: entry.runtime.id, run, of, groupIndex, groupCount });
    const command = entry.runtime.command(entry.file);
    const outcome = await options.runner(command, { cwd: entry.cwd, timeoutSeconds: options.timeoutSeconds });
    const where = `${groupName} on ${entry.runtime.id} (${phase}${phase === "check" ? "" : ` ${run}/${of}`})`;
    if (outcome.status !== "ok") {
      fail(entry.cell, outcome.status, describeFailure(outcome, options.timeoutSeconds));
      const stdoutNote = outcome.stdout ? `; stdout so far: ${JSON.stringify(clip(outcome.stdout.trim(), 80))}` : "";
      report(`${outcome.status === "timeout" ? "TIMEOUT" : "RUN FAILED"}: ${where}: ${entry.cell.detail}${stdoutNote}`);
      continue;
    }
    const mismatch = entry.check(outcome.stdout);
    if (mismatch) {
      fail(entry.cell, "wrong", mismatch);
      report(`OUTPUT MISMATCH: ${where}: ${mismatch} -- not timed`);
      continue;
    }
    if (phase !== "run") continue;
    entry.cell.wallSeconds.push(outcome.wallSeconds);
    if (outcome.peakRssKb !== null) entry.cell.peakRssKb.push(outcome.peakRssKb);
    if (entry.extractMs) entry.cell.inProgramMs?.push(entry.extractMs(outcome.stdout));
  }
}

/** Marks a cell failed and drops every timing it had, so it is never reported as timed. */
function fail(cell: Cell, status: CellStatus, detail: string): void {
  cell.status = status;
  cell.detail = detail;
  cell.wallSeconds = [];
  cell.peakRssKb = [];
  if (cell.inProgramMs) cell.inProgramMs = [];
}

function finishCell(cell: Cell): void {
  if (cell.status !== "ok") return;
  cell.wall = summarize(cell.wallSeconds);
  cell.rss = summarize(cell.peakRssKb);
  if (cell.inProgramMs) cell.inProgram = summarize(cell.inProgramMs);
}
