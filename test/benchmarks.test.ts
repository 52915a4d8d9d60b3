// The shared benchmark suite (../shared/benchmarks): every program prints exactly its
// expected/NAME.out with the JIT off, on and forced.

import { beforeEach, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { MODES, SHARED_BENCHMARKS, runFile, yieldToEventLoop, type Mode } from "./support/run-ruff";

const suitePresent = existsSync(SHARED_BENCHMARKS);

describe("shared benchmark suite", () => {
  beforeEach(yieldToEventLoop);
  it("is present next to the repository", () => {
    expect(suitePresent, `expected the benchmark suite at ${SHARED_BENCHMARKS}`).toBe(true);
  });
  if (!suitePresent) return;
  const names = readdirSync(SHARED_BENCHMARKS).filter((f) => f.endsWith(".ruff")).map((f) => f.slice(0, -5)).sort();
  for (const name of names) {
    describe(name, () => {
      for (const mode of Object.keys(MODES) as Mode[]) {
        it(`JIT ${mode}`, () => {
          const expected = readFileSync(path.join(SHARED_BENCHMARKS, "expected", name + ".out"), "utf8");
          const r = runFile(path.join(SHARED_BENCHMARKS, name + ".ruff"), mode);
          expect(r.stderr).toBe("");
          expect(r.stdout).toBe(expected);
          expect(r.code).toBe(0);
        }, 120_000);
      }
    });
  }
});
