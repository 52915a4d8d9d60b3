// The program generator: a seeded sample of generated programs parses and compiles
// (checked in-process, no runtime spawned), renders deterministically, avoids the
// parser's newline traps, and covers the language features the fuzz suite aims at.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Compiler } from "../../src/frontend/compiler";
import { parseProgram } from "../../src/frontend/parser";
import { programArb } from "./arb-stmt";
import { renderProgram } from "./render";
import { FEATURES } from "./report";

const SEED = 424242;
const SAMPLE = 300;
const programs = fc.sample(programArb, { seed: SEED, numRuns: SAMPLE });
const rendered = programs.map(renderProgram);

function compile(source: string): void {
  const compiler = new Compiler(() => {
    throw new Error("generated programs import nothing");
  });
  compiler.compileModule(parseProgram(source, "gen.ruff"));
}

describe("fuzz program generator", () => {
  it("generates programs that parse and compile", () => {
    for (const [i, r] of rendered.entries()) {
      try {
        compile(r.source);
      } catch (e) {
        throw new Error(`generated program #${i} (seed ${SEED}) does not compile: ${(e as Error).message}\n${r.source}`);
      }
    }
  });

  it("renders the same tree to the same source", () => {
    for (const [i, p] of programs.slice(0, 50).entries()) expect(renderProgram(p).source).toBe(rendered[i].source);
  });

  it("never starts a line with ( [ or - (it would continue the previous statement)", () => {
    for (const r of rendered) {
      for (const line of r.source.split("\n")) expect(line.trimStart()).not.toMatch(/^[([-]/);
    }
  });

  it("keeps programs well formed while shrinking", () => {
    // A property that fails on every program with a `for` loop makes fast-check shrink;
    // every candidate it tries must still compile.
    const broken: string[] = [];
    let candidates = 0;
    const details = fc.check(
      fc.property(programArb, (p) => {
        const { source } = renderProgram(p);
        candidates++;
        try {
          compile(source);
        } catch (e) {
          broken.push(`${(e as Error).message}\n${source}`);
          return true;
        }
        return !source.includes("for ");
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
    expect(details.failed).toBe(true);
    expect(details.numShrinks).toBeGreaterThan(5);
    expect(candidates).toBeGreaterThanOrEqual(details.numRuns + details.numShrinks);
    expect(broken.slice(0, 1)).toEqual([]);
  });

  it("covers every targeted language feature in the sample", () => {
    const missing = FEATURES.filter((f) => !rendered.some((r) => r.features.has(f)));
    expect(missing).toEqual([]);
  });

  it("uses hot loops, calls in loops and recursion in a large share of programs", () => {
    const share = (f: string): number => rendered.filter((r) => r.features.has(f)).length / SAMPLE;
    expect(share("hot-loop")).toBeGreaterThan(0.4);
    expect(share("call-in-loop")).toBeGreaterThan(0.2);
    expect(share("recursion")).toBeGreaterThan(0.3);
    expect(share("flip")).toBeGreaterThan(0.3);
  });
});
