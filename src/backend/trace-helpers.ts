// The JS side of the helpers trace modules import (TRACE_IMPORTS in emit-trace.ts):
// array length, element reads that refuse (NaN / 2) instead of guessing, and element
// writes that refuse (0) on a shared array or a bad index, before any effect; struct
// field reads that refuse unless the struct has the layout the trace saw. A refusal
// makes the trace exit, and the interpreter redoes the operation with full semantics.

import { RArray, RDict, RFloat, RStruct } from "../interp/value";

function items(arr: unknown, i: number): unknown[] | null {
  if (!(arr instanceof RArray)) return null;
  return i >= 0 && i < arr.items.length ? arr.items : null;
}

export const traceHelpers = {
  fmod: (x: number, y: number): number => x % y,
  alen: (arr: unknown): number => (arr as RArray).items.length,
  aget_int(arr: unknown, i: number): number {
    const xs = items(arr, i);
    const v = xs === null ? undefined : xs[i];
    return typeof v === "number" ? v : NaN;
  },
  aget_float(arr: unknown, i: number): number {
    const xs = items(arr, i);
    const v = xs === null ? undefined : xs[i];
    return v instanceof RFloat ? v.v : NaN;
  },
  aget_bool(arr: unknown, i: number): number {
    const xs = items(arr, i);
    const v = xs === null ? undefined : xs[i];
    return v === true ? 1 : v === false ? 0 : 2;
  },
  aset_int(arr: unknown, i: number, v: number): number {
    const xs = items(arr, i);
    if (xs === null || (arr as RArray).shared) return 0;
    xs[i] = v;
    return 1;
  },
  aset_float(arr: unknown, i: number, v: number): number {
    const xs = items(arr, i);
    if (xs === null || (arr as RArray).shared) return 0;
    xs[i] = new RFloat(v);
    return 1;
  },
  dget_int(d: unknown, k: number): number {
    const v = (d as RDict).map.get(k);
    return typeof v === "number" ? v : NaN;
  },
  dget_float(d: unknown, k: number): number {
    const v = (d as RDict).map.get(k);
    return v instanceof RFloat ? v.v : NaN;
  },
  dget_bool(d: unknown, k: number): number {
    const v = (d as RDict).map.get(k);
    return v === true ? 1 : v === false ? 0 : 2;
  },
  dset_int(d: unknown, k: number, v: number): number {
    if ((d as RDict).shared) return 0;
    (d as RDict).map.set(k, v);
    return 1;
  },
  dset_float(d: unknown, k: number, v: number): number {
    if ((d as RDict).shared) return 0;
    (d as RDict).map.set(k, new RFloat(v));
    return 1;
  },
  dset_bool(d: unknown, k: number, v: number): number {
    if ((d as RDict).shared) return 0;
    (d as RDict).map.set(k, v !== 0);
    return 1;
  },
  // `xs = push(xs, v)` in place: refused (before any effect) when xs is shared.
  apush_int(arr: unknown, v: number): number {
    if (!(arr instanceof RArray) || arr.shared) return 0;
    arr.items.push(v);
    return 1;
  },
  apush_float(arr: unknown, v: number): number {
    if (!(arr instanceof RArray) || arr.shared) return 0;
    arr.items.push(new RFloat(v));
    return 1;
  },
  apush_bool(arr: unknown, v: number): number {
    if (!(arr instanceof RArray) || arr.shared) return 0;
    arr.items.push(v !== 0);
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
  aset_bool(arr: unknown, i: number, v: number): number {
    const xs = items(arr, i);
    if (xs === null || (arr as RArray).shared) return 0;
    xs[i] = v !== 0;
    return 1;
  },
};
