// Rendering of results: the SVG chart has a label for each benchmark, the legend and the
// geomean; failed cells show as marks, never as numbers; text and Markdown tables agree.
import { describe, expect, it } from "vitest";
import { buildTables, formatRatio, renderMarkdown, renderText } from "../../bench/lib/report.js";
import { chartFromReport, renderSpeedupChart } from "../../bench/lib/svg-chart.js";
import { syntheticReport } from "./synthetic-report.js";

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

describe("formatRatio", () => {
  it("keeps three significant figures without rounding up into a fourth", () => {
    expect([0.456, 9.994, 9.997, 12.61, 99.96, 127.4, null].map(formatRatio)).toEqual(["0.46×", "9.99×", "10.0×", "12.6×", "100×", "127×", "n/a"]);
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
