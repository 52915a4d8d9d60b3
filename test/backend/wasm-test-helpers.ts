// Shared helpers for the backend tests: validate a module with V8 and binaryen, instantiate
// it, and build one-function modules quickly.

import { expect } from "vitest";
import { validateWasm } from "../../src/backend/binaryen-tools";
import { CodeWriter, ModuleBuilder, type ValType } from "../../src/backend/wasm-encoder";

/** Asserts that V8 and binaryen (all features) both accept `bytes`. */
export async function expectValid(bytes: Uint8Array): Promise<void> {
  const result = await validateWasm(bytes);
  expect(result.errors).toBe("");
  expect(result.ok).toBe(true);
}

/** Validates, compiles and instantiates; returns the exports. */
export async function instantiate(
  bytes: Uint8Array,
  imports: WebAssembly.Imports = {},
): Promise<Record<string, any>> {
  await expectValid(bytes);
  const module = new WebAssembly.Module(bytes);
  return new WebAssembly.Instance(module, imports).exports as Record<string, any>;
}

/** A module with one exported function "f" whose body `emit` writes. */
export function singleFunctionModule(
  params: readonly ValType[],
  results: readonly ValType[],
  locals: readonly ValType[],
  emit: (code: CodeWriter) => void,
): Uint8Array {
  const builder = new ModuleBuilder();
  const type = builder.addType(params, results);
  const code = new CodeWriter();
  emit(code);
  builder.exportFunction("f", builder.addFunction(type, locals, code));
  return builder.finish();
}

/** Reference signed LEB128 over bigints (slow and obviously right). */
export function referenceSignedLeb(value: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const low = Number(BigInt.asUintN(7, value));
    value >>= 7n;
    const done = (value === 0n && (low & 0x40) === 0) || (value === -1n && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
}

/** Reference unsigned LEB128. */
export function referenceUnsignedLeb(value: bigint): number[] {
  const out: number[] = [];
  do {
    const low = Number(value & 0x7fn);
    value >>= 7n;
    out.push(value === 0n ? low : low | 0x80);
  } while (value !== 0n);
  return out;
}
