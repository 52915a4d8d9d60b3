// Shared fixtures for the IR tests: a stand-in function prototype and a builder whose
// trace already has a snapshot, so guards can be emitted at once.

import { FunctionProto, type ModuleInfo } from "../../src/interp/bytecode";
import { IrBuilder } from "../../src/ir/builder";
import { newTrace, type Trace } from "../../src/ir/trace";

const MODULE: ModuleInfo = { file: "t.ruff", index: 0, globalNames: [], exports: null, main: null };

export function proto(name: string): FunctionProto {
  return new FunctionProto(name, 0, MODULE);
}

export const MAIN = proto("main");

/** A builder on a fresh root trace of MAIN at pc 12; by default snapshot 0 (pc 12, no slots) is current. */
export function builder(initialSnapshot = true): IrBuilder {
  const b = new IrBuilder(newTrace("root", MAIN, 12));
  if (initialSnapshot) b.snapshot([{ proto: MAIN, base: 0, pc: 12, slots: [] }]);
  return b;
}

/** Opcode names of a trace's instructions, in order. */
export function opNames(trace: Trace, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let r = 1; r < trace.end; r++) out.push(names[trace.op[r]]);
  return out;
}
