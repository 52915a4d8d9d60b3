// Test helper: a small hand-made results report (three runtimes, a correct, a wrong, a
// no-twin and a start-up-sized cell, fib30) for the rendering tests.
import { analyze } from "../../bench/lib/analysis.js";
import { emptyCell, type Cell, type HarnessResult } from "../../bench/lib/harness.js";
import type { BenchReport } from "../../bench/lib/report.js";
import { summarize } from "../../bench/lib/stats.js";

function timed(...seconds: number[]): Cell {
  return { ...emptyCell(), wallSeconds: seconds, wall: summarize(seconds), peakRssKb: [10240], rss: summarize([10240]) };
}

export function syntheticReport(): BenchReport {
  const runtimes = [
    { id: "ruff_nojit", label: "ruff --no-jit", extension: "ruff", command: ["bin/ruff", "run", "--no-jit", "FILE"], version: "test" },
    { id: "cpython", label: "CPython", extension: "py", command: ["/usr/bin/python3", "FILE"], version: "3.11" },
    { id: "node", label: "node", extension: "js", command: ["/usr/bin/node", "FILE"], version: "v20" },
  ];
  const result: HarnessResult = {
    startup: { ruff_nojit: timed(0.03), cpython: timed(0.01), node: timed(0.05) },
    programs: [
      { name: "fib_rec", cells: { ruff_nojit: timed(0.2, 0.3, 0.25), cpython: timed(0.1), node: timed(0.06) } },
      { name: "sieve", cells: { ruff_nojit: emptyCell("wrong", 'line 1: expected "a", got "b"'), cpython: timed(0.3), node: timed(0.1) } },
      { name: "a<b&c", cells: { ruff_nojit: timed(1), cpython: timed(1), node: emptyCell("no-twin") } },
      { name: "short", cells: { ruff_nojit: timed(0.5), cpython: timed(0.2), node: timed(0.045) } },
    ],
    fib30: { ruff_nojit: { ...timed(0.5), inProgramMs: [400, 410, 405], inProgram: summarize([400, 410, 405]) } },
    problems: ["OUTPUT MISMATCH: sieve on ruff_nojit (check): line 1: expected \"a\", got \"b\" -- not timed"],
  };
  return {
    schema: "ruff-bench/1",
    generatedAt: "2025-01-01T00:00:00.000Z",
    settings: { suiteDir: "/suite", warmups: 1, runs: 3, startupRuns: 5, timeoutSeconds: 300, quick: true, only: [] },
    machine: { cpu: "test cpu", cpus: 2, memoryGiB: 4, os: "Linux", loadAverageAtStart: [0, 0, 0] },
    nodeExtraCaCertsSet: true,
    ruffBuild: { ok: true, detail: "built" },
    peakRssMeasured: true,
    spawnFloorSeconds: 0.002,
    runtimes,
    skipped: [{ id: "pypy", reason: "pypy3 not found" }],
    warnings: [],
    ...result,
    analysis: analyze(result, runtimes.map((runtime) => runtime.id), "cpython"),
  };
}
