// Entry point of `npm run bench` (called by bench/run.mjs after bundling): parses options,
// finds the suite and runtimes, runs the harness, and writes the terminal table and
// bench/results/latest.{json,md,svg}. Exit status 1 when any cell failed, 2 on bad usage.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyze } from "./analysis.js";
import { runHarness } from "./harness.js";
import { createProcessRunner, measureSpawnFloor, peakRssSupported } from "./measure.js";
import { parseOptions, USAGE, type BenchOptions } from "./options.js";
import { createProgressReporter } from "./progress.js";
import { buildTables, renderMarkdown, renderText, type BenchReport } from "./report.js";
import { BASELINE_RUNTIME_ID, detectRuntimes } from "./runtimes.js";
import { median } from "./stats.js";
import { discoverSuite, SuiteError } from "./suite.js";
import { chartFromReport, renderSpeedupChart } from "./svg-chart.js";

export interface CliContext {
  repoRoot: string;
  /** Outcome of building the ruff bundle beforehand, or null when skipped. */
  ruffBuild: { ok: boolean; detail: string } | null;
}

export const FIB30_PROGRAM = "fib30";

export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.renderFrom) return rerender(path.resolve(options.renderFrom), options, context);
  const suiteNames = options.only.filter((name) => name !== FIB30_PROGRAM);
  const includeFib30 = options.only.length === 0 || options.only.includes(FIB30_PROGRAM);
  const timeSuite = options.only.length === 0 || suiteNames.length > 0;
  let suite;
  try {
    suite = discoverSuite(options.suiteDir ?? path.resolve(context.repoRoot, "../shared/benchmarks"), suiteNames);
  } catch (error) {
    if (!(error instanceof SuiteError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }

  const progress = createProgressReporter();
  const ruffLauncher = options.ruffLauncher ? path.resolve(options.ruffLauncher) : path.join(context.repoRoot, "bin", "ruff");
  const { runtimes, skipped } = detectRuntimes(context.repoRoot, options.runtimeIds, ruffLauncher);
  for (const skip of skipped) progress.message(`skip ${skip.id}: ${skip.reason}`);
  if (context.ruffBuild && !context.ruffBuild.ok) {
    progress.message(`ruff build FAILED (the ruff columns will fail): ${context.ruffBuild.detail}`);
  }
  const measurePeakRss = peakRssSupported();
  if (!measurePeakRss) progress.message("peak RSS not measured: /usr/bin/time (GNU time) not found");
  const loadAverageAtStart = os.loadavg();

  // bin/ruff rebuilds dist/ruff.cjs when src/ is newer; a rebuild mid-run lands in a timing.
  const ruffBundle = path.resolve(path.dirname(ruffLauncher), "..", "dist", "ruff.cjs");
  const bundleStampAtStart = modificationTime(ruffBundle);
  const runner = createProcessRunner(measurePeakRss);
  const spawnFloorSamples = await measureSpawnFloor(runner); // before and after the run
  const result = await runHarness({
    suite,
    runtimes,
    warmups: options.warmups,
    runs: options.runs,
    startupRuns: options.startupRuns,
    timeoutSeconds: options.timeoutSeconds,
    runner,
    fib30File: includeFib30 ? path.join(context.repoRoot, "bench", "fib30.ruff") : null,
    timeSuite,
    onProgress: (step) => progress.update(step),
    onProblem: (message) => progress.message(`✗ ${message}`),
  });
  progress.done();
  spawnFloorSamples.push(...(await measureSpawnFloor(runner)));
  const spawnFloorSeconds = spawnFloorSamples.length > 0 ? median(spawnFloorSamples) : null;
  const warnings: string[] = [];
  if (runtimes.some((runtime) => runtime.extension === "ruff") && modificationTime(ruffBundle) !== bundleStampAtStart) {
    warnings.push("dist/ruff.cjs was rebuilt during the run (src/ changed): some ruff timings may include a build.");
  }
  for (const warning of warnings) progress.message(`warning: ${warning}`);

  const runtimeIds = runtimes.map((runtime) => runtime.id);
  const report: BenchReport = {
    schema: "ruff-bench/1",
    generatedAt: new Date().toISOString(),
    settings: {
      suiteDir: suite.dir,
      warmups: Math.max(options.warmups, 1),
      runs: options.runs,
      startupRuns: options.startupRuns,
      timeoutSeconds: options.timeoutSeconds,
      quick: options.quick,
      only: options.only,
    },
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? "unknown",
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      loadAverageAtStart,
    },
    nodeExtraCaCertsSet: Boolean(process.env.NODE_EXTRA_CA_CERTS),
    ruffBuild: context.ruffBuild,
    peakRssMeasured: measurePeakRss,
    spawnFloorSeconds,
    runtimes: runtimes.map((runtime) => ({
      id: runtime.id,
      label: runtime.label,
      extension: runtime.extension,
      command: runtime.command("FILE"),
      version: runtime.version ?? "unknown",
    })),
    skipped,
    warnings,
    ...result,
    analysis: analyze(result, runtimeIds, BASELINE_RUNTIME_ID),
  };

  return publish(report, options, context);
}

/** `--render FILE`: rebuilds tables, Markdown and chart from a saved results JSON, without running anything. */
function rerender(file: string, options: BenchOptions, context: CliContext): number {
  const report = JSON.parse(readFileSync(file, "utf8")) as BenchReport;
  if (report.schema !== "ruff-bench/1") throw new Error(`${file} is not a bench results file (schema ${String(report.schema)})`);
  report.analysis = analyze(report, report.runtimes.map((runtime) => runtime.id), report.analysis?.baselineId ?? BASELINE_RUNTIME_ID);
  return publish(report, options, context);
}

/** Writes latest.{json,md,svg} and prints the tables (or the JSON). Exit status 1 if any cell failed. */
function publish(report: BenchReport, options: BenchOptions, context: CliContext): number {
  const tables = buildTables(report);
  const outDir = options.outDir ? path.resolve(options.outDir) : path.join(context.repoRoot, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  writeAtomically(path.join(outDir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomically(path.join(outDir, "latest.md"), renderMarkdown(report, tables, "latest.svg"));
  writeAtomically(path.join(outDir, "latest.svg"), renderSpeedupChart(chartFromReport(report)));

  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`\n${renderText(report, tables, Boolean(process.stdout.isTTY))}\n`);
  const relativeOut = path.relative(process.cwd(), outDir) || ".";
  const shownOut = relativeOut.startsWith("..") ? outDir : relativeOut;
  process.stderr.write(`wrote ${shownOut}/latest.json, latest.md, latest.svg\n`);
  return report.problems.length > 0 ? 1 : 0;
}

function modificationTime(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Writes through a .tmp file (ignored by git) so a reader never sees half a file. */
function writeAtomically(file: string, contents: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}
