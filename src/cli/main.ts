// The `ruff` command: argument parsing, `run` and `check`, diagnostics and exit codes
// (0 ok, 2 usage, 3 lex/parse error, 4 runtime error, 5 I/O error, 6 internal error).

import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseProgram } from "../frontend/parser";
import { ParseError } from "../frontend/parse-error";
import { Compiler, CompileError, type CompiledProgram } from "../frontend/compiler";
import { disassemble } from "../interp/bytecode";
import { Interpreter } from "../interp/interpreter";
import { RuffError } from "../interp/value";
import { ProgramExit, formatRuntimeError } from "../interp/errors";
import { OutputBuffer, writeAllSync } from "./output";
import type * as A from "../frontend/ast";
import { defaultJitParams, jitParamHelp, setJitParam, type JitParams } from "../trace/params";
import { LazyJit } from "./lazy-jit";
import { TraceLog, traceLogWriter, type TraceLogLevel } from "../trace/log";
import type { CompiledTree } from "../deopt/exits";

export const VERSION = "0.1.0";

export const EXIT = { ok: 0, gate: 1, usage: 2, parse: 3, runtime: 4, io: 5, internal: 6 } as const;

/** The help text (made when asked for: start-up should not format the parameter table). */
const usage = (): string => `Usage: ruff <command> [options] FILE [-- script args]

Commands:
  run FILE       parse, compile and run a Ruff program
  check FILE     parse and compile only (reports syntax errors)

Options:
  --no-jit                 run with the interpreter only
  --jit-param NAME=VALUE   set a JIT parameter (repeatable; see below)
  --trace-log[=LEVEL]      log what the JIT does: summary, events, ir or wasm
  --trace-log-format=F     text (default) or json (JSON Lines)
  --trace-log-file=PATH    write the trace log to PATH instead of stderr
  --max-depth N            call depth limit (default 10000)
  --disassemble            print the bytecode before running (run) or instead (check)
  -h, --help               show this help
  -v, --version            show the version

JIT parameters (defaults):
${jitParamHelp().join("\n")}

Exit codes: 0 ok, 2 usage, 3 syntax error, 4 runtime error, 5 I/O error, 6 internal error.
`;

const TRACE_LOG_LEVELS = ["summary", "events", "ir", "wasm"];

interface CliOptions {
  command: "run" | "check";
  file: string;
  jit: boolean;
  jitParams: JitParams;
  traceLog: string | null;
  traceLogFormat: "text" | "json";
  traceLogFile: string | null;
  maxDepth: number;
  disassemble: boolean;
  scriptArgs: string[];
}

class UsageError extends Error {}

/** Thrown by the `exit` builtin: unwinds everything, then the process exits. */
class ExitRequest extends ProgramExit {}

function parseArgs(argv: string[]): CliOptions | "help" | "version" {
  const opts: CliOptions = {
    command: "run", file: "", jit: true, jitParams: defaultJitParams(), traceLog: null, traceLogFormat: "text", traceLogFile: null,
    maxDepth: 10000, disassemble: false, scriptArgs: [],
  };
  let command: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      opts.scriptArgs = argv.slice(i + 1);
      break;
    }
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "-v" || arg === "--version") return "version";
    if (arg === "--no-jit") opts.jit = false;
    else if (arg === "--disassemble") opts.disassemble = true;
    else if (arg === "--max-depth" || arg.startsWith("--max-depth=")) {
      const text = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-depth needs a positive integer, got '${text ?? ""}'`);
      opts.maxDepth = n;
    } else if (arg === "--jit-param" || arg.startsWith("--jit-param=")) {
      const setting = arg === "--jit-param" ? argv[++i] : arg.slice("--jit-param=".length);
      const error = setting === undefined ? "--jit-param needs NAME=VALUE" : setJitParam(opts.jitParams, setting);
      if (error) throw new UsageError(error);
    } else if (arg === "--trace-log" || arg.startsWith("--trace-log=")) {
      const level = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : "summary";
      if (!TRACE_LOG_LEVELS.includes(level)) throw new UsageError(`--trace-log level must be one of ${TRACE_LOG_LEVELS.join(", ")}, got '${level}'`);
      opts.traceLog = level;
    } else if (arg.startsWith("--trace-log-format=")) {
      const format = arg.slice("--trace-log-format=".length);
      if (format !== "text" && format !== "json") throw new UsageError(`--trace-log-format must be text or json, got '${format}'`);
      opts.traceLogFormat = format;
    } else if (arg.startsWith("--trace-log-file=")) {
      opts.traceLogFile = arg.slice("--trace-log-file=".length);
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option '${arg}'`);
    else if (command === null) command = arg;
    else if (opts.file === "") opts.file = arg;
    else opts.scriptArgs.push(arg);
  }
  if (command === null) throw new UsageError("missing command");
  if (command !== "run" && command !== "check") throw new UsageError(`unknown command '${command}'`);
  if (opts.file === "") throw new UsageError(`'${command}' needs a FILE`);
  opts.command = command;
  return opts;
}

