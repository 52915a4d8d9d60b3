// Runs the built runtime as a child process without blocking (so several programs run
// at once), with a timeout, and a small pool that keeps a fixed number of jobs going.

import { spawn } from "node:child_process";
import { nodeFlagsFor } from "../support/node-flags";

export interface RunOutcome {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal or the timeout. */
  code: number | null;
  timedOut: boolean;
}

const MAX_OUTPUT = 8 * 1024 * 1024;

export function runAsync(bundle: string, args: string[], options: { timeoutMs: number; cwd: string }): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlagsFor(bundle), bundle, ...args], { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: string[] = [];
    const err: string[] = [];
    let size = 0;
    let timedOut = false;
    const collect = (into: string[]) => (chunk: string) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
      else child.kill("SIGKILL");
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ stdout: out.join(""), stderr: err.join(""), code, timedOut });
    });
  });
}

/** Map `items` through `fn` with at most `limit` calls in flight; results keep their order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
