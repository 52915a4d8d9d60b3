// The JS side of the helpers trace modules import (TRACE_IMPORTS in emit-body.ts):
// array length, element reads that refuse (NaN / 2) instead of guessing, and element
// writes that refuse (0) on a shared array or a bad index, before any effect; struct
// field reads that refuse unless the struct has the layout the trace saw. Those that can
// refuse check the class of the object they are given too (a slot the trace saw holding
// a dict may hold a string in another iteration: the trace then exits). A refusal
// makes the trace exit, and the interpreter redoes the operation with full semantics.

import { RArray, RDict, RFloat, RNative, RStruct, cloneArray, share, type StructLayout, type Value } from "../interp/value";
import { IrType } from "../ir/ops";
import { dictKeyOf } from "../interp/dict";
import { formatValue } from "../interp/format";
import { cpAt, cpCompare, cpLength } from "../interp/strings";
import { iterationSource } from "../interp/access";
import { HANDLE_FIELDS, HANDLE_SCRATCH, type ElemKind, type PackedHeap } from "../interp/packed";

/**
 * The string constants traces use (kstr's pool), each once. Process-wide and never
 * shrinking: a program has finitely many string constants.
 */
const STRING_POOL: string[] = [];
const STRING_INDEX = new Map<string, number>();

/** Put every pooled string constant into the table (entry i: constant i), growing it as needed. */
export function syncStringTable(table: WebAssembly.Table): void {
  const from = table.length;
  if (from >= STRING_POOL.length) return;
  table.grow(STRING_POOL.length - from);
  for (let i = from; i < STRING_POOL.length; i++) table.set(i, STRING_POOL[i]);
}

/** The pool index of string constant s (kstr(i) returns it). */
export function internString(s: string): number {
  let i = STRING_INDEX.get(s);
  if (i === undefined) STRING_INDEX.set(s, (i = STRING_POOL.push(s) - 1));
  return i;
}

/**
 * The builtins traces call through helpers (native_*), each once, by index: a trace
 * passes the index, as wasm has no value for a JS object constant. Process-wide, like
 * the string pool (a program has finitely many builtins).
 */
const NATIVE_POOL: RNative[] = [];

/**
 * The structs traces allocate (NEWSTRUCT), each layout with its fields' IR types once, by
 * index: make_struct reads the fields as these types. Process-wide, like the pools above.
 */
const STRUCT_SHAPES: { layout: StructLayout; types: readonly number[] }[] = [];
const STRUCT_SHAPE_INDEX = new Map<StructLayout, Map<string, number>>();

/** The index of the shape of a struct of layout with fields of IR types `types` (make_struct's first argument). */
export function structShapeIndex(layout: StructLayout, types: readonly number[]): number {
  let byTypes = STRUCT_SHAPE_INDEX.get(layout);
  if (byTypes === undefined) STRUCT_SHAPE_INDEX.set(layout, (byTypes = new Map()));
  const key = types.join(",");
  let i = byTypes.get(key);
  if (i === undefined) byTypes.set(key, (i = STRUCT_SHAPES.push({ layout, types }) - 1));
  return i;
}

/** The pool index of builtin fn (the native_* helpers call NATIVE_POOL[i]). */
export function nativeIndex(fn: RNative): number {
  const i = NATIVE_POOL.indexOf(fn);
  return i >= 0 ? i : NATIVE_POOL.push(fn) - 1;
}

/** The value of dict d under string key k (undefined: not a dict, not a string, or missing). */
function stringKeyed(d: unknown, k: unknown): Value | undefined {
  return d instanceof RDict && typeof k === "string" ? d.get(dictKeyOf(k)) : undefined;
}

/** d[k] = v for a string key: 1, or 0 (refused, nothing stored) unless d is an unshared dict and k a string. */
function storeStringKeyed(d: unknown, k: unknown, v: Value): number {
  if (!(d instanceof RDict) || d.shared || typeof k !== "string") return 0;
  d.set(dictKeyOf(k), v);
  return 1;
}

/** Whether i indexes an element of arr (an RArray). */
function inBounds(arr: unknown, i: number): arr is RArray {
  return arr instanceof RArray && i >= 0 && i < arr.length;
}

/**
 * The classes an element read of an array of objects or strings (aget_ref, aiter_ref)
 * is asked for, by code (the helper's last argument): it returns only a value of that
 * class, so what consumes it may trust the class as it trusts a checked slot's.
 */
