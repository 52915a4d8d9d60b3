// The coverage report of a generated corpus (`npm run fuzz -- --report`): how programs
// ended, which language features they used, and, from the JIT's trace log, the share
// that compiled traces, took side exits, built side traces, inlined calls and
// deoptimised through several frames. Says so plainly when there is no trace log.

import type { ProgramResult } from "./campaign";
import { COVERAGE_LABELS, type TraceCoverage } from "./trace-log";

/** Features the generator aims at, in report order (names set by render-*.ts). */
export const FEATURES: readonly string[] = [
  "hot-loop", "nested-loop", "loop-for", "loop-while", "loop-loop", "loop-each", "break", "continue", "flip",
  "function", "call", "call-in-loop", "recursion", "mutual-recursion", "closure", "closure-call", "callback",
  "inline-call", "nested-call", "callee-guard", "closure-capture",
  "array", "index-assign", "nested-assign", "dict", "string", "struct", "method", "op-overload", "value-copy",
  "float", "type-change", "i64-boundary", "near-zero-divisor", "try", "throw", "fatal-error", "exit",
];

function pct(n: number, total: number): string {
  return total === 0 ? "n/a" : `${((100 * n) / total).toFixed(1)}%`;
}

export function outcomeLines(results: readonly ProgramResult[]): string[] {
  const byCode = new Map<string, number>();
  for (const r of results) {
    const code = r.outcomes[0]?.code;
    const key = code === null || code === undefined ? "none" : String(code);
    byCode.set(key, (byCode.get(key) ?? 0) + 1);
  }
  const printed = results.filter((r) => (r.outcomes[0]?.stdout.length ?? 0) > 0).length;
  const profiles = ["general", "kernel"].map((p) => {
    const of = results.filter((r) => r.features.has(`profile-${p}`));
    return `${p} ${of.length} (exit 0: ${pct(of.filter((r) => r.outcomes[0]?.code === 0).length, of.length)})`;
  });
  const codes = [...byCode.entries()].sort().map(([c, n]) => `exit ${c}: ${n} (${pct(n, results.length)})`);
  const errors = new Map<string, number>();
  for (const r of results) {
    const m = /Runtime Error: (.*)/.exec(r.outcomes[0]?.stderr ?? "");
    if (m === null) continue;
    const kind = m[1].replace(/-?\d+(\.\d+)?/g, "N").replace(/"[^"]*"/g, "S").slice(0, 60);
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
  }
  const topErrors = [...errors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `  ${String(n).padStart(4)}  ${k}`);
  return [
    `Outcomes (reference mode): ${codes.join(", ")}`,
    `Profiles: ${profiles.join(", ")}`,
    ...(topErrors.length > 0 ? ["Most frequent uncaught errors:", ...topErrors] : []),
    `Printed something: ${printed} (${pct(printed, results.length)}); problems found: ${results.filter((r) => r.problem !== null).length}`,
  ];
}

export function featureLines(results: readonly ProgramResult[]): string[] {
  const lines = ["Language features (share of programs using each):"];
  const rows = FEATURES.map((f) => {
    const n = results.filter((r) => r.features.has(f)).length;
    return `${f.padEnd(18)} ${pct(n, results.length).padStart(6)}`;
  });
  for (let i = 0; i < rows.length; i += 3) lines.push("  " + rows.slice(i, i + 3).join("    "));
  return lines;
}

export function jitCoverageLines(results: readonly ProgramResult[], modeLabel: string): string[] {
  const withLog = results.filter((r) => r.trace !== null);
  const head = `JIT coverage (mode ${modeLabel}, from --trace-log-format=json):`;
  if (withLog.length === 0) {
    return [head, "  trace log unavailable: JIT not present (no run wrote a trace log; nothing was measured)"];
  }
  const lines = [head];
  for (const key of Object.keys(COVERAGE_LABELS) as (keyof TraceCoverage)[]) {
    const n = withLog.filter((r) => r.trace?.coverage[key] === true).length;
    lines.push(`  ${COVERAGE_LABELS[key].padEnd(34)} ${pct(n, results.length).padStart(6)}  (${n} of ${results.length})`);
  }
  for (const p of ["general", "kernel"]) {
    const of = results.filter((r) => r.features.has(`profile-${p}`));
    const n = of.filter((r) => r.trace?.coverage.root === true).length;
    lines.push(`    (${p} programs: ${pct(n, of.length)} compiled a trace)`);
  }
  const missing = results.length - withLog.length;
  if (missing > 0) lines.push(`  ${missing} run(s) wrote no trace log; they count as covering nothing`);
  const aborts = new Map<string, number>();
  for (const r of withLog) for (const reason of r.trace?.aborts.keys() ?? []) aborts.set(reason, (aborts.get(reason) ?? 0) + 1);
  if (aborts.size > 0) {
    lines.push("  recordings aborted, by reason (programs affected):");
    for (const [reason, n] of [...aborts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      lines.push(`    ${reason.padEnd(30)} ${pct(n, results.length).padStart(6)}`);
    }
  }
  return lines;
}

export function formatReport(results: readonly ProgramResult[], seed: number, modeLabel: string): string {
  return [
    `Coverage report: ${results.length} generated programs, seed ${seed}`,
    ...outcomeLines(results),
    ...featureLines(results),
    ...jitCoverageLines(results, modeLabel),
  ].join("\n");
}