function sourceLine(source: string, line: number): string {
  return source.split(/\r\n|\r|\n/)[line - 1] ?? "";
}

export function formatParseError(err: ParseError, file: string, source: string): string {
  const out: string[] = [];
  for (const d of err.diagnostics) {
    const text = sourceLine(source, d.line);
    const gutter = " ".repeat(String(d.line).length);
    const caretPad = Array.from(text).slice(0, Math.max(0, d.col - 1)).map((ch) => (ch === "\t" ? "\t" : " ")).join("");
    const lexical = d.lexerCode !== undefined;
    out.push(
      lexical ? `[${d.lexerCode}] [lexer] error: ${d.message}` : `[RUFPARSE001] [parser] error: ${d.message}`,
      `  --> ${file}:${d.line}:${d.col}`,
      `${gutter} |`,
      `${d.line} | ${text}`,
      `${gutter} | ${caretPad}^`,
      lexical ? `  = help: Fix the lexical error in source and run again.` : `  = help: Fix the parse error and rerun Ruff.`,
    );
  }
  return out.join("\n") + "\n";
}

class SourceFailure extends Error {
  constructor(readonly exitCode: number, readonly diagnostic: string) {
    super(diagnostic);
  }
}

function readSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : String(code);
    throw new SourceFailure(EXIT.io, `[RUFIO001] [io] error: cannot read '${file}': ${reason}\n`);
  }
}

function parseFile(file: string): A.Program {
  const source = readSource(file);
  try {
    return parseProgram(source, file);
  } catch (e) {
    if (e instanceof ParseError) throw new SourceFailure(EXIT.parse, formatParseError(e, file, source));
    throw e;
  }
}

function loadModule(segments: string[], fromFile: string): A.Program {
  const dir = dirname(fromFile);
  const candidates = [join(dir, ...segments) + ".ruff", join(dir, segments.join(".") + ".ruff")];
  for (const candidate of candidates) {
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return parseFile(candidate);
  }
  throw new SourceFailure(EXIT.runtime, `[RUFVM001] [vm] Runtime Error: Module not found: ${segments.join(".")}\n  --> ${fromFile}\n`);
}

function compile(file: string): CompiledProgram {
  const compiler = new Compiler(loadModule);
  compiler.compileModule(parseFile(file));
  return compiler.program;
}

