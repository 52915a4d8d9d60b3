// Differential test of the wasm backend against the reference IR interpreter on
// generated loop traces (trace-gen.ts): for every trace, as built and after DCE, the
// exit id and the snapshot's values seen from JS must be the same both ways (floats
// compared with Object.is, so -0.0 and 0.0 differ). Seeded and bounded for `npm test`;
// a failure prints the shrunk trace (src/ir/printer.ts) and its entry values.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildTrace, checkTrace, genTraceArb, runReference } from "./trace-gen";

/** Fixed for CI (about 10 s); TRACE_FUZZ_SEED / TRACE_FUZZ_RUNS for longer runs. */
const SEED = Number(process.env.TRACE_FUZZ_SEED ?? 4_200_611);
const RUNS = Number(process.env.TRACE_FUZZ_RUNS ?? 3000);

describe("wasm backend agrees with the reference IR interpreter on generated traces", () => {
  it("generated traces are well formed, loop, and exit through different guards", () => {
    const samples = fc.sample(genTraceArb, { seed: SEED, numRuns: 300 });
    const exits = new Set<string>();
    let looped = 0;
    for (const g of samples) {
      const { trace, params } = buildTrace(g); // asserts the trace is valid
      const r = runReference(trace, params, g.entries[0].map((v, i) => (i > 0 && g.slots[i - 1] === "bool" ? Boolean(v) : v)));
      if ((r.iterations ?? 0) >= 2) looped++;
      exits.add(r.guardOp ?? "?");
    }
    // Most traces run the loop several times; and not only the counter guard ends them.
    expect(looped / samples.length).toBeGreaterThan(0.3);
    expect(looped / samples.length).toBeLessThan(0.95);
    for (const op of ["GUARD_TRUE", "GUARD_FALSE", "ADD", "SUB", "MUL", "DIV", "MOD", "FDIV", "FMOD", "FSQRT"]) expect(exits).toContain(op);
  });

  it(`${RUNS} generated traces (seed ${SEED}): same exit, same snapshot values`, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(genTraceArb, async (g) => {
        // Let the worker's event loop breathe now and then: a long synchronous run
        // starves vitest's own messages on a busy machine (an RPC timeout fails the run).
        if (++checked % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
        const problem = checkTrace(g);
        if (problem !== null) throw new Error(problem);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: false },
    );
  }, Math.max(120_000, RUNS * 40));
});
