// Command-line options of `npm run bench` (bench/run.mjs): parsing and the usage text.
import { RUNTIME_IDS, parseRuntimeSelection } from "./runtimes.js";

export interface BenchOptions {
  runs: number;
  warmups: number;
  startupRuns: number;
  timeoutSeconds: number;
  quick: boolean;
  json: boolean;
  /** Program names, possibly including "fib30"; empty = everything. */
  only: string[];
  runtimeIds: string[];
  /** null = the default ../shared/benchmarks beside the repository. */
  suiteDir: string | null;
  /** null = bench/results. */
  outDir: string | null;
  /** Re-render from this saved latest.json instead of running. */
  renderFrom: string | null;
  /** The ruff launcher to time; null = bin/ruff of this repo. */
  ruffLauncher: string | null;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

Runs every program of the shared suite on ruff (JIT on and --no-jit), CPython, node and,
when installed, PyPy, LuaJIT and Lua 5.4; checks every stdout against expected/NAME.out
before timing; prints medians, speed-ups over CPython and geomeans; writes
bench/results/latest.{json,md,svg}.

  --runs N          counted runs per cell (default 5; --quick: 3)
  --warmups N       warm-up runs per cell, the first checks output (default 2; --quick: 1)
  --startup-runs N  runs of the empty program per runtime (default 10; --quick: 5)
  --quick           1 warm-up, 3 runs: a fast check
  --only A,B        only these programs (names from expected/; "fib30" = bench/fib30.ruff)
  --runtimes A,B    only these columns: ${RUNTIME_IDS.join(", ")} ("ruff" = both ruff columns)
  --suite DIR       the suite folder (default ../shared/benchmarks beside the repo)
  --out DIR         where latest.* go (default bench/results)
  --ruff PATH       the ruff launcher to time (default bin/ruff; e.g. another checkout's)
  --timeout SEC     kill a run after SEC seconds and mark the cell failed (default 300)
  --render FILE     run nothing: rebuild the tables, latest.md and latest.svg from a saved latest.json
  --json            print the results JSON on stdout instead of the tables
  --no-build        do not build the ruff bundle first (bin/ruff still rebuilds if stale)
  --help            this text`;

function positiveInt(flag: string, value: string | undefined, allowZero = false): number {
  const number = Number(value);
  if (value === undefined || !Number.isInteger(number) || number < (allowZero ? 0 : 1)) {
    throw new Error(`${flag} needs a ${allowZero ? "non-negative" : "positive"} integer, got ${value ?? "nothing"}`);
  }
  return number;
}

/** Parses argv (without node and script). Throws an Error with a message on bad input. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    runs: 5,
    warmups: 2,
    startupRuns: 10,
    timeoutSeconds: 300,
    quick: false,
    json: false,
    only: [],
    runtimeIds: [...RUNTIME_IDS],
    suiteDir: null,
    outDir: null,
    ruffLauncher: null,
    renderFrom: null,
    help: false,
  };
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inlineValue] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inlineValue ?? argv[++i];
    switch (flag) {
      case "--runs": options.runs = positiveInt(flag, value()); explicit.add("runs"); break;
      case "--warmups": options.warmups = positiveInt(flag, value(), true); explicit.add("warmups"); break;
      case "--startup-runs": options.startupRuns = positiveInt(flag, value()); explicit.add("startupRuns"); break;
      case "--timeout": options.timeoutSeconds = positiveInt(flag, value()); break;
      case "--quick": options.quick = true; break;
      case "--json": options.json = true; break;
      case "--only": options.only = (value() ?? "").split(",").map((s) => s.trim()).filter(Boolean); break;
      case "--runtimes": options.runtimeIds = parseRuntimeSelection(value() ?? ""); break;
      case "--suite": options.suiteDir = value() ?? null; break;
      case "--out": options.outDir = value() ?? null; break;
      case "--ruff": options.ruffLauncher = value() ?? null; break;
      case "--render": options.renderFrom = value() ?? null; break;
      case "--no-build": break; // handled by bench/run.mjs
      case "--help": case "-h": options.help = true; break;
      default: throw new Error(`Unknown option ${argv[i]}`);
    }
  }
  if (options.quick) {
    if (!explicit.has("runs")) options.runs = 3;
    if (!explicit.has("warmups")) options.warmups = 1;
    if (!explicit.has("startupRuns")) options.startupRuns = 5;
  }
  if (options.runtimeIds.length === 0) throw new Error("--runtimes selected no runtime");
  return options;
}
