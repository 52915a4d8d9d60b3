// Process timing: runs one command to completion and reports whole-process wall time,
// exit status, captured stdout/stderr and peak RSS (through GNU `/usr/bin/time -f %M`
// when that exists). A run that exceeds its time limit is killed with its process group.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type RunStatus = "ok" | "error" | "timeout";

export interface ProcessOutcome {
  status: RunStatus;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit, as seen by the harness. */
  wallSeconds: number;
  /** Peak resident set size in KiB, or null when it could not be measured. */
  peakRssKb: number | null;
}

export interface RunOptions {
  cwd: string;
  timeoutSeconds: number;
}

/** Something that runs a command; the harness takes one so tests can substitute it. */
export type ProcessRunner = (argv: readonly string[], options: RunOptions) => Promise<ProcessOutcome>;

const GNU_TIME = "/usr/bin/time";

/** True when GNU time is installed and accepts `-f %M -o FILE`. */
export function peakRssSupported(): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const dir = mkdtempSync(path.join(os.tmpdir(), "ruff-bench-probe-"));
  try {
    const file = path.join(dir, "rss");
    const probe = spawnSync(GNU_TIME, ["-f", "%M", "-o", file, "true"], { stdio: "ignore" });
    return probe.status === 0 && parsePeakRss(readFileSync(file, "utf8")) !== null;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The last line of GNU time's `-o` file is `%M`; earlier lines may note an exit status. */
export function parsePeakRss(text: string): number | null {
  const lines = text.trim().split("\n");
  const last = lines[lines.length - 1]?.trim() ?? "";
  return /^\d+$/.test(last) ? Number(last) : null;
}

/**
 * Makes a runner. With `measurePeakRss`, each command runs under `/usr/bin/time`, which
 * adds one fork/exec (about a millisecond) to every runtime alike.
 */
export function createProcessRunner(measurePeakRss: boolean): ProcessRunner {
  return async (argv, options) => {
    const scratch = measurePeakRss ? mkdtempSync(path.join(os.tmpdir(), "ruff-bench-run-")) : null;
    const rssFile = scratch ? path.join(scratch, "rss") : null;
    const command = rssFile ? [GNU_TIME, "-f", "%M", "-o", rssFile, ...argv] : [...argv];
    try {
      const outcome = await runToCompletion(command, options);
      let peakRssKb: number | null = null;
      if (rssFile && existsSync(rssFile)) peakRssKb = parsePeakRss(readFileSync(rssFile, "utf8"));
      return { ...outcome, peakRssKb };
    } finally {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }
  };
}

function runToCompletion(
  command: readonly string[],
  options: RunOptions,
): Promise<Omit<ProcessOutcome, "peakRssKb">> {
  return new Promise((resolve) => {
    const stdoutChunks: string[] = [];
    const stderrChunks: string[] = [];
    let timedOut = false;
    let exitedAt = 0n;
    const startedAt = process.hrtime.bigint();
    const child = spawn(command[0], command.slice(1), {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // own process group, so a timeout kills grandchildren too
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutSeconds * 1000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdoutChunks.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderrChunks.push(chunk));
    child.on("exit", () => {
      exitedAt = process.hrtime.bigint();
    });
    const finish = (exitCode: number | null, signal: string | null, spawnError?: Error) => {
      clearTimeout(timer);
      const end = exitedAt === 0n ? process.hrtime.bigint() : exitedAt;
      const stderr = stderrChunks.join("") + (spawnError ? String(spawnError) : "");
      resolve({
        status: timedOut ? "timeout" : exitCode === 0 && !spawnError ? "ok" : "error",
        exitCode,
        signal,
        stdout: stdoutChunks.join(""),
        stderr,
        wallSeconds: Number(end - startedAt) / 1e9,
      });
    };
    child.on("error", (error) => finish(null, null, error));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/**
 * Wall times of `true` through the same runner: the part of every whole-process time
 * that is the harness's own spawn (and `/usr/bin/time`) cost, not the runtime's.
 */
export async function measureSpawnFloor(runner: ProcessRunner, runs = 10): Promise<number[]> {
  const trueBinary = ["/bin/true", "/usr/bin/true"].find((file) => existsSync(file));
  if (!trueBinary) return [];
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outcome = await runner([trueBinary], { cwd: os.tmpdir(), timeoutSeconds: 10 });
    if (outcome.status === "ok") samples.push(outcome.wallSeconds);
  }
  return samples;
}
