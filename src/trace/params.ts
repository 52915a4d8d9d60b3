// JIT parameters: one typed table (LuaJIT's JIT_PARAMDEF), settable from the command
// line with `--jit-param NAME=VALUE`. Names, defaults, limits and docs are data here;
// everything else (parsing, help text, the runtime record) is derived from it.

const PARAM_TABLE = [
  ["hotloop", 56, 1, 65535, "loop back-edges before a loop trace is recorded"],
  ["hotcall", 112, 1, 65535, "calls of a function before its entry trace is recorded"],
  ["hotexit", 10, 1, 65535, "times a side exit is taken before a side trace is recorded"],
  ["hotstub", 16, 0, 65535, "times a tree is entered, or an exit site's record written back, by generic JS before JS is generated for it (new Function, compiled cold: 0.1-0.5 ms each)"],
  ["maxrecord", 4000, 10, 100000, "IR instructions a trace may hold before recording aborts"],
  ["maxsnap", 500, 1, 10000, "snapshots a trace may hold"],
  ["maxside", 100, 0, 10000, "side traces one root trace may grow"],
  ["maxbytes", 262144, 1024, 1 << 28, "bytes of wasm a tree may compile to: a recording that would make it larger aborts (trace_too_long) and the tree stays as it was (exits storing many live objects make megabytes, which V8 runs slowly and compiles for seconds)"],
  ["tryside", 4, 1, 100, "recording attempts per side exit before it is left to the interpreter"],
  ["loopunroll", 15, 0, 1000, "iterations of loops inside inlined calls (or an entry trace's function) a trace may unroll when it cannot run the loop's tree (CALLL); a longer loop aborts the recording (LuaJIT's loopunroll)"],
  ["recunroll", 1, 0, 100, "times a recursive call is inlined before it calls the entry trace (2 unrolls fib into many hot leaf exits)"],
  ["peel", 0, 0, 1, "1: a loop trace runs one iteration before LOOP, so the loop reuses what holds in every iteration (LuaJIT's -Oloop); off by default: its second exit per guard grows twin side traces, and each recompiles the tree"],
  ["tierloop", 4096, 0, 1 << 30, "iterations of a loop tree between calls of itself, where V8 switches it to optimised code (0: never)"],
  ["maxblacklist", 10, 1, 1000, "aborts of one start point before it is blacklisted"],
  ["packreset", 64, 1, 1024, "MiB of packed array elements before the JIT's heap is recycled (every array copied out)"],
  ["strict", 0, 0, 1, "1: an internal JIT error ends the run (for tests) instead of falling back to the interpreter"],
] as const satisfies readonly (readonly [string, number, number, number, string])[];

export type JitParamName = (typeof PARAM_TABLE)[number][0];
export type JitParams = Record<JitParamName, number>;

export const JIT_PARAM_NAMES: readonly JitParamName[] = PARAM_TABLE.map((row) => row[0]);

export function defaultJitParams(): JitParams {
  return Object.fromEntries(PARAM_TABLE.map((row) => [row[0], row[1]])) as JitParams;
}

/** Apply one `NAME=VALUE` setting; returns an error message for bad input. */
export function setJitParam(params: JitParams, setting: string): string | null {
  const eq = setting.indexOf("=");
  if (eq < 0) return `--jit-param expects NAME=VALUE, got '${setting}'`;
  const name = setting.slice(0, eq);
  const text = setting.slice(eq + 1);
  const row = PARAM_TABLE.find((r) => r[0] === name);
  if (!row) return `unknown JIT parameter '${name}' (known: ${JIT_PARAM_NAMES.join(", ")})`;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < row[2] || value > row[3]) {
    return `JIT parameter ${name} must be an integer from ${row[2]} to ${row[3]}, got '${text}'`;
  }
  params[name as JitParamName] = value;
  return null;
}

/** Help lines for `ruff --help`. */
export function jitParamHelp(): string[] {
  return PARAM_TABLE.map(([name, def, , , doc]) => `  ${`${name}=${def}`.padEnd(18)} ${doc}`);
}
