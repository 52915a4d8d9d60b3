// Runs the built runtime (dist/launch.cjs) as a child process, the way users run it, and
// the execution modes every golden program is checked in: JIT off, on, and forced.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { nodeFlagsFor } from "./node-flags";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const BUNDLE = path.join(REPO_ROOT, "dist/launch.cjs");
export const SHARED_BENCHMARKS = path.resolve(REPO_ROOT, "../shared/benchmarks");

/**
 * Flags per mode. "forced" sets every JIT threshold to its least so traces start at once
 * (and loop trees call themselves every iteration, and every exit site gets its generated
 * restorer at its first use; "peeled" leaves hotstub at its default, so exits there are
 * written back generically). Both JIT modes run strict: an internal JIT error fails the
 * test (exit code 6) instead of hiding behind the interpreter's right answer.
 */
export const MODES = {
  off: ["--no-jit"],
  on: ["--jit-param", "strict=1"],
  forced: ["--jit-param", "strict=1", "--jit-param", "hotloop=1", "--jit-param", "hotexit=1", "--jit-param", "hotcall=1", "--jit-param", "tierloop=1", "--jit-param", "hotstub=0"],
  // Forced, with loop peeling (off by default, so only this mode covers it).
  peeled: ["--jit-param", "strict=1", "--jit-param", "hotloop=1", "--jit-param", "hotexit=1", "--jit-param", "hotcall=1", "--jit-param", "tierloop=1", "--jit-param", "peel=1"],
} as const;
export type Mode = keyof typeof MODES;

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export function runRuff(args: string[], options: { input?: string; timeoutMs?: number; cwd?: string } = {}): RunResult {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm test does it first)`);
  const r = spawnSync(process.execPath, [...nodeFlagsFor(BUNDLE), BUNDLE, ...args], {
    encoding: "utf8",
    input: options.input ?? "",
    timeout: options.timeoutMs ?? 60_000,
    cwd: options.cwd ?? REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

export function runFile(file: string, mode: Mode, flags: string[] = [], scriptArgs: string[] = []): RunResult {
  return runRuff(["run", ...MODES[mode], ...flags, file, ...scriptArgs]);
}

/**
 * Let the test worker's event loop run (a beforeEach of files with many synchronous runs):
 * vitest's worker talks to the main process over messages, and a file whose tests block
 * the loop for a minute on a busy machine fails the run with an RPC timeout.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
