// Runtime catalogue and detection: the columns the harness can time (ruff with and
// without the JIT, CPython, PyPy, node, LuaJIT, Lua 5.4), how each runs a source file,
// and which are installed. Missing optional peers are skipped with a reason.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
import type { SourceExtension } from "./suite.js";

export interface RuntimeSpec {
  /** Stable column id used in options and JSON, e.g. "ruff_nojit". */
  id: string;
  /** Column heading for people. */
  label: string;
  /** Which twin of a program this runtime runs. */
  extension: SourceExtension;
  /** Full command line for running `file` (argv[0] is an absolute path where possible). */
  command(file: string): string[];
  /** Version text, filled in by detection. */
  version?: string;
}

export interface SkippedRuntime {
  id: string;
  reason: string;
}

/** Every column id, in display order. */
export const RUNTIME_IDS = ["ruff_jit", "ruff_nojit", "cpython", "pypy", "node", "luajit", "lua54"] as const;

/** The column every ratio is taken against. */
export const BASELINE_RUNTIME_ID = "cpython";

/** Finds an executable on PATH, like `command -v`; null when absent. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ""): string | null {
  if (name.includes("/")) return isExecutable(name) ? name : null;
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First line of `binary args...` output (stdout or stderr), or "unknown". */
function versionOf(binary: string, args: string[]): string {
  const probe = spawnSync(binary, args, { encoding: "utf8", timeout: 15000 });
  const text = `${probe.stdout ?? ""}\n${probe.stderr ?? ""}`.trim();
  const pypy = /PyPy (\S+)/.exec(text);
  const python = /Python (\S+)/.exec(text);
  if (pypy && python) return `PyPy ${pypy[1]} (Python ${python[1]})`;
  // LuaJIT and Lua print a copyright after the version.
  return text.split("\n")[0]?.replace(/\s+(--\s+)?Copyright.*$/, "").trim() || "unknown";
}

function peer(id: string, label: string, extension: SourceExtension, binary: string, versionArgs: string[]): RuntimeSpec {
  return { id, label, extension, command: (file) => [binary, file], version: versionOf(binary, versionArgs) };
}

/**
 * CPython by absolute path: `/usr/bin/python3`, else `python3` on PATH resolved to its real
 * executable (a pyenv shim on PATH would add a bash round-trip to every launch).
 */
function findCpython(): string | null {
  if (isExecutable("/usr/bin/python3")) return "/usr/bin/python3";
  const onPath = findOnPath("python3");
  if (!onPath) return null;
  const probe = spawnSync(onPath, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8", timeout: 15000 });
  const real = probe.stdout?.trim();
  return probe.status === 0 && real && isExecutable(real) ? real : onPath;
}

function gitDescription(repoRoot: string): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" });
  if (head.status !== 0) return "unknown commit";
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repoRoot, encoding: "utf8" });
  return `commit ${head.stdout.trim()}${dirty.stdout?.trim() ? " (uncommitted changes)" : ""}`;
}

/**
 * Detects every runtime; `wanted` (ids) limits which are considered at all. The ruff
 * columns use `ruffLauncher` (default: bin/ruff of the repository).
 */
export function detectRuntimes(
  repoRoot: string,
  wanted: readonly string[] = RUNTIME_IDS,
  ruffLauncher = path.join(repoRoot, "bin", "ruff"),
): { runtimes: RuntimeSpec[]; skipped: SkippedRuntime[] } {
  const runtimes: RuntimeSpec[] = [];
  const skipped: SkippedRuntime[] = [];
  const ownLauncher = path.resolve(ruffLauncher) === path.join(path.resolve(repoRoot), "bin", "ruff");
  const launcherRepo = path.resolve(path.dirname(ruffLauncher), "..");
  const ruffVersion = `ruff (${ownLauncher ? "this repo" : ruffLauncher}, ${gitDescription(launcherRepo)})`;
  for (const id of RUNTIME_IDS) {
    if (!wanted.includes(id)) continue;
    const add = (spec: RuntimeSpec | null, missing: string) =>
      spec ? runtimes.push(spec) : skipped.push({ id, reason: `${missing} not found` });
    switch (id) {
      case "ruff_jit":
      case "ruff_nojit": {
        const jit = id === "ruff_jit";
        add(
          existsSync(ruffLauncher)
            ? {
                id,
                label: jit ? "ruff (JIT)" : "ruff --no-jit",
                extension: "ruff",
                command: (file) => (jit ? [ruffLauncher, "run", file] : [ruffLauncher, "run", "--no-jit", file]),
                version: ruffVersion,
              }
            : null,
          ruffLauncher,
        );
        break;
      }
      case "cpython": {
        const binary = findCpython();
        add(binary ? peer(id, "CPython", "py", binary, ["--version"]) : null, "/usr/bin/python3 or python3");
        break;
      }
      case "pypy": {
        const binary = findOnPath("pypy3");
        add(binary ? peer(id, "PyPy", "py", binary, ["--version"]) : null, "pypy3");
        break;
      }
      case "node": {
        const binary = findOnPath("node");
        add(binary ? peer(id, "node", "js", binary, ["--version"]) : null, "node");
        break;
      }
      case "luajit": {
        const binary = findOnPath("luajit");
        add(binary ? peer(id, "LuaJIT", "lua", binary, ["-v"]) : null, "luajit");
        break;
      }
      case "lua54": {
        const binary = findOnPath("lua5.4");
        add(binary ? peer(id, "Lua 5.4", "lua", binary, ["-v"]) : null, "lua5.4");
        break;
      }
    }
  }
  return { runtimes, skipped };
}

/**
 * Expands a `--runtimes` list: ids from RUNTIME_IDS, plus `ruff` for both ruff columns.
 * Throws on an unknown name.
 */
export function parseRuntimeSelection(list: string): string[] {
  const ids: string[] = [];
  for (const raw of list.split(",").map((item) => item.trim()).filter(Boolean)) {
    const expanded = raw === "ruff" ? ["ruff_jit", "ruff_nojit"] : [raw];
    for (const id of expanded) {
      if (!(RUNTIME_IDS as readonly string[]).includes(id)) {
        throw new Error(`Unknown runtime "${raw}". Known: ruff, ${RUNTIME_IDS.join(", ")}.`);
      }
      if (!ids.includes(id)) ids.push(id);
    }
  }
  return RUNTIME_IDS.filter((id) => ids.includes(id));
}
