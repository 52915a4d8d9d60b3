// Test support for the builtins: a fake BuiltinHost that records output, a caller that
// checks arity like the interpreter, value constructors, and a plain-JS view of values.

import { expect } from "vitest";
import { createBuiltins, type BuiltinHost } from "../../src/interp/builtins/index";
import { formatValue } from "../../src/interp/format";
import type { FunctionProto } from "../../src/interp/bytecode";
import {
  RArray,
  RFloat,
  RFunction,
  RNative,
  RStruct,
  RTagged,
  RuffError,
  layoutFor,
  type Value,
  dictFromText,
} from "../../src/interp/value";

export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface FakeHost extends BuiltinHost {
  stdout: string[];
  stderr: string[];
  stdin: string[];
  calls: Value[][];
}

export function makeHost(scriptArgs: string[] = []): FakeHost {
  const host: FakeHost = {
    stdout: [],
    stderr: [],
    stdin: [],
    calls: [],
    scriptArgs,
    call(fn, args) {
      host.calls.push(args);
      if (!(fn instanceof RNative)) throw new Error("fake host calls natives only");
      return fn.fn(args);
    },
    out: (text) => host.stdout.push(text),
    err: (text) => host.stderr.push(text),
    exit(code): never {
      throw new ExitSignal(code);
    },
    readLine: () => host.stdin.shift() ?? null,
  };
  return host;
}

export function makeCaller(host: FakeHost = makeHost()) {
  const table = createBuiltins(host);
  return (name: string, ...args: Value[]): Value => {
    const fn = table.get(name);
    if (fn === undefined) throw new Error(`no builtin ${name}`);
    expect(args.length).toBeGreaterThanOrEqual(fn.minArgs);
    if (fn.maxArgs >= 0) expect(args.length).toBeLessThanOrEqual(fn.maxArgs);
    return fn.fn(args);
  };
}

/** A "user function" for higher-order builtins (the fake host calls natives). */
export function lambda(body: (...args: Value[]) => Value): RNative {
  return new RNative("<lambda>", (args) => body(...args), 0, -1);
}

export const f = (x: number) => new RFloat(x);
export const arr = (...items: Value[]) => new RArray(items);
export const dict = (entries: [string, Value][]) => dictFromText(entries);
export const struct = (name: string, entries: [string, Value][]) =>
  new RStruct(layoutFor(name, entries.map(([k]) => k)), entries.map(([, v]) => v));
export const ok = (v: Value) => new RTagged("Ok", v);

/** Printed form: the quickest way to assert on a whole value. */
export const show = formatValue;

export function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (e) {
    if (e instanceof RuffError) return e.message;
    throw e;
  }
  throw new Error("expected a RuffError");
}

/** The float inside an RFloat result (fails if the result is not a float). */
export function floatOf(v: Value): number {
  expect(v).toBeInstanceOf(RFloat);
  return (v as RFloat).v;
}

/** A user-function value for formatting/equality tests (only proto.name is read). */
export function userFunction(name: string): RFunction {
  return new RFunction({ name, arity: 0 } as unknown as FunctionProto, []);
}
