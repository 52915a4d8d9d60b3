// `npm run fuzz -- [options]`: long or replayed fuzz runs of generated Ruff programs
// (JIT off against JIT forced by default), the coverage report, and dumping generated
// programs for inspection. scripts/fuzz.mjs bundles this file and runs it.

import fc from "fast-check";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { programArb } from "./arb-stmt";
import { runCampaign } from "./campaign";
import { MODE_SPECS, type ModeSpec, formatFailure } from "./check";
import { renderProgram } from "./render";
import { formatReport } from "./report";

const USAGE = `Usage: npm run fuzz -- [options]
  --runs N          programs to generate (default 200)
  --seed S          random seed (default: a fresh one, printed)
  --modes A,B       modes to compare, from off, on, forced (default off,forced)
  --determinism     compare off with off (same as --modes off,off)
  --report          coverage report: outcomes, language features, JIT trace-log coverage
  --path P          replay one counterexample path (with its --seed) and shrink it
  --offset K        skip the first K programs of the seed's sequence (run a long
                    campaign in pieces: --offset 0, then --offset N, ... with --runs N)
  --jobs N          programs run at once (default: available CPUs)
  --timeout MS      per-run time limit (default 30000)
  --dump DIR        write the generated programs to DIR and exit (nothing runs)
  --keep            keep the work directory with the generated programs
  --keep-going      run every program after a failure, list all failures (shrinks the first)
`;

interface CliArgs {
  runs: number;
  seed: number;
  modes: ModeSpec[];
  report: boolean;
  path?: string;
  offset: number;
  jobs: number;
  timeoutMs: number;
  dump?: string;
  keep: boolean;
  keepGoing: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    runs: 200,
    seed: Math.floor(Math.random() * 2 ** 31),
    modes: [MODE_SPECS.off, MODE_SPECS.forced],
    report: false,
    offset: 0,
    jobs: os.availableParallelism(),
    timeoutMs: 30_000,
    keep: false,
    keepGoing: false,
  };
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") args.runs = num(a, argv[++i]);
    else if (a === "--seed") args.seed = num(a, argv[++i]);
    else if (a === "--offset") args.offset = num(a, argv[++i]);
    else if (a === "--jobs") args.jobs = Math.max(1, num(a, argv[++i]));
    else if (a === "--timeout") args.timeoutMs = num(a, argv[++i]);
    else if (a === "--report") args.report = true;
    else if (a === "--keep") args.keep = true;
    else if (a === "--keep-going") args.keepGoing = true;
    else if (a === "--determinism") args.modes = [MODE_SPECS.off, MODE_SPECS.off];
    else if (a === "--path") args.path = argv[++i];
    else if (a === "--dump") args.dump = argv[++i];
    else if (a === "--modes") {
      args.modes = (argv[++i] ?? "").split(",").map((m) => {
        const spec = MODE_SPECS[m];
        if (spec === undefined) throw new Error(`unknown mode '${m}' (off, on, forced)`);
        return spec;
      });
      if (args.modes.length < 1) throw new Error("--modes needs at least one mode");
    } else if (a === "-h" || a === "--help") {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option '${a}'`);
  }
  return args;
}

function dump(dir: string, args: CliArgs): void {
  mkdirSync(dir, { recursive: true });
  fc.sample(programArb, { seed: args.seed, numRuns: args.offset + args.runs }).slice(args.offset).forEach((p, j) => {
    const i = args.offset + j;
    const r = renderProgram(p);
    writeFileSync(path.join(dir, `p${i}.ruff`), `# seed ${args.seed} #${i}: ${[...r.features].sort().join(" ")}\n${r.source}`);
  });
  console.log(`wrote ${args.runs} programs to ${dir}`);
}

async function main(): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.dump !== undefined) {
    dump(args.dump, args);
    return 0;
  }
  const cwd = process.cwd();
  const bundle = path.join(cwd, "dist/launch.cjs");
  const modes = args.modes.map((m) => m.label).join(" vs ");
  const which = args.path !== undefined ? `path ${args.path}` : args.offset > 0 ? `${args.runs} programs from #${args.offset}` : `${args.runs} programs`;
  console.log(`fuzz: ${which}, seed ${args.seed}, modes ${modes}, ${args.jobs} jobs`);
  let lastShown = 0;
  const result = await runCampaign({
    seed: args.seed,
    runs: args.runs,
    modes: args.modes,
    bundle,
    cwd,
    jobs: args.jobs,
    timeoutMs: args.timeoutMs,
    traceLog: args.report,
    path: args.path,
    offset: args.offset,
    keep: args.keep,
    keepGoing: args.keepGoing,
    onProgress: (done, total) => {
      if (done - lastShown >= Math.max(50, total / 10) || done === total) {
        lastShown = done;
        console.log(`  ${done}/${total} programs`);
      }
    },
  });
  if (args.report) console.log(formatReport(result.results, args.seed, args.modes[args.modes.length - 1].label));
  if (args.keep || result.failure !== null) console.log(`work directory: ${result.workDir}`);
  if (result.failure !== null) {
    const failed = result.results.filter((r) => r.problem !== null);
    if (args.keepGoing) for (const r of failed) console.log(`  program #${r.index} (p${r.index}.ruff): ${r.problem}`);
    console.log(formatFailure(result.failure));
    return 1;
  }
  console.log(`fuzz: ${result.results.length} programs, no failure`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(3);
  },
);