export const ELEMENT_CLASSES = ["array", "dict", "struct", "string"] as const;
const ELEMENT_CLASS_TESTS: readonly ((v: unknown) => boolean)[] = [
  (v) => v instanceof RArray, (v) => v instanceof RDict, (v) => v instanceof RStruct, (v) => typeof v === "string",
];

/** Element i of arr if it is of class code cls (ELEMENT_CLASSES), else null. */
function elementOfClass(arr: unknown, i: number, cls: number): Value | null {
  const v = inBounds(arr, i) ? arr.at(i) : undefined;
  return v !== undefined && ELEMENT_CLASS_TESTS[cls]?.(v) === true ? v : null;
}

/**
 * A pure builtin's result (HELPER_BUILTINS in record-calls.ts) when accept takes it; null
 * when it raised or returned something else: the trace exits and the interpreter calls it
 * again, raising its error.
 */
function callPure(index: number, args: unknown[], accept: (v: Value) => boolean): Value | null {
  const fn = NATIVE_POOL[index];
  if (fn === undefined) return null;
  try {
    const r = fn.fn(args as Value[]);
    return accept(r) ? r : null;
  } catch {
    return null;
  }
}
const isArray = (v: Value): boolean => v instanceof RArray;
const isString = (v: Value): boolean => typeof v === "string";

