// What counts as a failure of one generated program: a run that hangs, crashes the
// runtime (exit 6, a JS stack trace) or does not parse/compile (a generator bug), and
// two runs (two modes) that differ in stdout, stderr or exit code. Also formats the
// failure report with the program source and both outputs.

import { MODES } from "../support/run-ruff";
import type { RunOutcome } from "./exec";

export interface ModeSpec {
  label: string;
  flags: readonly string[];
}

/** The modes a run can compare; `forced` is every JIT threshold at 1 (run-ruff.ts). */
export const MODE_SPECS: Readonly<Record<string, ModeSpec>> = {
  off: { label: "off", flags: MODES.off },
  on: { label: "on", flags: MODES.on },
  forced: { label: "forced", flags: MODES.forced },
};

/** Exit codes a generated program may legitimately end with (7 is its `exit(7)`). */
export const EXPECTED_CODES: readonly number[] = [0, 4, 7];

const JS_STACK = /^\s+at .+:\d+:\d+\)?$/m;

/** A problem with a single run, whatever the other mode did; null if none. */
export function runProblem(o: RunOutcome, timeoutMs: number): string | null {
  if (o.timedOut) return `did not finish within ${timeoutMs} ms (non-terminating program or runtime hang)`;
  if (o.code === null) return "killed (output over the size limit?)";
  if (o.code === 6 || o.stderr.includes("RUFINTERNAL")) return "internal error of the runtime (exit 6)";
  if (JS_STACK.test(o.stderr)) return "JS stack trace on stderr";
  if (/\[RUFPARSE\d+\]|\[lexer\] error/.test(o.stderr)) return "generated program does not parse (generator bug)";
  if (o.stderr.includes("Compilation error")) return "generated program does not compile (generator bug)";
  if (!EXPECTED_CODES.includes(o.code)) return `unexpected exit code ${o.code}`;
  return null;
}

/** How two runs of the same program differ; empty if they agree. */
export function differences(a: RunOutcome, b: RunOutcome): string[] {
  const out: string[] = [];
  if (a.code !== b.code) out.push(`exit code ${a.code} vs ${b.code}`);
  if (a.stdout !== b.stdout) out.push(`stdout differs at line ${firstDifferentLine(a.stdout, b.stdout)}`);
  if (a.stderr !== b.stderr) out.push(`stderr differs at line ${firstDifferentLine(a.stderr, b.stderr)}`);
  return out;
}

/** The verdict for one program run in several modes: null when all is well. */
export function judge(outcomes: readonly RunOutcome[], modes: readonly ModeSpec[], timeoutMs: number): string | null {
  for (let i = 0; i < outcomes.length; i++) {
    const p = runProblem(outcomes[i], timeoutMs);
    if (p !== null) return `mode ${modes[i].label}: ${p}`;
  }
  for (let i = 1; i < outcomes.length; i++) {
    const d = differences(outcomes[0], outcomes[i]);
    if (d.length > 0) return `modes ${modes[0].label} and ${modes[i].label} disagree: ${d.join("; ")}`;
  }
  return null;
}

function firstDifferentLine(a: string, b: string): number {
  const la = a.split("\n");
  const lb = b.split("\n");
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  return i + 1;
}

function excerpt(text: string, around: number, label: string): string {
  const lines = text.split("\n");
  if (lines.length <= 40) return `${label}:\n${text.length === 0 ? "(empty)" : text.replace(/\n$/, "")}`;
  const from = Math.max(0, around - 10);
  const shown = lines.slice(from, from + 30).join("\n");
  return `${label} (${lines.length} lines; lines ${from + 1}-${Math.min(lines.length, from + 30)} shown):\n${shown}`;
}

export interface FailureReport {
  reason: string;
  source: string;
  modes: readonly ModeSpec[];
  outcomes: readonly RunOutcome[];
  seed: number;
  /** fast-check counterexample path, to replay with `--seed S --path P`. */
  path: string;
  savedAs: string | null;
}

export function formatFailure(f: FailureReport): string {
  const around = f.outcomes.length > 1 ? firstDifferentLine(f.outcomes[0].stdout, f.outcomes[1].stdout) : 1;
  const parts = [
    `=== fuzz failure: ${f.reason}`,
    `seed ${f.seed}, counterexample path ${f.path}; replay: npm run fuzz -- --seed ${f.seed} --path ${f.path}`,
    `--- shrunk program (${f.source.split("\n").length - 1} lines) ---`,
    f.source.replace(/\n$/, ""),
  ];
  f.outcomes.forEach((o, i) => {
    const m = f.modes[i];
    parts.push(
      `--- mode ${m.label} (${m.flags.join(" ") || "default flags"}): exit ${o.code}${o.timedOut ? " (timed out)" : ""} ---`,
      excerpt(o.stdout, around, "stdout"),
      excerpt(o.stderr, 1, "stderr"),
    );
  });
  if (f.savedAs !== null) parts.push(`--- saved as ${f.savedAs}`);
  parts.push(
    "Once fixed, add the program as test/programs/regressions/NAME.ruff with NAME.out (and NAME.err/NAME.code if it fails).",
  );
  return parts.join("\n");
}
