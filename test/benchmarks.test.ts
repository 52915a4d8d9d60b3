// The shared benchmark suite (../shared/benchmarks) and our script-shaped one
// (bench/scripts): every program prints exactly its expected/NAME.out with the JIT off,
// on and forced.

import { beforeEach, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { MODES, SHARED_BENCHMARKS, runFile, yieldToEventLoop, type Mode } from "./support/run-ruff";

const suitePresent = existsSync(SHARED_BENCHMARKS);

const SCRIPT_BENCHMARKS = path.join(__dirname, "..", "bench", "scripts");

function suiteTests(dir: string): void {
  const names = readdirSync(dir).filter((f) => f.endsWith(".ruff")).map((f) => f.slice(0, -5)).sort();
  for (const name of names) {
    describe(name, () => {
      for (const mode of Object.keys(MODES) as Mode[]) {
        it(`JIT ${mode}`, () => {
          const expected = readFileSync(path.join(dir, "expected", name + ".out"), "utf8");
          const r = runFile(path.join(dir, name + ".ruff"), mode);
          expect(r.stderr).toBe("");
          expect(r.stdout).toBe(expected);
          expect(r.code).toBe(0);
        }, 120_000);
      }
    });
  }
}

describe("shared benchmark suite", () => {
  beforeEach(yieldToEventLoop);
  it("is present next to the repository", () => {
    expect(suitePresent, `expected the benchmark suite at ${SHARED_BENCHMARKS}`).toBe(true);
  });
  if (!suitePresent) return;
  suiteTests(SHARED_BENCHMARKS);
});

describe("script benchmarks (bench/scripts)", () => {
  beforeEach(yieldToEventLoop);
  suiteTests(SCRIPT_BENCHMARKS);
});