export const traceHelpers = {
  fmod: (x: number, y: number): number => x % y,
  // ALEN cannot exit: it trusts the class the tree's entry and links keep for the slot.
  alen: (arr: unknown): number => (arr as RArray).length,
  aget_int(arr: unknown, i: number): number {
    const v = inBounds(arr, i) ? arr.at(i) : undefined;
    return typeof v === "number" ? v : NaN;
  },
  aget_float(arr: unknown, i: number): number {
    const v = inBounds(arr, i) ? arr.at(i) : undefined;
    return v instanceof RFloat ? v.v : NaN;
  },
  aget_bool(arr: unknown, i: number): number {
    const v = inBounds(arr, i) ? arr.at(i) : undefined;
    return v === true ? 1 : v === false ? 0 : 2;
  },
  aset_int(arr: unknown, i: number, v: number): number {
    if (!inBounds(arr, i) || arr.shared) return 0;
    arr.put(i, v);
    return 1;
  },
  aset_float(arr: unknown, i: number, v: number): number {
    if (!inBounds(arr, i) || arr.shared) return 0;
    arr.put(i, new RFloat(v));
    return 1;
  },
  dget_int(d: unknown, k: number): number {
    const v = d instanceof RDict ? d.getIntKey(k) : undefined;
    return typeof v === "number" ? v : NaN;
  },
  dget_float(d: unknown, k: number): number {
    const v = d instanceof RDict ? d.getIntKey(k) : undefined;
    return v instanceof RFloat ? v.v : NaN;
  },
  dget_bool(d: unknown, k: number): number {
    const v = d instanceof RDict ? d.getIntKey(k) : undefined;
    return v === true ? 1 : v === false ? 0 : 2;
  },
  dset_int(d: unknown, k: number, v: number): number {
    if (!(d instanceof RDict) || d.shared) return 0;
    d.setIntKey(k, v);
    return 1;
  },
  dset_float(d: unknown, k: number, v: number): number {
    if (!(d instanceof RDict) || d.shared) return 0;
    d.setIntKey(k, new RFloat(v));
    return 1;
  },
  dset_bool(d: unknown, k: number, v: number): number {
    if (!(d instanceof RDict) || d.shared) return 0;
    d.setIntKey(k, v !== 0);
    return 1;
  },
  dget_or_int(d: unknown, k: number, dflt: number): number {
    const v = d instanceof RDict ? d.getIntKey(k) : null;
    return v === undefined ? dflt : typeof v === "number" ? v : NaN;
  },
  dget_or_float(d: unknown, k: number, dflt: number): number {
    const v = d instanceof RDict ? d.getIntKey(k) : null;
    return v === undefined ? dflt : v instanceof RFloat ? v.v : NaN;
  },
  dget_s_or_int(d: unknown, k: unknown, dflt: number): number {
    const v = d instanceof RDict && typeof k === "string" ? d.get(dictKeyOf(k)) : null;
    return v === undefined ? dflt : typeof v === "number" ? v : NaN;
  },
  dget_s_or_float(d: unknown, k: unknown, dflt: number): number {
    const v = d instanceof RDict && typeof k === "string" ? d.get(dictKeyOf(k)) : null;
    return v === undefined ? dflt : v instanceof RFloat ? v.v : NaN;
  },
  // String keys, stored as the interpreter stores them (dictKeyOf: "12" is the int key 12).
  dget_s_int(d: unknown, k: unknown): number {
    const v = stringKeyed(d, k);
    return typeof v === "number" ? v : NaN;
  },
  dget_s_float(d: unknown, k: unknown): number {
    const v = stringKeyed(d, k);
    return v instanceof RFloat ? v.v : NaN;
  },
  dget_s_bool(d: unknown, k: unknown): number {
    const v = stringKeyed(d, k);
    return v === true ? 1 : v === false ? 0 : 2;
  },
  dset_s_int: (d: unknown, k: unknown, v: number): number => storeStringKeyed(d, k, v),
  dset_s_float: (d: unknown, k: unknown, v: number): number => storeStringKeyed(d, k, new RFloat(v)),
  dset_s_bool: (d: unknown, k: unknown, v: number): number => storeStringKeyed(d, k, v !== 0),
  // `xs = push(xs, v)` in place: refused (before any effect) when xs is shared.
  apush_int(arr: unknown, v: number): number {
    if (!(arr instanceof RArray) || arr.shared) return 0;
    arr.append(v);
    return 1;
  },
  apush_float(arr: unknown, v: number): number {
    if (!(arr instanceof RArray) || arr.shared) return 0;
    arr.append(new RFloat(v));
    return 1;
  },
  apush_bool(arr: unknown, v: number): number {
    if (!(arr instanceof RArray) || arr.shared) return 0;
    arr.append(v !== 0);
    return 1;
  },
  sget_int(o: unknown, layout: number, slot: number): number {
    const v = o instanceof RStruct && o.layout.id === layout ? o.values[slot] : undefined;
    return typeof v === "number" ? v : NaN;
  },
  sget_float(o: unknown, layout: number, slot: number): number {
    const v = o instanceof RStruct && o.layout.id === layout ? o.values[slot] : undefined;
    return v instanceof RFloat ? v.v : NaN;
  },
  sget_bool(o: unknown, layout: number, slot: number): number {
    const v = o instanceof RStruct && o.layout.id === layout ? o.values[slot] : undefined;
    return v === true ? 1 : v === false ? 0 : 2;
  },
  // Strings (see src/trace/record-strings.ts): null refuses, and the trace exits.
  kstr: (i: number): unknown => STRING_POOL[i] ?? null,
  sconcat(a: unknown, b: unknown): unknown {
    if (typeof a !== "string" || typeof b !== "string") return null;
    // Past the engine's longest string, refuse: the interpreter then raises the Ruff error
    // ("String too long"). A helper must never throw: the trace's values would be lost.
    try {
      return a + b;
    } catch {
      return null;
    }
  },
  tostr_int: (x: number): unknown => formatValue(x),
  tostr_float: (x: number): unknown => formatValue(new RFloat(x)),
  tostr_bool: (x: number): unknown => formatValue(x !== 0),
  // Elements that are objects or strings, of the class the recording saw: a read (as
  // GETINDEX, which shares nothing), a `for` loop's (as FORITER, which shares the value),
  // and an append (as push, which shares it). null or 0: refused.
  aget_ref: (arr: unknown, i: number, cls: number): unknown => elementOfClass(arr, i, cls),
  aiter_ref(arr: unknown, i: number, cls: number): unknown {
    const v = elementOfClass(arr, i, cls);
    return v === null ? null : share(v);
  },
  apush_ref(arr: unknown, v: unknown): number {
    if (!(arr instanceof RArray) || arr.shared || !(v instanceof RArray || v instanceof RDict || v instanceof RStruct || typeof v === "string")) return 0;
    arr.append(share(v));
    return 1;
  },
  // Builtins of objects and strings (keys, split, join, upper, contains, ...), named by
  // result class and argument count: the first argument is the builtin's pool index.
  native_array1: (fn: number, a: unknown): unknown => callPure(fn, [a], isArray),
  native_array2: (fn: number, a: unknown, b: unknown): unknown => callPure(fn, [a, b], isArray),
  native_string1: (fn: number, a: unknown): unknown => callPure(fn, [a], isString),
  native_string2: (fn: number, a: unknown, b: unknown): unknown => callPure(fn, [a, b], isString),
  native_bool2(fn: number, a: unknown, b: unknown): number {
    const r = callPure(fn, [a, b], (v) => typeof v === "boolean");
    return r === null ? 2 : r === true ? 1 : 0;
  },
  native_int1(fn: number, a: unknown): number {
    const r = callPure(fn, [a], (v) => Number.isSafeInteger(v));
    return r === null ? NaN : (r as number);
  },
  native_int2(fn: number, a: unknown, b: unknown): number {
    const r = callPure(fn, [a, b], (v) => Number.isSafeInteger(v));
    return r === null ? NaN : (r as number);
  },
  // A second holder of an array, dict or struct (an argument, a copy): mark it shared.
  share_obj(o: unknown): number {
    share(o as Value);
    return 1;
  },
  own_array: (a: unknown): unknown => (a instanceof RArray ? (a.shared ? cloneArray(a) : a) : null),
  // A method call's receiver: its layout chose the method, so refuse another; the call
  // makes it a holder (as every argument).
  share_struct(o: unknown, layout: number): number {
    if (!(o instanceof RStruct) || o.layout.id !== layout) return 0;
    share(o);
    return 1;
  },
  str_chars: (s: unknown): unknown => (typeof s === "string" ? iterationSource(s) : null),
  dict_keys: (d: unknown): unknown => (d instanceof RDict ? iterationSource(d) : null),
  list_len: (l: unknown): number => (Array.isArray(l) ? l.length : NaN),
  list_get(l: unknown, i: number): unknown {
    const v = Array.isArray(l) && i >= 0 && i < l.length ? (l[i] as unknown) : undefined;
    return typeof v === "string" ? v : null;
  },
  // Out of range refuses (the interpreter raises the error); char_at gives "" there, and
  // reads the first character at a negative index: that refuses too.
  str_index(s: unknown, i: number): unknown {
    if (typeof s !== "string") return null;
    return cpAt(s, i < 0 ? i + cpLength(s) : i) ?? null;
  },
  char_at(s: unknown, i: number): unknown {
    return typeof s === "string" && i >= 0 ? (cpAt(s, i) ?? "") : null;
  },
  aget_str(arr: unknown, i: number): unknown {
    const v = inBounds(arr, i) ? arr.at(i) : undefined;
    return typeof v === "string" ? v : null;
  },
  slen: (s: unknown): number => (typeof s === "string" ? cpLength(s) : NaN),
  scmp: (a: unknown, b: unknown): number => (typeof a === "string" && typeof b === "string" ? cpCompare(a, b) : NaN),
  seq: (a: unknown, b: unknown): number => (typeof a === "string" && typeof b === "string" ? (a === b ? 1 : 0) : 2),
  aset_bool(arr: unknown, i: number, v: number): number {
    if (!inBounds(arr, i) || arr.shared) return 0;
    arr.put(i, v !== 0);
    return 1;
  },
};

