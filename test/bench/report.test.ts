// Rendering of results: the SVG chart has a label for each benchmark, the legend and the
// geomean; failed cells show as marks, never as numbers; text and Markdown tables agree.
import { describe, expect, it } from "vitest";
import { analyze } from "../../bench/lib/analysis.js";
import { emptyCell, type Cell, type HarnessResult } from "../../bench/lib/harness.js";
import { buildTables, renderMarkdown, renderText, type BenchReport } from "../../bench/lib/report.js";
import { summarize } from "../../bench/lib/stats.js";
import { chartFromReport, renderSpeedupChart } from "../../bench/lib/svg-chart.js";

function timed(...seconds: number[]): Cell {
  return { ...emptyCell(), wallSeconds: seconds, wall: summarize(seconds), peakRssKb: [10240], rss: summarize([10240]) };
}

function syntheticReport(): BenchReport {
  const runtimes = [
    { id: "ruff_nojit", label: "ruff --no-jit", extension: "ruff", command: ["bin/ruff", "run", "--no-jit", "FILE"], version: "test" },
    { id: "cpython", label: "CPython", extension: "py", command: ["/usr/bin/python3", "FILE"], version: "3.11" },
    { id: "node", label: "node", extension: "js", command: ["/usr/bin/node", "FILE"], version: "v20" },
  ];
  const result: HarnessResult = {
    startup: { ruff_nojit: timed(0.03), cpython: timed(0.01), node: timed(0.05) },
    programs: [
      { name: "fib_rec", cells: { ruff_nojit: timed(0.2, 0.3, 0.25), cpython: timed(0.1), node: timed(0.06) } },
      { name: "sieve", cells: { ruff_nojit: emptyCell("wrong", 'line 1: expected "a", got "b"'), cpython: timed(0.3), node: timed(0.1) } },
      { name: "a<b&c", cells: { ruff_nojit: timed(1), cpython: timed(1), node: emptyCell("no-twin") } },
      { name: "short", cells: { ruff_nojit: timed(0.5), cpython: timed(0.2), node: timed(0.045) } },
    ],
    fib30: { ruff_nojit: { ...timed(0.5), inProgramMs: [400, 410, 405], inProgram: summarize([400, 410, 405]) } },
    problems: ["OUTPUT MISMATCH: sieve on ruff_nojit (check): line 1: expected \"a\", got \"b\" -- not timed"],
  };
  return {
    schema: "ruff-bench/1",
    generatedAt: "2025-01-01T00:00:00.000Z",
    settings: { suiteDir: "/suite", warmups: 1, runs: 3, startupRuns: 5, timeoutSeconds: 300, quick: true, only: [] },
    machine: { cpu: "test cpu", cpus: 2, memoryGiB: 4, os: "Linux", loadAverageAtStart: [0, 0, 0] },
    nodeExtraCaCertsSet: true,
    ruffBuild: { ok: true, detail: "built" },
    peakRssMeasured: true,
    spawnFloorSeconds: 0.002,
    runtimes,
    skipped: [{ id: "pypy", reason: "pypy3 not found" }],
    warnings: [],
    ...result,
    analysis: analyze(result, runtimes.map((runtime) => runtime.id), "cpython"),
  };
}

describe("SVG chart", () => {
  const svg = renderSpeedupChart(chartFromReport(syntheticReport()));

  it("labels every benchmark (escaped), the geomean row and each non-baseline runtime", () => {
    for (const label of [">fib_rec<", ">sieve<", ">a&lt;b&amp;c<", ">geomean<", ">ruff --no-jit<", ">node<"]) {
      expect(svg).toContain(label);
    }
    expect(svg).not.toContain(">CPython<"); // the baseline is the 1× line, not a bar
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("shows a wrong cell as a mark and a speed-up as a bar value", () => {
    expect(svg).toContain("ruff --no-jit: ✗ wrong output");
    expect(svg).toContain(">0.40×<"); // fib_rec: 0.1 / 0.25
    expect(svg).toContain(">short<");
    expect(svg).toContain(">1×<"); // the axis
  });
});

describe("tables", () => {
  const report = syntheticReport();
  const tables = buildTables(report);

  it("shows medians with min-max and correct-output marks", () => {
    const text = renderText(report, tables);
    expect(text).toContain("✓ 250 (200–300)");
    expect(text).toContain("✗ WRONG");
    expect(text).toContain("✗ PROBLEMS (1):");
    expect(text).toContain("pypy: skipped (pypy3 not found)");
  });

  it("gives whole and net ratios and a geomean that says how many programs it covers", () => {
    const ratioTable = tables[1];
    expect(ratioTable.rows.find((row) => row[0] === "fib_rec")).toEqual(["fib_rec", "0.40× / 0.41×", "1.00× / 1.00×", "1.67× / 9.00×"]);
    const geomean = ratioTable.rows.find((row) => row[0] === "geomean")!;
    expect(geomean[1]).toMatch(/ \(3\/4\)$/);
    // node's "short" run is faster than node's start-up median: no net ratio, and the
    // net geomean says it covers fewer programs.
    expect(ratioTable.rows.find((row) => row[0] === "short")![3]).toBe("4.44× / n/a");
    expect(geomean[3]).toMatch(/ \(3\/4, net 2\/4\)$/);
  });

  it("reports fib30's in-program milliseconds", () => {
    const fib30 = tables.find((table) => table.title.startsWith("bench/fib30.ruff"))!;
    expect(fib30.rows[0][1]).toBe("✓ 405 (400–410)");
  });

  it("renders Markdown tables with the chart and escaped pipes", () => {
    const markdown = renderMarkdown(report, tables, "latest.svg");
    expect(markdown).toContain("![Speed-up over CPython per benchmark, log scale](latest.svg)");
    expect(markdown).toContain("| benchmark | ruff --no-jit | CPython | node |");
    expect(markdown).toContain("## Problems");
  });
});
