// The seeded, bounded campaigns `npm test` runs: same runner settings for each, and a
// failure fails the test with the shrunk program as its message.

import * as os from "node:os";
import { expect } from "vitest";
import { BUNDLE, REPO_ROOT } from "../support/run-ruff";
import { runCampaign, type ProgramResult } from "./campaign";
import { formatFailure, type ModeSpec } from "./check";

export async function runSeededCampaign(seed: number, runs: number, modes: ModeSpec[]): Promise<ProgramResult[]> {
  const { results, failure } = await runCampaign({
    seed,
    runs,
    modes,
    bundle: BUNDLE,
    cwd: REPO_ROOT,
    jobs: os.availableParallelism(),
    timeoutMs: 60_000,
    traceLog: false,
  });
  if (failure !== null) expect.fail(formatFailure(failure));
  expect(results).toHaveLength(runs);
  return results;
}
