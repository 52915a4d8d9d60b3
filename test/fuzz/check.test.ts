// The fuzz verdicts: internal errors, JS stack traces, hangs and unparsable programs are
// problems on their own; two modes must agree on stdout, stderr and exit code; the
// failure report shows the program and both outputs.

import { describe, expect, it } from "vitest";
import { MODE_SPECS, differences, formatFailure, judge, runProblem } from "./check";
import type { RunOutcome } from "./exec";

const ok = (stdout = "1\n"): RunOutcome => ({ stdout, stderr: "", code: 0, timedOut: false });
const modes = [MODE_SPECS.off, MODE_SPECS.forced];

describe("fuzz verdicts", () => {
  it("accepts normal endings: exit 0, a runtime error (4), exit(7)", () => {
    expect(runProblem(ok(), 1000)).toBeNull();
    expect(runProblem({ stdout: "", stderr: "[RUFVM001] [vm] Runtime Error: Division by zero\n", code: 4, timedOut: false }, 1000)).toBeNull();
    expect(runProblem({ ...ok(), code: 7 }, 1000)).toBeNull();
  });

  it("flags crashes, stack traces, hangs and generator bugs", () => {
    expect(runProblem({ ...ok(), code: 6, stderr: "[RUFINTERNAL] internal error: x\n" }, 1000)).toMatch(/internal error/);
    expect(runProblem({ ...ok(), code: 4, stderr: "TypeError: x\n    at f (/a/b.js:1:2)\n" }, 1000)).toMatch(/stack trace/);
    expect(runProblem({ ...ok(), code: null, timedOut: true }, 1000)).toMatch(/did not finish within 1000 ms/);
    expect(runProblem({ ...ok(), code: 3, stderr: "[RUFPARSE001] [parser] error: x\n" }, 1000)).toMatch(/does not parse/);
    expect(runProblem({ ...ok(), code: 4, stderr: "[RUFVM001] [vm] error: Compilation error: x\n" }, 1000)).toMatch(/does not compile/);
    expect(runProblem({ ...ok(), code: 2 }, 1000)).toMatch(/unexpected exit code 2/);
  });

  it("compares stdout, stderr and exit code", () => {
    expect(differences(ok(), ok())).toEqual([]);
    expect(differences(ok("1\n2\n"), ok("1\n3\n"))).toEqual(["stdout differs at line 2"]);
    const err = { stdout: "1\n", stderr: "[RUFVM001] [vm] Runtime Error: x\n", code: 4, timedOut: false };
    expect(differences(ok(), err)).toEqual(["exit code 0 vs 4", "stderr differs at line 1"]);
    expect(judge([ok(), err], modes, 1000)).toMatch(/modes off and forced disagree: exit code 0 vs 4/);
    expect(judge([ok(), ok()], modes, 1000)).toBeNull();
  });

  it("reports the program, both outputs and how to replay", () => {
    const text = formatFailure({
      reason: "modes off and forced disagree: stdout differs at line 1",
      source: "print(1)\n",
      modes,
      outcomes: [ok("1\n"), ok("2\n")],
      seed: 5,
      path: "3:1",
      savedAs: null,
    });
    expect(text).toContain("print(1)");
    expect(text).toContain("npm run fuzz -- --seed 5 --path 3:1");
    expect(text).toMatch(/mode off \(--no-jit\): exit 0 ---\nstdout:\n1/);
    expect(text).toMatch(/mode forced .*\nstdout:\n2/);
    expect(text).toContain("test/programs/regressions/");
  });
});
