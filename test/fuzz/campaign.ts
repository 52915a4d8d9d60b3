// A fuzz campaign: generate `runs` programs from a seed, run each in every mode with a
// pool of child processes, judge them, and shrink the first failure with fast-check
// (replaying its counterexample path) down to a minimal program.

import fc from "fast-check";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { programArb } from "./arb-stmt";
import { type FailureReport, type ModeSpec, judge } from "./check";
import { type RunOutcome, mapPool, runAsync } from "./exec";
import { renderProgram } from "./render";
import { type TraceInfo, readTraceInfo, traceLogFlags } from "./trace-log";
import type { GenProgram } from "./tree";

export interface CampaignOptions {
  seed: number;
  runs: number;
  /** Compared modes; the first is the reference (normally `off`). */
  modes: readonly ModeSpec[];
  /** dist/launch.cjs */
  bundle: string;
  cwd: string;
  jobs: number;
  timeoutMs: number;
  /** Ask the last mode for a JSON trace log and read it (coverage report). */
  traceLog: boolean;
  /** Replay one counterexample path (`--path`) instead of sampling `runs` programs. */
  path?: string;
  /** Skip the first `offset` programs of the seed's sequence (a long campaign run in
   *  pieces: programs keep their index, so `--path` replays work as in one run). */
  offset?: number;
  /** Keep the generated programs (in the work directory) after the run. */
  keep?: boolean;
  /** Run every program even after a failure (only the first failure is shrunk). */
  keepGoing?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ProgramResult {
  index: number;
  source: string;
  features: Set<string>;
  outcomes: RunOutcome[];
  problem: string | null;
  /** What the trace log of the last mode shows; null when it wrote no log. */
  trace: TraceInfo | null;
}

export interface CampaignResult {
  results: ProgramResult[];
  failure: FailureReport | null;
  workDir: string;
}

interface Runner {
  run(source: string, name: string, withLog: boolean): Promise<{ outcomes: RunOutcome[]; problem: string | null; trace: TraceInfo | null }>;
}

function makeRunner(opts: CampaignOptions, workDir: string): Runner {
  return {
    async run(source, name, withLog) {
      const file = path.join(workDir, `${name}.ruff`);
      writeFileSync(file, source);
      const log = path.join(workDir, `${name}.jsonl`);
      const outcomes: RunOutcome[] = [];
      for (let m = 0; m < opts.modes.length; m++) {
        const logFlags = withLog && m === opts.modes.length - 1 ? traceLogFlags(log) : [];
        outcomes.push(await runAsync(opts.bundle, ["run", ...opts.modes[m].flags, ...logFlags, file], { timeoutMs: opts.timeoutMs, cwd: opts.cwd }));
      }
      const trace = withLog ? readTraceInfo(log) : null;
      return { outcomes, problem: judge(outcomes, opts.modes, opts.timeoutMs), trace };
    },
  };
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  mkdirSync(os.tmpdir(), { recursive: true });
  const workDir = mkdtempSync(path.join(os.tmpdir(), "ruff-fuzz-"));
  const runner = makeRunner(opts, workDir);
  const first = opts.path === undefined ? (opts.offset ?? 0) : Number(opts.path.split(":")[0]);
  const count = opts.path === undefined ? opts.runs : 1;
  const programs = fc.sample(programArb, { seed: opts.seed, numRuns: first + count }).slice(first);
  const results: ProgramResult[] = [];
  let failedAt = -1;
  let done = 0;
  await mapPool(programs, opts.jobs, async (p, i) => {
    if (failedAt >= 0 && opts.keepGoing !== true) return;
    const index = first + i;
    const rendered = renderProgram(p);
    const r = await runner.run(rendered.source, `p${index}`, opts.traceLog);
    results.push({ index, source: rendered.source, features: rendered.features, ...r });
    if (r.problem !== null && (failedAt < 0 || index < failedAt)) failedAt = index;
    opts.onProgress?.(++done, programs.length);
  });
  results.sort((a, b) => a.index - b.index);
  const failure = failedAt < 0 ? null : await shrink(opts, runner, workDir, opts.path ?? String(failedAt));
  if (!opts.keep && failure === null) rmSync(workDir, { recursive: true, force: true });
  return { results, failure, workDir };
}

/** Replay the failing sample through fc.check so fast-check shrinks it. */
async function shrink(opts: CampaignOptions, runner: Runner, workDir: string, startPath: string): Promise<FailureReport> {
  let attempt = 0;
  let last: { source: string; outcomes: RunOutcome[]; problem: string } | null = null;
  const property = fc.asyncProperty(programArb, async (p: GenProgram) => {
    const { source } = renderProgram(p);
    const r = await runner.run(source, `shrink${attempt++}`, false);
    if (r.problem === null) return true;
    last = { source, outcomes: r.outcomes, problem: r.problem };
    return false;
  });
  const details = await fc.check(property, { seed: opts.seed, path: startPath, numRuns: 1 });
  const found = last as { source: string; outcomes: RunOutcome[]; problem: string } | null;
  if (!details.failed || found === null) {
    return {
      reason: "the failure did not reproduce when replayed (flaky?)",
      source: "",
      modes: opts.modes,
      outcomes: [],
      seed: opts.seed,
      path: startPath,
      savedAs: null,
    };
  }
  // The counterexample is the last failing value; run it once more to report its outcomes.
  const [minimal] = details.counterexample ?? [];
  const source = minimal === undefined ? found.source : renderProgram(minimal).source;
  const again = await runner.run(source, "minimal", false);
  const savedAs = path.join(workDir, "minimal.ruff");
  return {
    reason: again.problem ?? found.problem,
    source,
    modes: opts.modes,
    outcomes: again.problem === null ? found.outcomes : again.outcomes,
    seed: opts.seed,
    path: details.counterexamplePath ?? startPath,
    savedAs,
  };
}
