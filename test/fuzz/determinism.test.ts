// Meaningful before the JIT exists: a generated program run twice with --no-jit prints
// the same and ends the same, and no run ends in an internal error (exit 6) or a JS
// stack trace. This catches interpreter crashes and nondeterminism.

import { describe, it } from "vitest";
import { MODE_SPECS } from "./check";
import { runSeededCampaign } from "./seeded";

const SEED = 77031;
const RUNS = 100;

describe("fuzz: the interpreter is deterministic and does not crash", () => {
  it(`${RUNS} generated programs (seed ${SEED}) give the same result twice with --no-jit`, async () => {
    await runSeededCampaign(SEED, RUNS, [MODE_SPECS.off, MODE_SPECS.off]);
  }, 900_000);
});
