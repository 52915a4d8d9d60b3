// Assembles the native builtins of every area into the table the interpreter installs as
// globals (createBuiltins), plus the PI/E float globals (BUILTIN_CONSTANTS).

import { RNative, type Value } from "../value";
import { arrayBuiltins } from "./arrays";
import { assertionBuiltins } from "./assertions";
import { coreBuiltins } from "./core";
import { dictBuiltins } from "./dicts";
import { fileBuiltins, pathBuiltins } from "./files";
import { jsonBuiltins } from "./json";
import { MATH_CONSTANTS, mathBuiltins } from "./math";
import { stringBuiltins } from "./strings";
import { systemBuiltins } from "./system";
import type { BuiltinHost, NativeSpec } from "./support";
import { timeBuiltins } from "./time";

export type { BuiltinHost, NativeSpec } from "./support";
export { VARIADIC } from "./support";

/** Global non-function values defined before a program runs. */
export const BUILTIN_CONSTANTS: [string, Value][] = [...MATH_CONSTANTS];

function allSpecs(host: BuiltinHost): NativeSpec[] {
  return [
    ...coreBuiltins(host),
    ...mathBuiltins(),
    ...stringBuiltins(),
    ...arrayBuiltins(host),
    ...dictBuiltins(),
    ...jsonBuiltins(),
    ...fileBuiltins(),
    ...pathBuiltins(),
    ...systemBuiltins(host),
    ...timeBuiltins(),
    ...assertionBuiltins(),
  ];
}

/**
 * Every builtin by name. Arity is checked by the caller from minArgs/maxArgs (-1 = no
 * maximum); errors are thrown as RuffError. Each call returns fresh natives (the random
 * generator's seed state lives in them), so two interpreters do not share state.
 */
export function createBuiltins(host: BuiltinHost): Map<string, RNative> {
  const table = new Map<string, RNative>();
  for (const spec of allSpecs(host)) {
    for (const name of spec.names) {
      if (table.has(name)) throw new Error(`builtin defined twice: ${name}`);
      table.set(name, new RNative(name, spec.fn, spec.minArgs, spec.maxArgs));
    }
  }
  return table;
}
