// The kinds of value a recorder ref stands for (its IR type), and how an abort names a
// value of any other kind. A module of its own: recorder.ts, record-calls.ts and
// record-data.ts all need them, and the last two take nothing but types from recorder.ts
// (which imports them).

import { RArray, RDict, RFloat, RStruct, type Value } from "../interp/value";
import { TraceAbort } from "./abort";

/** The value a recorder ref stands for. */
export type Kind = "int" | "float" | "bool" | "ref";

export function kindOf(v: Value): Kind {
  if (typeof v === "number") return "int";
  if (v instanceof RFloat) return "float";
  if (typeof v === "boolean") return "bool";
  if (v instanceof RArray || v instanceof RDict || v instanceof RStruct || typeof v === "string" || Array.isArray(v)) return "ref";
  throw new TraceAbort("nyi_value", `a ${describe(v)} value`);
}

/**
 * The class of a ref-kind value, as entries check it (RefClass). A JS array ("list") is
 * only ever a `for` loop's iterator over a string's characters or a dict's keys.
 */
export function refClassOf(v: Value): "array" | "dict" | "struct" | "string" | "list" {
  return v instanceof RDict ? "dict" : v instanceof RStruct ? "struct" : typeof v === "string" ? "string" : Array.isArray(v) ? "list" : "array";
}

export function describe(v: Value): string {
  return v === null ? "null" : typeof v === "object" ? v.constructor.name : typeof v;
}
