// The SVG bar chart (latest.svg): speed-up over CPython per benchmark and runtime on a
// log scale, bars growing from the 1× line (right = faster, left = slower), a geomean
// group at the bottom, failed cells labelled instead of drawn. Self-contained SVG text.
import { formatRatio, type BenchReport } from "./report.js";

export interface ChartBar {
  /** Speed-up (> 1 = faster); null when there is none to draw. */
  ratio: number | null;
  /** Shown instead of a bar when ratio is null, e.g. "✗ wrong output". */
  note?: string;
  failed?: boolean;
}

export interface ChartGroup {
  name: string;
  bars: Record<string, ChartBar>;
  emphasis?: boolean;
}

export interface ChartInput {
  title: string;
  subtitle: string;
  series: { id: string; label: string }[];
  groups: ChartGroup[];
}

const PALETTE: Record<string, string> = {
  ruff_jit: "#d62728",
  ruff_nojit: "#ff9f40",
  pypy: "#2ca02c",
  node: "#1f77b4",
  luajit: "#9467bd",
  lua54: "#8c564b",
};
const FALLBACK_COLORS = ["#17becf", "#bcbd22", "#7f7f7f", "#e377c2"];

const WIDTH = 980;
const LABEL_WIDTH = 150;
const RIGHT_MARGIN = 60;
const BAR_HEIGHT = 10;
const BAR_STEP = 12;
const GROUP_GAP = 14;
const LEGEND_PER_ROW = 6;
const FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function formatTick(value: number): string {
  return value >= 1 ? `${Math.round(value)}×` : `${Number(value.toPrecision(1))}×`;
}


export function renderSpeedupChart(input: ChartInput): string {
  const ratios = input.groups.flatMap((group) => Object.values(group.bars).map((bar) => bar.ratio)).filter((r): r is number => r !== null && r > 0);
  const lowDecade = Math.min(-1, Math.floor(Math.log10(Math.min(1, ...ratios))));
  const highDecade = Math.max(1, Math.ceil(Math.log10(Math.max(1, ...ratios))));
  const plotLeft = LABEL_WIDTH + 10;
  const plotWidth = WIDTH - plotLeft - RIGHT_MARGIN;
  const x = (ratio: number) => plotLeft + ((Math.log10(ratio) - lowDecade) / (highDecade - lowDecade)) * plotWidth;

  const colorOf = (id: string, index: number) => PALETTE[id] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length];
  const legendRows = Math.ceil(input.series.length / LEGEND_PER_ROW);
  const plotTop = 70 + legendRows * 18 + 24;
  const groupHeight = input.series.length * BAR_STEP + GROUP_GAP;
  const plotBottom = plotTop + input.groups.length * groupHeight;
  const height = plotBottom + 40;
  const parts: string[] = [];
  const text = (tx: number, ty: number, content: string, attrs = "") =>
    parts.push(`<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" ${attrs}>${escapeXml(content)}</text>`);

  parts.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  text(16, 26, input.title, 'font-size="17" font-weight="bold" fill="#222"');
  text(16, 46, input.subtitle, 'font-size="12" fill="#555"');
  input.series.forEach((series, index) => {
    const lx = 16 + (index % LEGEND_PER_ROW) * 158;
    const ly = 64 + Math.floor(index / LEGEND_PER_ROW) * 18;
    parts.push(`<rect x="${lx}" y="${ly}" width="14" height="12" fill="${colorOf(series.id, index)}"/>`);
    text(lx + 20, ly + 10, series.label, 'font-size="12" fill="#222"');
  });

  // Group backgrounds first (alternate stripes, a rule above an emphasised group), so
  // the grid and bars are drawn over them.
  input.groups.forEach((group, groupIndex) => {
    const groupTop = plotTop + groupIndex * groupHeight;
    if (group.emphasis) {
      parts.push(`<line x1="16" y1="${groupTop}" x2="${WIDTH - 16}" y2="${groupTop}" stroke="#333"/>`);
    } else if (groupIndex % 2 === 1) {
      parts.push(`<rect x="16" y="${groupTop}" width="${WIDTH - 32}" height="${groupHeight}" fill="#f4f4f4"/>`);
    }
  });

  // Grid: a line at every 1, 2, 5 × 10^k; labels on each, the 1× line dark.
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    for (const mantissa of [1, 2, 5]) {
      const value = mantissa * 10 ** decade;
      if (Math.log10(value) > highDecade + 1e-9) continue;
      const gx = x(value);
      const isOne = decade === 0 && mantissa === 1;
      parts.push(
        `<line x1="${gx.toFixed(1)}" y1="${plotTop - 6}" x2="${gx.toFixed(1)}" y2="${plotBottom}" stroke="${isOne ? "#333" : mantissa === 1 ? "#bbb" : "#e4e4e4"}" stroke-width="${isOne ? 1.5 : 1}"/>`,
      );
      for (const ty of [plotTop - 10, plotBottom + 16]) {
        text(gx, ty, formatTick(value), `font-size="11" text-anchor="middle" fill="${mantissa === 1 ? "#333" : "#888"}"`);
      }
    }
  }
  text(x(1) - 6, plotBottom + 32, "◀ slower than CPython", 'font-size="11" text-anchor="end" fill="#666"');
  text(x(1) + 6, plotBottom + 32, "faster than CPython ▶", 'font-size="11" fill="#666"');

  input.groups.forEach((group, groupIndex) => {
    const top = plotTop + groupIndex * groupHeight + GROUP_GAP / 2;
    const weight = group.emphasis ? ' font-weight="bold"' : "";
    text(LABEL_WIDTH, top + (input.series.length * BAR_STEP) / 2 + 4, group.name, `font-size="13" text-anchor="end" fill="#222"${weight}`);
    input.series.forEach((series, index) => {
      const bar = group.bars[series.id];
      const by = top + index * BAR_STEP;
      const one = x(1);
      if (!bar || bar.ratio === null || !(bar.ratio > 0)) {
        const note = bar?.note ?? "not run";
        text(one + 4, by + BAR_HEIGHT - 1, `${series.label}: ${note}`, `font-size="10" fill="${bar?.failed ? "#c00" : "#888"}"`);
        return;
      }
      const end = x(bar.ratio);
      const left = Math.min(one, end);
      const width = Math.max(Math.abs(end - one), 1);
      parts.push(
        `<rect x="${left.toFixed(1)}" y="${by}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colorOf(series.id, index)}"><title>${escapeXml(`${group.name}, ${series.label}: ${formatRatio(bar.ratio)}`)}</title></rect>`,
      );
      const labelX = bar.ratio >= 1 ? end + 3 : end - 3;
      text(labelX, by + BAR_HEIGHT - 1, formatRatio(bar.ratio), `font-size="10" fill="#333"${bar.ratio >= 1 ? "" : ' text-anchor="end"'}`);
    });
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    ...parts.map((part) => `  ${part}`),
    `</svg>`,
    "",
  ].join("\n");
}

