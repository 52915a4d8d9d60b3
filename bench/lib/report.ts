// The results document (what latest.json holds) and its rendering as terminal text and
// Markdown: medians with min-max and correct-output marks, speed-ups over CPython
// (whole process and net of start-up) with geometric means, peak RSS and fib30.
import type { Analysis } from "./analysis.js";
import type { Cell, HarnessResult } from "./harness.js";

export interface RuntimeInfo {
  id: string;
  label: string;
  extension: string;
  /** The command line, with FILE standing for the program. */
  command: string[];
  version: string;
}

export interface BenchReport extends HarnessResult {
  schema: "ruff-bench/1";
  generatedAt: string;
  settings: {
    suiteDir: string;
    warmups: number;
    runs: number;
    startupRuns: number;
    timeoutSeconds: number;
    quick: boolean;
    only: string[];
  };
  machine: { cpu: string; cpus: number; memoryGiB: number; os: string; loadAverageAtStart: number[] };
  /** Whether NODE_EXTRA_CA_CERTS was set (it slows node's own start-up). */
  nodeExtraCaCertsSet: boolean;
  /** Result of building the ruff bundle before the run, when the harness did it. */
  ruffBuild: { ok: boolean; detail: string } | null;
  peakRssMeasured: boolean;
  /** Median wall time of `/bin/true` through the harness: spawn overhead inside every time. */
  spawnFloorSeconds: number | null;
  runtimes: RuntimeInfo[];
  skipped: { id: string; reason: string }[];
  /** Things that may have disturbed the measurement, e.g. a rebuild during the run. */
  warnings: string[];
  analysis: Analysis;
}

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  notes: string[];
}

const FAILURE_MARK: Record<string, string> = { wrong: "✗ WRONG", error: "✗ ERROR", timeout: "✗ TIMEOUT", "no-twin": "–" };

export function formatMs(seconds: number): string {
  const ms = seconds * 1000;
  return ms < 10 ? ms.toFixed(1) : Math.round(ms).toString();
}

/** Three significant figures at most ("0.45×", "12.6×", "127×"); "n/a" for null. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null) return "n/a";
  if (ratio >= 99.95) return `${Math.round(ratio)}×`;
  return ratio >= 9.995 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`;
}

function timeCell(cell: Cell | undefined, pick: (cell: Cell) => { median: number; min: number; max: number } | null | undefined, format: (value: number) => string): string {
  if (!cell) return "";
  if (cell.status !== "ok") return FAILURE_MARK[cell.status];
  const summary = pick(cell);
  return summary ? `✓ ${format(summary.median)} (${format(summary.min)}–${format(summary.max)})` : "✓";
}

export function buildTables(report: BenchReport): Table[] {
  const ids = report.runtimes.map((runtime) => runtime.id);
  const labels = report.runtimes.map((runtime) => runtime.label);
  const { analysis } = report;
  const tables: Table[] = [];
  const msFromSeconds = (cell: Cell) => cell.wall;

  tables.push({
    title: `Wall time, ms: median (min–max) of ${report.settings.runs} runs, whole process; ✓ = stdout matches expected/NAME.out`,
    header: ["benchmark", ...labels],
    rows: [
      ["(start-up, empty program)", ...ids.map((id) => timeCell(report.startup[id], msFromSeconds, formatMs))],
      ...report.programs.map((program) => [program.name, ...ids.map((id) => timeCell(program.cells[id], msFromSeconds, formatMs))]),
    ],
    notes: [
      `Start-up rows use ${report.settings.startupRuns} runs. ✗ cells were never timed; see Problems.`,
      ...(report.spawnFloorSeconds !== null
        ? [`Every time includes about ${formatMs(report.spawnFloorSeconds)} ms of harness overhead (spawn${report.peakRssMeasured ? " through /usr/bin/time" : ""}; median for /bin/true before and after the run).`]
        : []),
    ],
  });

  const ratioCell = (program: string, id: string) => {
    const cell = report.programs.find((p) => p.name === program)?.cells[id];
    if (cell && cell.status !== "ok") return FAILURE_MARK[cell.status];
    const ratios = analysis.ratios[program]?.[id];
    return ratios ? `${formatRatio(ratios.whole)} / ${formatRatio(ratios.net)}` : "";
  };
  tables.push({
    title: `Speed-up over ${labelOf(report, analysis.baselineId)}: whole process / net of start-up (> 1× = faster)`,
    header: ["benchmark", ...labels],
    rows: [
      ...report.programs.map((program) => [program.name, ...ids.map((id) => ratioCell(program.name, id))]),
      [
        "geomean",
        ...ids.map((id) => {
          const mean = analysis.geomeans[id];
          if (!mean || mean.count === 0) return "n/a";
          const total = analysis.programCount;
          const partial =
            mean.netCount !== mean.count
              ? ` (${mean.count}/${total}, net ${mean.netCount}/${total})`
              : mean.count < total
                ? ` (${mean.count}/${total})`
                : "";
          return `${formatRatio(mean.whole)} / ${formatRatio(mean.net)}${partial}`;
        }),
      ],
    ],
    notes: [
      "Net = median − that runtime's start-up median (JIT warm-up is not part of start-up); n/a when a net time is under 1 ms,",
      "i.e. the run cannot be told apart from start-up. Net figures are rough: start-up noise enters them twice.",
      "A geomean marked (k/n) covers only the k benchmarks where both this runtime and the baseline were correct.",
    ],
  });

  if (report.peakRssMeasured) {
    tables.push({
      title: "Peak RSS, MB (median of counted runs)",
      header: ["benchmark", ...labels],
      rows: [
        ["(start-up, empty program)", ...ids.map((id) => rssCell(report.startup[id]))],
        ...report.programs.map((program) => [program.name, ...ids.map((id) => rssCell(program.cells[id]))]),
      ],
      notes: [],
    });
  }

  if (report.fib30) {
    tables.push({
      title: "bench/fib30.ruff: fib(30) timed inside the program with performance_now(), ms",
      header: ["runtime", "in-program ms: median (min–max)", "whole process ms: median (min–max)"],
      rows: Object.entries(report.fib30).map(([id, cell]) => [
        labelOf(report, id),
        timeCell(cell, (c) => c.inProgram, (ms) => String(ms)),
        timeCell(cell, msFromSeconds, formatMs),
      ]),
      notes: [],
    });
  }
  return tables;
}

function rssCell(cell: Cell | undefined): string {
  if (!cell) return "";
  if (cell.status !== "ok") return FAILURE_MARK[cell.status];
  return cell.rss ? (cell.rss.median / 1024).toFixed(1) : "n/a";
}

function labelOf(report: BenchReport, id: string): string {
  return report.runtimes.find((runtime) => runtime.id === id)?.label ?? id;
}

/** Plain aligned columns for a terminal; `color` adds ANSI red/green to marks. */
export function renderText(report: BenchReport, tables: Table[], color = false): string {
  const out: string[] = [];
  for (const table of tables) {
    const widths = table.header.map((_, column) =>
      Math.max(...[table.header, ...table.rows].map((row) => (row[column] ?? "").length)),
    );
    const line = (row: string[]) =>
      row
        .map((text, column) => paint(text.padEnd(widths[column]), color))
        .join("  ")
        .trimEnd();
    out.push(table.title, line(table.header), widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of table.rows) out.push(line(row));
    for (const note of table.notes) out.push(`  ${note}`);
    out.push("");
  }
  out.push(...contextLines(report), "");
  if (report.problems.length > 0) {
    out.push(paint(`✗ PROBLEMS (${report.problems.length}):`, color));
    for (const problem of report.problems) out.push(`  ${problem}`);
  } else {
    out.push(paint("✓ Every runtime printed the expected output for every program it ran.", color));
  }
  return out.join("\n");
}

