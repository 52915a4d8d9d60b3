// The harness on a fake suite: a deliberately wrong expected .out is reported as a
// mismatch and never timed; failures, time-outs and missing twins are recorded as such.
import { afterEach, describe, expect, it } from "vitest";
import { analyze } from "../../bench/lib/analysis.js";
import { runHarness, describeMismatch, type HarnessOptions } from "../../bench/lib/harness.js";
import { createProcessRunner, type ProcessRunner } from "../../bench/lib/measure.js";
import { discoverSuite } from "../../bench/lib/suite.js";
import { makeFakeSuite, nodeRuntime } from "./fake-suite.js";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function fakeSuite(...programs: Parameters<typeof makeFakeSuite>[0]) {
  const suite = makeFakeSuite(programs);
  cleanups.push(suite.cleanup);
  return discoverSuite(suite.dir);
}

/** The real runner, plus a log of which files it was asked to run. */
function recordingRunner(): { runner: ProcessRunner; ranFiles: string[] } {
  const real = createProcessRunner(false);
  const ranFiles: string[] = [];
  return { ranFiles, runner: (argv, options) => (ranFiles.push(argv[argv.length - 1]), real(argv, options)) };
}

function baseOptions(overrides: Partial<HarnessOptions> & Pick<HarnessOptions, "suite" | "runner">): HarnessOptions {
  return { runtimes: [nodeRuntime()], warmups: 1, runs: 2, startupRuns: 2, timeoutSeconds: 30, ...overrides };
}

describe("runHarness on a fake suite", () => {
  it("reports a deliberately wrong expected output as a mismatch and never times it", async () => {
    const suite = fakeSuite(
      { name: "agrees", js: 'console.log("answer: 42")\n', expected: "answer: 42\n" },
      { name: "disagrees", js: 'console.log("answer: 42")\n', expected: "answer: 41\n" },
    );
    const { runner, ranFiles } = recordingRunner();
    const problems: string[] = [];
    const result = await runHarness(baseOptions({ suite, runner, onProblem: (message) => problems.push(message) }));

    const wrong = result.programs.find((program) => program.name === "disagrees")!.cells.node;
    expect(wrong.status).toBe("wrong");
    expect(wrong.detail).toContain('expected "answer: 41", got "answer: 42"');
    expect(wrong.wallSeconds).toEqual([]);
    expect(wrong.wall).toBeNull();
    expect(ranFiles.filter((file) => file === "disagrees.js")).toHaveLength(1); // the check run only
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^OUTPUT MISMATCH: disagrees on node \(check\)/);
    expect(result.problems).toEqual(problems);

    const right = result.programs.find((program) => program.name === "agrees")!.cells.node;
    expect(right.status).toBe("ok");
    expect(right.wallSeconds).toHaveLength(2);
    expect(right.wall?.count).toBe(2);
    expect(result.startup.node.status).toBe("ok");
  });

  it("drops the timings of a cell whose output turns wrong during the counted runs", async () => {
    const flaky =
      'const fs = require("fs"); const n = fs.existsSync("count") ? Number(fs.readFileSync("count", "utf8")) : 0;\n' +
      'fs.writeFileSync("count", String(n + 1)); console.log(n < 2 ? "v: 1" : "v: 2");\n';
    const suite = fakeSuite({ name: "flaky", js: flaky, expected: "v: 1\n" });
    const result = await runHarness(baseOptions({ suite, runner: createProcessRunner(false), runs: 3 }));
    const cell = result.programs[0].cells.node;
    expect(cell.status).toBe("wrong");
    expect(cell.wallSeconds).toEqual([]);
    expect(result.problems[0]).toMatch(/OUTPUT MISMATCH: flaky on node \(run 2\/3\)/);
  });

  it("records a crashing program as an error with its exit status and stderr", async () => {
    const suite = fakeSuite({ name: "crashes", js: 'console.error("Error: boom"); process.exit(3)\n', expected: "x\n" });
    const result = await runHarness(baseOptions({ suite, runner: createProcessRunner(false) }));
    const cell = result.programs[0].cells.node;
    expect(cell.status).toBe("error");
    expect(cell.detail).toBe("exit 3: Error: boom");
    expect(result.problems[0]).toMatch(/^RUN FAILED: crashes on node \(check\)/);
  });

  it("kills a run that exceeds the time limit and marks it timed out", async () => {
    const suite = fakeSuite({ name: "hangs", js: "setTimeout(() => {}, 60000)\n", expected: "x\n" });
    const result = await runHarness(baseOptions({ suite, runner: createProcessRunner(false), timeoutSeconds: 1 }));
    expect(result.programs[0].cells.node.status).toBe("timeout");
  });

  it("marks a runtime without a twin as no-twin and reports no problem", async () => {
    const suite = fakeSuite({ name: "only_js", js: 'console.log("ok")\n', expected: "ok\n" });
    // Its start-up is still timed (an empty .lua file): node stands in, so that the test
    // does not depend on Lua being installed.
    const lua = { id: "lua54", label: "Lua 5.4", extension: "lua" as const, command: (file: string) => [process.execPath, file] };
    const result = await runHarness(baseOptions({ suite, runner: createProcessRunner(false), runtimes: [nodeRuntime(), lua] }));
    expect(result.programs[0].cells.lua54.status).toBe("no-twin");
    expect(result.problems).toEqual([]);
  });

  it("reads the in-program milliseconds of fib30 on ruff columns", async () => {
    const fake = makeFakeSuite([{ name: "fib30", js: 'console.log("fib(30) = 832040"); console.log("time_ms: 7")\n', expected: "" }]);
    cleanups.push(fake.cleanup);
    const fakeRuff = { id: "ruff_nojit", label: "ruff --no-jit", extension: "ruff" as const, command: () => [process.execPath, "fib30.js"] };
    const result = await runHarness(
      baseOptions({
        suite: { dir: fake.dir, programs: [] },
        runner: createProcessRunner(false),
        runtimes: [fakeRuff],
        fib30File: `${fake.dir}/fib30.ruff`,
      }),
    );
    expect(result.fib30?.ruff_nojit.status).toBe("ok");
    expect(result.fib30?.ruff_nojit.inProgram?.median).toBe(7);
  });

  it("computes ratios against the baseline column and their geomean", async () => {
    const suite = fakeSuite({ name: "hello", js: 'console.log("hi")\n', expected: "hi\n" });
    const runtimes = [nodeRuntime("cpython", "baseline"), nodeRuntime("node", "node")];
    const result = await runHarness(baseOptions({ suite, runner: createProcessRunner(false), runtimes }));
    const analysis = analyze(result, ["cpython", "node"], "cpython");
    expect(analysis.ratios.hello.cpython.whole).toBe(1);
    expect(analysis.ratios.hello.node.whole).toBeGreaterThan(0);
    expect(analysis.geomeans.node.count).toBe(1);
  });
});

describe("describeMismatch", () => {
  it("names the first differing line, including missing lines", () => {
    expect(describeMismatch("a\nb\n", "a\nb\n")).toBeNull();
    expect(describeMismatch("a\nb\n", "a\nc\n")).toBe('line 2: expected "b", got "c"');
    expect(describeMismatch("a\nb\n", "a\n")).toBe('line 2: expected "b", got ""');
    expect(describeMismatch("a\n", "")).toBe('line 1: expected "a", got ""');
  });
});
