// Meaningful before the JIT exists: a generated program run twice with --no-jit prints
// the same and ends the same, and no run ends in an internal error (exit 6) or a JS
// stack trace. This catches interpreter crashes and nondeterminism.

import * as os from "node:os";
import { describe, expect, it } from "vitest";
import { BUNDLE, REPO_ROOT } from "../support/run-ruff";
import { runCampaign } from "./campaign";
import { MODE_SPECS, formatFailure } from "./check";

const SEED = 77031;
const RUNS = 100;

describe("fuzz: the interpreter is deterministic and does not crash", () => {
  it(`${RUNS} generated programs (seed ${SEED}) give the same result twice with --no-jit`, async () => {
    const { results, failure } = await runCampaign({
      seed: SEED,
      runs: RUNS,
      modes: [MODE_SPECS.off, MODE_SPECS.off],
      bundle: BUNDLE,
      cwd: REPO_ROOT,
      jobs: os.availableParallelism(),
      timeoutMs: 60_000,
      traceLog: false,
    });
    if (failure !== null) expect.fail(formatFailure(failure));
    expect(results).toHaveLength(RUNS);
  }, 900_000);
});