const STATUS_NOTE: Record<string, string> = {
  wrong: "✗ wrong output",
  error: "✗ failed",
  timeout: "✗ timed out",
  "no-twin": "no twin",
};

/** Chart of whole-process speed-ups over the baseline, one bar per non-baseline runtime. */
export function chartFromReport(report: BenchReport): ChartInput {
  const { analysis } = report;
  const series = report.runtimes.filter((runtime) => runtime.id !== analysis.baselineId).map(({ id, label }) => ({ id, label }));
  const baselineLabel = report.runtimes.find((runtime) => runtime.id === analysis.baselineId)?.label ?? analysis.baselineId;
  const groups: ChartGroup[] = report.programs.map((program) => {
    const bars: Record<string, ChartBar> = {};
    const baselineCell = program.cells[analysis.baselineId];
    for (const { id } of series) {
      const cell = program.cells[id];
      const ratio = analysis.ratios[program.name]?.[id]?.whole ?? null;
      if (cell && cell.status !== "ok") bars[id] = { ratio: null, note: STATUS_NOTE[cell.status], failed: cell.status !== "no-twin" };
      else if (ratio === null) bars[id] = { ratio: null, note: baselineCell?.status === "ok" ? "n/a" : `no ${baselineLabel} time` };
      else bars[id] = { ratio };
    }
    return { name: program.name, bars };
  });
  const geomeanBars: Record<string, ChartBar> = {};
  for (const { id } of series) {
    const mean = analysis.geomeans[id];
    geomeanBars[id] = mean?.whole ? { ratio: mean.whole } : { ratio: null, note: "n/a" };
  }
  groups.push({ name: "geomean", bars: geomeanBars, emphasis: true });
  const commitNote = report.runtimes.find((runtime) => runtime.extension === "ruff")?.version ?? "";
  return {
    title: `Speed-up over ${baselineLabel}, whole process (log scale; 1× = ${baselineLabel})`,
    subtitle: `${report.generatedAt.slice(0, 16).replace("T", " ")} UTC · median of ${report.settings.runs} runs · ${commitNote}`,
    series,
    groups,
  };
}