export function main(argv: string[]): number {
  const stdout = new OutputBuffer(1);
  const stderrText = (text: string): void => {
    stdout.flush();
    writeAllSync(2, Buffer.from(text, "utf8"));
  };
  let opts: CliOptions;
  try {
    const parsed = parseArgs(argv);
    if (parsed === "help") {
      stdout.write(usage());
      stdout.flush();
      return EXIT.ok;
    }
    if (parsed === "version") {
      stdout.write(`ruff ${VERSION} (TypeScript runtime)\n`);
      stdout.flush();
      return EXIT.ok;
    }
    opts = parsed;
  } catch (e) {
    if (e instanceof UsageError) {
      stderrText(`error: ${e.message}\n\n${usage()}`);
      return EXIT.usage;
    }
    throw e;
  }

  let finishLog = (): void | Promise<void> => {};
  try {
    const program = compile(opts.file);
    if (opts.disassemble) {
      for (const m of program.modules) stdout.write(disassemble(m.main!).join("\n") + "\n");
      for (const [struct, table] of program.methods) for (const proto of table.values()) stdout.write(`; method of ${struct}\n` + disassemble(proto).join("\n") + "\n");
    }
    if (opts.command === "check") {
      stdout.flush();
      return EXIT.ok;
    }
    const traceLog = opts.jit && opts.traceLog !== null
      ? new TraceLog(opts.traceLog as TraceLogLevel, opts.traceLogFormat, traceLogWriter(opts.traceLogFile, (text) => stderrText(text)))
      : null;
    const jit = opts.jit ? new LazyJit(opts.jitParams, traceLog) : null;
    finishLog = () => {
      if (traceLog === null) return;
      // WAT comes from binaryen, loaded only for this level and only now, after the run.
      const compiled = jit?.loaded?.compiled ?? [];
      if (!traceLog.wants("wasm") || compiled.length === 0) return traceLog.finish();
      return dumpWasm(compiled, traceLog).then(() => traceLog.finish());
    };
    const interp = new Interpreter(program, {
      jit,
      maxDepth: opts.maxDepth,
      scriptArgs: opts.scriptArgs,
      out: (text) => stdout.write(text),
      err: (text) => stderrText(text),
      exit: (code) => {
        throw new ExitRequest(code);
      },
      readLine: () => readStdinLine(),
    });
    interp.runMain();
    stdout.flush();
    finishLog();
    return EXIT.ok;
  } catch (e) {
    stdout.flush();
    finishLog();
    if (e instanceof ExitRequest) {
      stdout.flush();
      return e.code;
    }
    if (e instanceof SourceFailure) {
      stderrText(e.diagnostic);
      return e.exitCode;
    }
    if (e instanceof CompileError) {
      stderrText(`[RUFVM001] [vm] error: Compilation error: ${e.message}\n  --> ${e.file}:${e.line}:${e.col}\n`);
      return EXIT.runtime;
    }
    if (e instanceof RuffError) {
      stderrText(formatRuntimeError(e));
      return EXIT.runtime;
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      stderrText(`[RUFVM001] [vm] error: Compilation error: expressions nest too deeply to compile\n  --> ${opts.file}\n`);
      return EXIT.runtime;
    }
    const message = e instanceof Error ? e.message : String(e);
    stderrText(`[RUFINTERNAL] internal error: ${message}\n` + (process.env.RUFF_DEBUG === "1" && e instanceof Error ? `${e.stack}\n` : "  (set RUFF_DEBUG=1 for the stack trace)\n"));
    return EXIT.internal;
  }
}

/** The final code of every compiled tree, as WebAssembly text, into the trace log. */
async function dumpWasm(compiled: readonly CompiledTree[], log: TraceLog): Promise<void> {
  const { toWat } = await import("../backend/binaryen-tools");
  for (const c of compiled) {
    let text: string;
    try {
      text = await toWat(c.bytes);
    } catch (e) {
      text = `(binaryen could not print it: ${e instanceof Error ? e.message : String(e)})`;
    }
    log.detail("wasm", `tree ${c.tree.root.id} wasm (${c.bytes.length} bytes)`, text);
  }
}

let stdinBuffer: Buffer | null = null;
let stdinOffset = 0;

function readStdinLine(): string | null {
  if (stdinBuffer === null) {
    try {
      stdinBuffer = readFileSync(0);
    } catch {
      stdinBuffer = Buffer.alloc(0);
    }
  }
  if (stdinOffset >= stdinBuffer.length) return null;
  let end = stdinBuffer.indexOf(10, stdinOffset);
  if (end < 0) end = stdinBuffer.length;
  const line = stdinBuffer.toString("utf8", stdinOffset, end);
  stdinOffset = end + 1;
  return line;
}

process.exitCode = main(process.argv.slice(2));
