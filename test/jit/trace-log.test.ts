// The trace log as users see it through the command line: text lines for traces,
// aborts (reason and source line) and the summary; JSON Lines with a schema version;
// a log file instead of stderr; nothing logged with the JIT off.

import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runRuff, SHARED_BENCHMARKS } from "../support/run-ruff";

const dir = mkdtempSync(path.join(tmpdir(), "ruff-tracelog-"));
const program = path.join(dir, "loops.ruff");
writeFileSync(program, `func work(n) {
    mut total := 0
    mut i := 0
    while i < n {
        total += (i * 3) % 5
        i += 1
    }
    mut t := 0
    mut j := 0
    while j < n {
        try { t += j } except e { t = 0 }
        j += 1
    }
    return total + t
}
print(work(500))
`);

describe("trace log", () => {
  it("prints each compiled tree as WebAssembly text at --trace-log=wasm (binaryen, loaded for this only)", () => {
    const r = runRuff(["run", "--trace-log=wasm", program]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("125750\n");
    expect(r.stderr).toMatch(/---- tree 1 wasm \(\d+ bytes\)\n\(module/);
    expect(r.stderr).toContain('(import "rt" "mem"');
    expect(r.stderr).toContain("i64.rem_s");
    // The IR comes first (the wasm level includes the ir level), the summary last.
    expect(r.stderr.indexOf("trace 1 IR")).toBeLessThan(r.stderr.indexOf("(module"));
    expect(r.stderr.trimEnd()).toMatch(/==== trace summary[\s\S]*$/);
  });

  it("prints traces, aborts with reason and line, and the summary as text", () => {
    const r = runRuff(["run", "--trace-log=events", program]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("125750\n");
    expect(r.stderr).toMatch(/\[trace 1 root loop .*loops\.ruff:5 -> loop\] ir \d+->\d+ guards \d+ wasm \d+B/);
    expect(r.stderr).toMatch(/\[abort .*loops\.ruff:11 nyi_op: bytecode TRY/);
    expect(r.stderr).toMatch(/==== trace summary: 1 trace/);
    expect(r.stderr).toMatch(/hottest exits:\n  trace 1 exit \d+ .*loops\.ruff:6 guard: 1/);
  });

  it("writes JSON Lines with a schema version to a file", () => {
    const file = path.join(dir, "log.jsonl");
    const r = runRuff(["run", "--trace-log=events", "--trace-log-format=json", `--trace-log-file=${file}`, program]);
    expect(r.stderr).toBe("");
    const events = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { v: number; event: string; reason?: string });
    expect(events.every((e) => e.v === 1)).toBe(true);
    expect(events.filter((e) => e.event === "trace")).toHaveLength(1);
    expect(events.some((e) => e.event === "abort")).toBe(true);
    expect(events[events.length - 1].event).toBe("summary");
  });

  it("shows the IR of each trace at level ir", () => {
    const r = runRuff(["run", "--trace-log=ir", program]);
    expect(r.stderr).toMatch(/---- trace 1 IR/);
    expect(r.stderr).toMatch(/LOOP/);
    expect(r.stderr).toMatch(/PHI/);
  });

  it("logs nothing with the JIT off", () => {
    const r = runRuff(["run", "--no-jit", "--trace-log", program]);
    expect(r.stdout).toBe("125750\n");
    expect(r.stderr).toBe("");
  });

  it("rejects bad log options with a usage error", () => {
    expect(runRuff(["run", "--trace-log=loud", program]).code).toBe(2);
    expect(runRuff(["run", "--trace-log-format=xml", program]).code).toBe(2);
    expect(runRuff(["run", "--jit-param", "hotloop=0", program]).code).toBe(2);
    expect(runRuff(["run", "--jit-param", "nosuch=3", program]).code).toBe(2);
  });

  it("shows the sieve's loop traces and their exit counts", () => {
    const r = runRuff(["run", "--trace-log", path.join(SHARED_BENCHMARKS, "sieve.ruff")]);
    expect(r.stdout).toBe("primes <= 2000000: 148933\n");
    expect(r.stderr).toMatch(/\[trace 1 root loop .*sieve\.ruff:\d+ -> loop\]/);
    expect(r.stderr).toMatch(/hottest exits:/);
  }, 60_000);
});
