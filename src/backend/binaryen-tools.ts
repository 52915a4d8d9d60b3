// Test and debug tools over binaryen: validate a wasm binary, print it as WAT.
// NEVER import this from a normal run path: loading binaryen costs ~300 ms and slows all other
// wasm in the process while V8 tiers it up. Only tests and `--trace-log=wasm` may use it.
// Bundling: keep "binaryen" external (esbuild cannot put its top-level await into CJS output).

import { setFlagsFromString } from "node:v8";

type Binaryen = typeof import("binaryen").default;

/** V8's default in Node 20; see notes/wasm-on-node20.md, implication 8. */
const DEFAULT_WASM_TIERING_BUDGET = 1_800_000;

let binaryenLoading: Promise<Binaryen> | undefined;
/** Where binaryen's console output goes while `captureStdio` runs; undefined = the console. */
let outputSink: ((text: string) => void) | undefined;

/**
 * binaryen, loaded on first use with a dynamic import (so merely importing this file is cheap).
 * - binaryen binds console.log/console.error when it loads, so they are swapped for trampolines
 *   during the import: its messages can then be captured (vitest's console is asynchronous).
 * - It loads under a huge wasm tiering budget, so V8 keeps binaryen itself on Liftoff instead of
 *   tiering it up in the background, which was measured to slow every trace 3-20x meanwhile.
 */
export function loadBinaryen(): Promise<Binaryen> {
  binaryenLoading ??= (async () => {
    const { log, error } = console;
    const route = (original: (...args: unknown[]) => void) => (...args: unknown[]) => {
      if (outputSink) outputSink(`${args.join(" ")}\n`);
      else original.apply(console, args);
    };
    console.log = route(log);
    console.error = route(error);
    setFlagsFromString("--wasm-tiering-budget=2000000000");
    try {
      // Under the launcher (a vm.Script) import() goes through its hook (src/cli/launch.ts).
      const hook = (globalThis as { ruffImport?: (specifier: string) => Promise<{ default: Binaryen }> }).ruffImport;
      return (hook ? await hook("binaryen") : await import("binaryen")).default;
    } finally {
      setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_WASM_TIERING_BUDGET}`);
      console.log = log;
      console.error = error;
    }
  })();
  return binaryenLoading;
}

export interface WasmValidation {
  ok: boolean;
  /** Empty when ok; otherwise V8's compile error or binaryen's validator messages. */
  errors: string;
}

/**
 * Validates with V8 first (`new WebAssembly.Module`, which also rejects anything this Node
 * cannot run), then with binaryen's validator with every feature enabled. Binaryen is only
 * asked about binaries V8 could decode, because its parser aborts on malformed input.
 */
export async function validateWasm(bytes: Uint8Array): Promise<WasmValidation> {
  try {
    new WebAssembly.Module(bytes);
  } catch (error) {
    return { ok: false, errors: `V8: ${(error as Error).message}` };
  }
  return validateWithBinaryen(bytes);
}

/** binaryen's validator alone (all features). Malformed binaries make binaryen's parser abort. */
export async function validateWithBinaryen(bytes: Uint8Array): Promise<WasmValidation> {
  const binaryen = await loadBinaryen();
  let module: ReturnType<Binaryen["readBinary"]> | undefined;
  const { result, output } = captureStdio(() => {
    module = binaryen.readBinary(bytes);
    module.setFeatures(binaryen.Features.All);
    return module.validate();
  });
  module?.dispose();
  if (result instanceof Error) return { ok: false, errors: `binaryen: ${result.message}\n${output}`.trim() };
  return result ? { ok: true, errors: "" } : { ok: false, errors: `binaryen: ${output}`.trim() };
}

/** The module as WebAssembly text (binaryen's printer; stack code is shown folded). */
export async function toWat(bytes: Uint8Array): Promise<string> {
  const binaryen = await loadBinaryen();
  let module: ReturnType<Binaryen["readBinary"]> | undefined;
  const { result, output } = captureStdio(() => {
    module = binaryen.readBinary(bytes);
    module.setFeatures(binaryen.Features.All);
    return module.emitText();
  });
  module?.dispose();
  if (result instanceof Error) throw new Error(`binaryen could not read the module: ${result.message}\n${output}`);
  return result;
}

/**
 * Runs `action` with binaryen's console output and process stdout/stderr captured.
 * A throw is returned as an Error (binaryen throws non-Error values on aborts).
 */
function captureStdio<T>(action: () => T): { result: T | Error; output: string } {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
    return true;
  };
  outputSink = capture;
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  let result: T | Error;
  try {
    result = action();
  } catch (thrown) {
    result = thrown instanceof Error ? thrown : new Error(`binaryen aborted (${String(thrown)})`);
  } finally {
    outputSink = undefined;
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return { result, output: chunks.join("") };
}
