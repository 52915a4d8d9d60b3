// Runs Ruff source in-process with the tracing JIT and a JSON trace log, for the
// trace-shape tests: output, the JIT (its compiled trees) and the log's events.

import { parseProgram } from "../../src/frontend/parser";
import { Compiler } from "../../src/frontend/compiler";
import { Interpreter } from "../../src/interp/interpreter";
import { TracingJit } from "../../src/trace/jit";
import { TraceLog } from "../../src/trace/log";
import { defaultJitParams, type JitParams } from "../../src/trace/params";

export interface Run {
  out: string;
  jit: TracingJit;
  events: Record<string, unknown>[];
}

export function run(source: string, params: Partial<JitParams> = {}, maxDepth = 1000): Run {
  const compiler = new Compiler(() => {
    throw new Error("no imports here");
  });
  compiler.compileModule(parseProgram(source, "t.ruff"));
  let logText = "";
  const log = new TraceLog("events", "json", (text) => (logText += text));
  const jit = new TracingJit({ ...defaultJitParams(), ...params }, log);
  let out = "";
  const interp = new Interpreter(compiler.program, {
    jit,
    maxDepth,
    scriptArgs: [],
    out: (t) => (out += t),
    err: () => {},
    exit: () => {
      throw new Error("exit");
    },
    readLine: () => null,
  });
  interp.runMain();
  log.finish();
  const events = logText.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { out, jit, events };
}

export function runWithoutJit(source: string, maxDepth = 1000): string {
  const compiler = new Compiler(() => {
    throw new Error("no imports here");
  });
  compiler.compileModule(parseProgram(source, "t.ruff"));
  let out = "";
  new Interpreter(compiler.program, {
    jit: null, maxDepth, scriptArgs: [], out: (t) => (out += t), err: () => {},
    exit: () => { throw new Error("exit"); }, readLine: () => null,
  }).runMain();
  return out;
}

export const summaryOf = (r: Run) => r.events.find((e) => e.event === "summary") as {
  traces: number;
  exits: { trace: number; exit: number; line: number; count: number }[];
  aborts: { reason: string; count: number }[];
};


/** The log's trace events of one kind (root, side, entry). */
export const tracesOf = (r: Run, kind: string) => r.events.filter((e) => e.event === "trace" && e.kind === kind);

/** The shared suite's sieve (bool array pushes, marking in an inner loop) up to n, printing the count. */
export function sieveSource(n: number): string {
  return `
func sieve(n) {
    mut flags := []
    mut i := 0
    while i <= n {
        flags = push(flags, true)
        i += 1
    }
    mut count := 0
    mut p := 2
    mut m := 0
    while p <= n {
        if flags[p] {
            count += 1
            m = p * p
            while m <= n {
                flags[m] = false
                m += p
            }
        }
        p += 1
    }
    return count
}
print(sieve(${n}))
`;
}

/** A counting loop (an int counter tested against n, an int sum), run for n = 1000. */
export const COUNT_LOOP = `
func f(n) {
    mut total := 0
    mut i := 0
    while i < n {
        total += (i * i) % 7
        i += 1
    }
    return total
}
print(f(1000))
`;
