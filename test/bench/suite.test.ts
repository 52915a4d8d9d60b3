// Suite discovery: programs, twins, --only, and a clear message for a missing suite.
// Uses fake suites only, never the shared one.
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { discoverSuite, SuiteError } from "../../bench/lib/suite.js";
import { makeFakeSuite } from "./fake-suite.js";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe("discoverSuite", () => {
  it("lists programs from expected/*.out with the twins that exist", () => {
    const fake = makeFakeSuite([
      { name: "beta", js: "", expected: "b\n" },
      { name: "alpha", js: "", expected: "a\n" },
    ]);
    cleanups.push(fake.cleanup);
    writeFileSync(path.join(fake.dir, "alpha.py"), "print('a')\n");
    const suite = discoverSuite(fake.dir);
    expect(suite.programs.map((program) => program.name)).toEqual(["alpha", "beta"]);
    expect(Object.keys(suite.programs[0].sources).sort()).toEqual(["js", "py"]);
    expect(suite.programs[0].expectedStdout).toBe("a\n");
  });

  it("keeps only the programs asked for and rejects unknown names", () => {
    const fake = makeFakeSuite([
      { name: "alpha", js: "", expected: "a\n" },
      { name: "beta", js: "", expected: "b\n" },
    ]);
    cleanups.push(fake.cleanup);
    expect(discoverSuite(fake.dir, ["beta"]).programs.map((program) => program.name)).toEqual(["beta"]);
    expect(() => discoverSuite(fake.dir, ["gamma"])).toThrow(/Unknown benchmark\(s\): gamma\. .* has: alpha, beta/);
  });

  it("says plainly that an absent suite folder is absent and how to point at one", () => {
    const fake = makeFakeSuite([]);
    cleanups.push(fake.cleanup);
    const missing = path.join(fake.dir, "no-such-suite");
    expect(() => discoverSuite(missing)).toThrow(SuiteError);
    expect(() => discoverSuite(missing)).toThrow(/Benchmark suite not found: .*no-such-suite does not exist.*--suite DIR/);
  });
});