/** The helpers of the JIT whose packed arrays live in heap: traceHelpers and the packing ones. */
export function traceHelpersFor(heap: PackedHeap): typeof traceHelpers & {
  ahandle4(a0: unknown, k0: number, a1: unknown, k1: number, a2: unknown, k2: number, a3: unknown, k3: number): number;
  agrow(entry: number): number;
  make_struct(shape: number, addr: number): unknown;
} {
  const take = (arr: unknown, kind: number): number => {
    heap.takes++;
    return arr instanceof RArray ? arr.pack(heap, kind as ElemKind) : -1;
  };
  const takeInto = (k: number, arr: unknown, kind: number): boolean => {
    if (arr === null) return true;
    const entry = take(arr, kind);
    heap.i32[(HANDLE_SCRATCH >> 2) + k] = entry;
    return entry >= 0;
  };
  return {
    ...traceHelpers,
    ahandle4(a0: unknown, k0: number, a1: unknown, k1: number, a2: unknown, k2: number, a3: unknown, k3: number): number {
      return takeInto(0, a0, k0) && takeInto(1, a1, k1) && takeInto(2, a2, k2) && takeInto(3, a3, k3) ? 1 : 0;
    },
    make_struct(shape: number, addr: number): unknown {
      const { layout, types } = STRUCT_SHAPES[shape];
      const words = heap.f64;
      const values: Value[] = types.map((t, j) => {
        const x = words[(addr >> 3) + j];
        return t === IrType.float ? new RFloat(x) : t === IrType.bool ? x !== 0 : x;
      });
      return new RStruct(layout, values);
    },
    agrow(entry: number): number {
      return heap.regrow(entry, Math.max(4, 2 * heap.i32[(entry >> 2) + HANDLE_FIELDS.len / 4])) ? 1 : 0;
    },
  };
}
