// Option parsing of `npm run bench`: defaults, --quick, explicit overrides, selections.
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../bench/lib/options.js";
import { RUNTIME_IDS } from "../../bench/lib/runtimes.js";

describe("parseOptions", () => {
  it("defaults to 2 warm-ups, 5 runs and every runtime", () => {
    const options = parseOptions([]);
    expect(options).toMatchObject({ warmups: 2, runs: 5, quick: false, only: [], suiteDir: null });
    expect(options.runtimeIds).toEqual([...RUNTIME_IDS]);
  });
  it("--quick means 1 warm-up and 3 runs unless given explicitly", () => {
    expect(parseOptions(["--quick"])).toMatchObject({ warmups: 1, runs: 3, startupRuns: 5 });
    expect(parseOptions(["--quick", "--runs", "7"])).toMatchObject({ warmups: 1, runs: 7 });
    expect(parseOptions(["--runs=4", "--quick"])).toMatchObject({ runs: 4 });
  });
  it("parses --only, --runtimes (with the ruff alias, in display order), --suite, --json", () => {
    const options = parseOptions(["--only", "sieve,fib30", "--runtimes", "node,ruff", "--suite", "/s", "--json"]);
    expect(options.only).toEqual(["sieve", "fib30"]);
    expect(options.runtimeIds).toEqual(["ruff_jit", "ruff_nojit", "node"]);
    expect(options.suiteDir).toBe("/s");
    expect(options.json).toBe(true);
  });
  it("rejects bad values and unknown runtimes", () => {
    expect(() => parseOptions(["--runs", "0"])).toThrow(/--runs needs a positive integer/);
    expect(() => parseOptions(["--runtimes", "jython"])).toThrow(/Unknown runtime "jython"/);
    expect(() => parseOptions(["--frobnicate"])).toThrow(/Unknown option/);
  });
});
