// Derived figures: speed-up of every cell over the baseline runtime (CPython), both for
// the whole process and net of each runtime's own start-up, and their geometric means.
import type { HarnessResult } from "./harness.js";
import { geometricMean } from "./stats.js";

/**
 * A net time (median minus start-up median) below this cannot be told apart from start-up
 * noise, so its net ratio is left out (null) instead of becoming an absurd number.
 */
export const MIN_NET_SECONDS = 0.001;

export interface Ratios {
  /** baseline median / runtime median; > 1 means faster than the baseline. */
  whole: number | null;
  /** The same net of each side's start-up median; null when either net time is under MIN_NET_SECONDS. */
  net: number | null;
}

export interface GeoMean {
  whole: number | null;
  net: number | null;
  /** How many programs entered the whole-process mean (both cells correct and timed). */
  count: number;
  /** How many entered the net mean (fewer when a net time was under MIN_NET_SECONDS). */
  netCount: number;
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
          const baselineNet = baselineMedian - baselineStartup;
          const runtimeNet = median - startup;
          if (baselineNet >= MIN_NET_SECONDS && runtimeNet >= MIN_NET_SECONDS) entry.net = baselineNet / runtimeNet;
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
    const net = netByRuntime.get(id) ?? [];
    geomeans[id] = { whole: geometricMean(whole), net: geometricMean(net), count: whole.length, netCount: net.length };
  }
  return { baselineId, ratios, geomeans, programCount: result.programs.length };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
