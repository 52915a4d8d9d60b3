// `npm run bench:micro`: component microbenchmarks with the `benchmark` package.
// Today every case is a tiny whole Ruff program run through bin/ruff (the runtime has no
// embedding API yet); its cost net of an empty program's gives ns per loop iteration,
// and net of the bare loop's gives ns per added operation. JIT cases (trace compile
// latency, side-exit cost) are listed and reported as pending until the runtime can
// report them. Options: --jit (also run the dispatch cases with the JIT on), --quick,
// --only SUBSTRING, --ruff PATH (another launcher). See bench/README.md.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Benchmark from "benchmark";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const ruffIndex = args.indexOf("--ruff");
const ruffLauncher = ruffIndex >= 0 ? path.resolve(args[ruffIndex + 1]) : path.join(repoRoot, "bin", "ruff");
const quick = args.includes("--quick");
const withJit = args.includes("--jit");
const onlyIndex = args.indexOf("--only");
const only = onlyIndex >= 0 ? args[onlyIndex + 1] ?? "" : "";
const ITERATIONS = 3_000_000;

/**
 * Dispatch cases: one loop of ITERATIONS whose body adds one kind of operation to the
 * bare loop (`i < n`, branch, `i += 1`). `expected(n)` is what the program must print.
 */
const DISPATCH_CASES = [
  { name: "loop (i < n, branch, i += 1)", setup: "", body: "", expected: () => 0 },
  { name: "int add (x = x + i)", setup: "", body: "x = x + i", expected: (n) => (n * (n - 1)) / 2 },
  {
    name: "int mul/add/mod",
    setup: "",
    body: "x = (x * 3 + i) % 1000003",
    expected: (n) => { let x = 0; for (let i = 0; i < n; i++) x = (x * 3 + i) % 1000003; return x; },
  },
  {
    name: "compare + if/else",
    setup: "",
    body: "if x < i { x = x + 2 } else { x = x - 1 }",
    expected: (n) => { let x = 0; for (let i = 0; i < n; i++) x = x < i ? x + 2 : x - 1; return x; },
  },
  { name: "call (x = inc(x))", setup: "", body: "x = inc(x)", expected: (n) => n },
  {
    name: "array index (arr[i % 8])",
    setup: "let arr := [1, 2, 3, 4, 5, 6, 7, 8]",
    body: "x = x + arr[i % 8]",
    expected: (n) => { let x = 0; for (let i = 0; i < n; i++) x += (i % 8) + 1; return x; },
  },
];

/** JIT cases, waiting for the runtime to expose what they need. */
const PENDING_JIT_CASES = [
  { name: "trace compile latency", needs: "compile times in the JIT's JSON trace log (--trace-log-format=json)" },
  { name: "side-exit cost", needs: "a JIT with side exits, and exit counts in the JSON trace log" },
];

function programSource(testCase) {
  return `func inc(v) {
    return v + 1
}

func bench(n) {
    ${testCase.setup}
    mut x := 0
    mut i := 0
    while i < n {
        ${testCase.body}
        i += 1
    }
    return x
}

print(bench(${ITERATIONS}))
`;
}

function runRuff(mode, file) {
  const argv = mode === "jit" ? ["run", file] : ["run", "--no-jit", file];
  return spawnSync(ruffLauncher, argv, { encoding: "utf8" });
}

/** Runs one program once and returns null when it printed what it must, else why not. */
function checkOnce(mode, file, expected) {
  const result = runRuff(mode, file);
  if (result.status !== 0) {
    const stderr = (result.stderr ?? "").trim().split("\n").find((line) => /error/i.test(line)) ?? result.stderr?.trim();
    return `exit ${result.status}: ${stderr || "no message"}`;
  }
  return result.stdout === expected ? null : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(result.stdout)}`;
}

/** Mean seconds per process, with Benchmark.js statistics. */
function measure(name, mode, file) {
  return new Promise((resolve) => {
    const bench = new Benchmark(name, {
      fn: () => runRuff(mode, file),
      minSamples: quick ? 3 : 8,
      maxTime: quick ? 1 : 4,
      initCount: 1,
      onComplete: () => resolve({ mean: bench.stats.mean, rme: bench.stats.rme, samples: bench.stats.sample.length }),
    });
    bench.run();
  });
}

const scratch = mkdtempSync(path.join(os.tmpdir(), "ruff-micro-"));
let exitCode = 0;
try {
  const emptyFile = path.join(scratch, "empty.ruff");
  writeFileSync(emptyFile, "");
  const modes = withJit ? ["nojit", "jit"] : ["nojit"];
  const rows = [];
  for (const mode of modes) {
    const broken = checkOnce(mode, emptyFile, "");
    if (broken) {
      console.error(`✗ ruff (${mode}) cannot run an empty program (${broken}); its microbenchmarks are skipped.`);
      exitCode = 1;
      continue;
    }
    const startup = await measure(`start-up (${mode})`, mode, emptyFile);
    let loopMean = null;
    for (const [index, testCase] of DISPATCH_CASES.entries()) {
      if (only && !testCase.name.includes(only) && index !== 0) continue;
      const file = path.join(scratch, `case${index}.ruff`);
      writeFileSync(file, programSource(testCase));
      const wrong = checkOnce(mode, file, `${testCase.expected(ITERATIONS)}\n`);
      if (wrong) {
        console.error(`✗ ${testCase.name} (${mode}): ${wrong}; not timed.`);
        exitCode = 1;
        continue;
      }
      process.stderr.write(`timing ${testCase.name} (${mode})...\n`);
      const stats = await measure(testCase.name, mode, file);
      if (index === 0) loopMean = stats.mean;
      rows.push({
        case: testCase.name,
        mode,
        "ms/process": `${(stats.mean * 1000).toFixed(1)} ±${stats.rme.toFixed(1)}%`,
        samples: stats.samples,
        "ns/iteration": (((stats.mean - startup.mean) / ITERATIONS) * 1e9).toFixed(1),
        "ns/op over loop": index === 0 || loopMean === null ? "" : (((stats.mean - loopMean) / ITERATIONS) * 1e9).toFixed(1),
      });
    }
    rows.push({ case: "(empty program)", mode, "ms/process": `${(startup.mean * 1000).toFixed(1)} ±${startup.rme.toFixed(1)}%`, samples: startup.samples });
  }
  if (rows.length > 0) console.table(rows);
  for (const pending of PENDING_JIT_CASES) console.log(`pending: ${pending.name} (needs ${pending.needs})`);
  console.log(`${ITERATIONS} iterations per program; ns/iteration is net of the empty program's process time.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = exitCode;
