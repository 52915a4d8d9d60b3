// Derived figures: speed-up of every cell over the baseline runtime (CPython), both for
// the whole process and net of each runtime's own start-up, and their geometric means.
import type { HarnessResult } from "./harness.js";
import { geometricMean } from "./stats.js";

/** Net times below this are treated as this, so a near-zero net time gives no absurd ratio. */
export const NET_FLOOR_SECONDS = 0.001;

export interface Ratios {
  /** baseline median / runtime median; > 1 means faster than the baseline. */
  whole: number | null;
  /** The same net of each side's start-up median (floored at NET_FLOOR_SECONDS). */
  net: number | null;
}

export interface GeoMean {
  whole: number | null;
  net: number | null;
  /** How many programs entered the mean (both cells correct and timed). */
  count: number;
}

export interface Analysis {
  baselineId: string;
  /** ratios[program][runtimeId] */
  ratios: Record<string, Record<string, Ratios>>;
  geomeans: Record<string, GeoMean>;
  programCount: number;
}

export function analyze(result: HarnessResult, runtimeIds: readonly string[], baselineId: string): Analysis {
  const ratios: Analysis["ratios"] = {};
  const wholeByRuntime = new Map<string, number[]>();
  const netByRuntime = new Map<string, number[]>();
  const startupOf = (id: string) => {
    const cell = result.startup[id];
    return cell?.status === "ok" && cell.wall ? cell.wall.median : null;
  };
  const baselineStartup = startupOf(baselineId);
  for (const program of result.programs) {
    ratios[program.name] = {};
    const baseline = program.cells[baselineId];
    const baselineMedian = baseline?.status === "ok" && baseline.wall ? baseline.wall.median : null;
    for (const id of runtimeIds) {
      const cell = program.cells[id];
      const median = cell?.status === "ok" && cell.wall ? cell.wall.median : null;
      const entry: Ratios = { whole: null, net: null };
      if (median !== null && baselineMedian !== null) {
        entry.whole = baselineMedian / median;
        const startup = startupOf(id);
        if (startup !== null && baselineStartup !== null) {
          const net = (seconds: number, start: number) => Math.max(seconds - start, NET_FLOOR_SECONDS);
          entry.net = net(baselineMedian, baselineStartup) / net(median, startup);
        }
      }
      ratios[program.name][id] = entry;
      if (entry.whole !== null) push(wholeByRuntime, id, entry.whole);
      if (entry.net !== null) push(netByRuntime, id, entry.net);
    }
  }
  const geomeans: Analysis["geomeans"] = {};
  for (const id of runtimeIds) {
    const whole = wholeByRuntime.get(id) ?? [];
    geomeans[id] = { whole: geometricMean(whole), net: geometricMean(netByRuntime.get(id) ?? []), count: whole.length };
  }
  return { baselineId, ratios, geomeans, programCount: result.programs.length };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
