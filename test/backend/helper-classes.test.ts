// HELPER_RESULT_CLASS and helperResultClass (src/backend/emit-body.ts) are trusted: links
// pass a helper's ref result to a tree that checks that class nowhere else. Each helper
// that returns a ref is called here on valid inputs, and what it returns must be of the
// class the table gives it (or null: a refusal).

import { describe, expect, it } from "vitest";
import { HELPER_RESULT_CLASS, TRACE_IMPORTS, type ImportName } from "../../src/backend/emit-body";
import { ELEMENT_CLASSES, internString, nativeIndex, structShapeIndex, traceHelpersFor } from "../../src/backend/trace-helpers";
import { IrType } from "../../src/ir/ops";
import { PackedHeap } from "../../src/interp/packed";
import { RArray, RDict, RNative, RStruct, layoutFor, share, type Value } from "../../src/interp/value";
import { refClassOf } from "../../src/trace/record-kind";
import { createBuiltins } from "../../src/interp/builtins";

const heap = new PackedHeap();
const helpers = traceHelpersFor(heap) as unknown as Record<ImportName, (...args: unknown[]) => unknown>;
const builtins = createBuiltins({} as never);
const native = (name: string): number => nativeIndex(builtins.get(name) as RNative);

/** Valid arguments for every helper whose result is a ref (a call of each must be listed). */
const CALLS: Partial<Record<ImportName, unknown[][]>> = {
  kstr: [[internString("abc")]],
  sconcat: [["a", "b"]],
  tostr_int: [[42]],
  tostr_float: [[1.5]],
  tostr_bool: [[1]],
  aget_str: [[new RArray(["x", "y"]), 1]],
  str_index: [["héllo", 1], ["h🎉llo", -4]],
  char_at: [["h🎉llo", 1], ["abc", 7]],
  str_chars: [["héllo"]],
  dict_keys: [[new RDict()]],
  list_get: [[["a", "b"], 0]],
  native_array1: [[native("keys"), new RDict()]],
  native_array2: [[native("split"), "a,b", ","]],
  native_string1: [[native("upper"), "abc"]],
  native_string2: [[native("join"), new RArray(["a", "b"]), "-"]],
  own_array: [[new RArray([1])], [share(new RArray([1, 2])) as RArray]],
  make_struct: [makeStructCall()],
};

/** make_struct's arguments for a struct of two floats whose fields are in the heap's memory at byte 64. */
function makeStructCall(): unknown[] {
  const layout = layoutFor("P", ["x", "y"]);
  heap.f64[8] = 1.5;
  heap.f64[9] = 2.5;
  return [structShapeIndex(layout, [IrType.float, IrType.float]), 64];
}

describe("helpers returning refs return the class their table row says", () => {
  it("every ref-returning helper is listed here, and returns its class (HELPER_RESULT_CLASS)", () => {
    const refHelpers = (Object.keys(TRACE_IMPORTS) as ImportName[]).filter((n) => TRACE_IMPORTS[n][1][0] === "externref");
    for (const name of refHelpers) {
      if (name === "aget_ref" || name === "aiter_ref") continue; // class by argument: below
      expect(HELPER_RESULT_CLASS[name], `${name} has no row`).toBeDefined();
      const calls = CALLS[name];
      expect(calls, `${name} is not called by this test`).toBeDefined();
      for (const args of calls!) {
        const r = helpers[name](...args) as Value;
        expect(r, `${name} refused valid arguments`).not.toBeNull();
        expect(Array.isArray(r) ? "list" : refClassOf(r), name).toBe(HELPER_RESULT_CLASS[name]);
      }
    }
  });

  it("aget_ref and aiter_ref return only an element of the class asked for (ELEMENT_CLASSES), else null", () => {
    const elements: Value[] = [new RArray([1]), new RDict(), new RStruct({ id: 0, name: "P", fields: [], index: new Map() } as never, []), "s"];
    const arr = new RArray(elements);
    ELEMENT_CLASSES.forEach((cls, code) => {
      elements.forEach((e, i) => {
        for (const name of ["aget_ref", "aiter_ref"] as const) {
          const r = helpers[name](arr, i, code);
          if (refClassOf(e) === cls) expect(r).toBe(e);
          else expect(r, `${name} of a ${refClassOf(e)} as ${cls}`).toBeNull();
        }
      });
    });
  });
});