function paint(text: string, color: boolean): string {
  if (!color) return text;
  if (text.includes("✗")) return `\x1b[31m${text}\x1b[0m`;
  if (text.startsWith("✓")) return `\x1b[32m${text}\x1b[0m`;
  return text;
}

function contextLines(report: BenchReport): string[] {
  const lines = report.runtimes.map((runtime) => `  ${runtime.label}: ${runtime.version} — \`${runtime.command.join(" ")}\``);
  for (const skip of report.skipped) lines.push(`  ${skip.id}: skipped (${skip.reason})`);
  const { machine, settings } = report;
  return [
    `Runtimes:`,
    ...lines,
    `Machine: ${machine.cpu}, ${machine.cpus} CPUs, ${machine.memoryGiB} GiB, ${machine.os}; load average at start ${machine.loadAverageAtStart.map((v) => v.toFixed(2)).join(" ")}`,
    `Settings: ${settings.warmups} warm-up(s) (the first checks output), ${settings.runs} counted runs interleaved across runtimes${settings.quick ? " (--quick)" : ""}` +
      `${settings.only.length ? `, only ${settings.only.join(",")}` : ""}; suite ${settings.suiteDir}`,
    `NODE_EXTRA_CA_CERTS is ${report.nodeExtraCaCertsSet ? "set: node's start-up includes reading that bundle (bin/ruff unsets it for ruff)" : "not set"}.`,
    ...(report.ruffBuild && !report.ruffBuild.ok ? [`ruff build FAILED before the run: ${report.ruffBuild.detail}`] : []),
    ...report.warnings.map((warning) => `Warning: ${warning}`),
  ];
}

export function renderMarkdown(report: BenchReport, tables: Table[], svgName: string): string {
  const escape = (text: string) => text.replace(/\|/g, "\\|");
  const out = [`# Ruff benchmark results`, "", `Generated ${report.generatedAt} by \`npm run bench\` (bench/run.mjs).`, ""];
  out.push(`![Speed-up over CPython per benchmark, log scale](${svgName})`, "");
  for (const table of tables) {
    out.push(`## ${table.title}`, "", `| ${table.header.map(escape).join(" | ")} |`, `|${table.header.map(() => "---").join("|")}|`);
    for (const row of table.rows) out.push(`| ${row.map(escape).join(" | ")} |`);
    out.push("", ...table.notes.map((note) => `${note}  `), "");
  }
  out.push("## Context", "");
  for (const line of contextLines(report)) {
    // Indented lines are list items; every other line is its own paragraph.
    if (line.startsWith("  ")) out.push(`- ${line.trim()}`);
    else out.push(...(out[out.length - 1] === "" ? [] : [""]), line, "");
  }
  out.push("");
  out.push("## Problems", "");
  if (report.problems.length === 0) out.push("None: every runtime printed the expected output for every program it ran.");
  else for (const problem of report.problems) out.push(`- ${escape(problem)}`);
  out.push("");
  return out.join("\n");
}
