// Array builtins (push, pop, slice, sort, map/filter/reduce, range, chunk, zip, ...) and
// the polymorphic contains/index_of/remove/clear, which dispatch on their first argument.
// None mutates its argument; elements copied from an argument are marked shared.

import { RArray, RDict, RFloat, share, type Value } from "../value";
import { debugForm } from "../format";
import { dictKey, equals, intArith, isCallable, truthy } from "../ops";
import { cpCompare, cpIndexOf, sortCodePointOrder } from "../strings";
import {
  fail,
  intFromBig,
  i64ToUsize,
  native,
  shareAll,
  toI64,
  usizeText,
  type BuiltinHost,
  type NativeSpec,
} from "./support";

/** Largest array range() builds (beyond this V8 fails with an opaque RangeError). */
export const MAX_RANGE_LENGTH = 2 ** 30;

function requireArray(v: Value, message: string): Value[] {
  if (!(v instanceof RArray)) fail(message);
  return v.items;
}

/** Elements copied out of an argument: each gains a holder. */
function sharedCopy(items: readonly Value[], start = 0, end = items.length): Value[] {
  return shareAll(items.slice(start, end));
}

function pair(a: Value, b: Value): RArray {
  return new RArray([a, b]);
}

/**
 * Element matching for contains/index_of/remove: scalars need the same kind (1 does not
 * find 1.0, floats compare exactly); compound values compare structurally.
 */
function sameElement(x: Value, item: Value): boolean {
  if (typeof x !== "object" || x === null) return x === item;
  if (x instanceof RFloat) return item instanceof RFloat && x.v === item.v;
  if (typeof item !== "object" || item === null || item instanceof RFloat) return false;
  return equals(x, item);
}

function indexOfElement(items: readonly Value[], item: Value): number {
  for (let i = 0; i < items.length; i++) if (sameElement(items[i], item)) return i;
  return -1;
}

function countArg(name: string, label: string, v: Value): number | bigint {
  const n = toI64(v);
  return n === undefined ? fail(`${name}() ${label} must be a number`) : n;
}

// ---------------------------------------------------------------------------
// Sorting

/** Numbers numerically, strings by code point; any other pair is "equal" (keeps order). */
function sortOrder(a: Value, b: Value): number {
  if (typeof a === "string") return typeof b === "string" ? cpCompare(a, b) : 0;
  const x = a instanceof RFloat ? a.v : typeof a === "number" || typeof a === "bigint" ? a : undefined;
  const y = b instanceof RFloat ? b.v : typeof b === "number" || typeof b === "bigint" ? b : undefined;
  if (x === undefined || y === undefined) return 0;
  // int/int compare exactly; a float against a bigint goes through f64 like Rust's `as f64`.
  const [p, q] = typeof x === typeof y ? [x, y] : [Number(x), Number(y)];
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Above this length upstream's sort is no longer a plain insertion sort. */
const INSERTION_SORT_MAX = 20;

function sortValues(items: Value[]): Value[] {
  const allStrings = items.every((v) => typeof v === "string");
  if (allStrings) return sortCodePointOrder(items as string[]);
  const allNumbers = items.every((v) => typeof v === "number");
  if (allNumbers) return (items as number[]).sort((p, q) => p - q);
  if (items.length > INSERTION_SORT_MAX) return items.sort(sortOrder);
  // Mixed kinds make the comparator inconsistent; Rust's stable insertion sort (used
  // for short slices) moves an element left only past elements that compare greater.
  for (let i = 1; i < items.length; i++) {
    const v = items[i];
    let j = i;
    while (j > 0 && sortOrder(v, items[j - 1]) < 0) {
      items[j] = items[j - 1];
      j--;
    }
    items[j] = v;
  }
  return items;
}

// ---------------------------------------------------------------------------
// unique and sum

/** First occurrence of each value; scalars are keyed by debug form like upstream. */
function unique(items: readonly Value[]): Value[] {
  const seenScalars = new Set<string>();
  const keptCompounds: Value[] = [];
  const out: Value[] = [];
  for (const v of items) {
    const compound = typeof v === "object" && v !== null && !(v instanceof RFloat);
    if (compound) {
      if (keptCompounds.some((k) => equals(k, v))) continue;
      keptCompounds.push(v);
    } else {
      const key = debugForm(v);
      if (seenScalars.has(key)) continue;
      seenScalars.add(key);
    }
    out.push(share(v));
  }
  return out;
}

/** Int sum (checked) unless a float appears, then float from that point; others ignored. */
function sum(items: readonly Value[]): Value {
  let intSum: number | bigint = 0;
  let floatSum = 0;
  let sawFloat = false;
  for (const v of items) {
    if (v instanceof RFloat) {
      if (!sawFloat) {
        floatSum = Number(intSum);
        sawFloat = true;
      }
      floatSum += v.v;
    } else if (typeof v === "number" || typeof v === "bigint") {
      if (sawFloat) floatSum += Number(v);
      else intSum = intArith("+", intSum, v);
    }
  }
  return sawFloat ? new RFloat(floatSum) : intSum;
}

// ---------------------------------------------------------------------------
// range

function rangeBound(v: Value): number | bigint {
  const n = toI64(v);
  return n === undefined ? fail("range() requires numeric arguments") : n;
}

function range(args: Value[]): Value[] {
  const bounds = args.map(rangeBound);
  const [start, stop, step] =
    bounds.length === 1 ? [0, bounds[0], 1] : bounds.length === 2 ? [bounds[0], bounds[1], 1] : bounds;
  if (BigInt(step) === 0n) fail("range() step cannot be zero");
  const count = rangeLength(BigInt(start), BigInt(stop), BigInt(step));
  if (count > MAX_RANGE_LENGTH) fail("range() result is too large");
  const out = new Array<Value>(count);
  if (typeof start === "number" && typeof step === "number" && typeof stop === "number") {
    for (let i = 0, v = start; i < count; i++, v += step) out[i] = v;
  } else {
    for (let i = 0; i < count; i++) out[i] = intFromBig(BigInt(start) + BigInt(step) * BigInt(i));
  }
  return out;
}

/**
 * FORRANGE's counted form of `for x in range(first[, second])`: [start, stop] when range would
 * be the ints start, start + 1, .., stop - 1 (one or two int bounds, not too many
 * values), so the loop can count from start to stop without building the array; null
 * when the builtin itself must run (a float or bigint bound, a step, or its error).
 */
export function countedRange(argc: number, first: Value, second: Value): [number, number] | null {
  if (argc !== 1 && argc !== 2) return null;
  const start = argc === 2 ? first : 0;
  const stop = argc === 2 ? second : first;
  if (typeof start !== "number" || typeof stop !== "number" || stop - start > MAX_RANGE_LENGTH) return null;
  return [start, stop];
}

function rangeLength(start: bigint, stop: bigint, step: bigint): number {
  if (step > 0n) return start >= stop ? 0 : Number((stop - start + step - 1n) / step);
  return start <= stop ? 0 : Number((start - stop - step - 1n) / -step);
}

// ---------------------------------------------------------------------------
// Higher-order

function callableArgs(name: string, a: Value[], fnIndex: number): Value[] {
  if (!(a[0] instanceof RArray) || !isCallable(a[fnIndex])) {
    fail(fnIndex === 2 ? `${name} expects an array, an initial value, and a function` : `${name} expects an array and a function`);
  }
  // The builtin walks the array while user code runs: it holds a copy (a value, as any
  // argument is), so the callback's stores to the same variable copy on write instead of
  // changing, or packing away, the elements being walked.
  share(a[0]);
  return a[0].items;
}

function higherOrderBuiltins(host: BuiltinHost): NativeSpec[] {
  const apply = (fn: Value, element: Value): Value => host.call(fn, [share(element)]);
  return [
    native("map", 2, 2, (a) => {
      const items = callableArgs("map", a, 1);
      const out = new Array<Value>(items.length);
      for (let i = 0; i < items.length; i++) out[i] = apply(a[1], items[i]);
      return new RArray(out);
    }),
    native("filter", 2, 2, (a) => {
      const items = callableArgs("filter", a, 1);
      return new RArray(items.filter((v) => truthy(apply(a[1], v))));
    }),
    native("find", 2, 2, (a) => {
      const items = callableArgs("find", a, 1);
      for (const v of items) if (truthy(apply(a[1], v))) return v;
      return 0;
    }),
    native("any", 2, 2, (a) => callableArgs("any", a, 1).some((v) => truthy(apply(a[1], v)))),
    native("all", 2, 2, (a) => callableArgs("all", a, 1).every((v) => truthy(apply(a[1], v)))),
    native("reduce", 3, 3, (a) => {
      const items = callableArgs("reduce", a, 2);
      let accumulator = share(a[1]);
      for (const v of items) accumulator = host.call(a[2], [accumulator, share(v)]);
      return accumulator;
    }),
  ];
}

// ---------------------------------------------------------------------------
// Polymorphic: string / array / dict

function contains(a: Value[]): Value {
  const [subject, item] = a;
  if (subject instanceof RArray) return indexOfElement(subject.items, item) >= 0;
  if (subject instanceof RDict) {
    if (typeof item !== "string" && typeof item !== "number" && typeof item !== "bigint") {
      fail("contains() requires two arguments: string/array and substring/item");
    }
    return subject.has(dictKey(item));
  }
  if (typeof subject === "string") {
    if (typeof item !== "string") fail("contains() requires two arguments: string/array and substring/item");
    return subject.includes(item) ? 1 : 0;
  }
  return fail("contains() first argument must be a string, array, or dictionary");
}

function indexOf(a: Value[]): Value {
  const [subject, item] = a;
  if (subject instanceof RArray) return indexOfElement(subject.items, item);
  if (typeof subject === "string") {
    if (typeof item !== "string") fail("index_of() requires two arguments: string/array and substring/item");
    return cpIndexOf(subject, item);
  }
  return fail("index_of() first argument must be a string or array");
}

function remove(a: Value[]): Value {
  const [subject, item] = a;
  if (subject instanceof RArray) {
    const i = indexOfElement(subject.items, item);
    const copy = sharedCopy(subject.items);
    if (i >= 0) copy.splice(i, 1);
    return new RArray(copy);
  }
  if (subject instanceof RDict && (typeof item === "string" || typeof item === "number" || typeof item === "bigint")) {
    const key = dictKey(item);
    const rest = new RDict();
    for (const [k, v] of subject.entries()) if (k !== key) rest.set(k, share(v));
    return pair(rest, share(subject.get(key) ?? 0));
  }
  return fail("remove() requires an array or dictionary-like value with a valid key/item");
}

// ---------------------------------------------------------------------------

export function arrayBuiltins(host: BuiltinHost): NativeSpec[] {
  return [
    native(["push", "append"], 2, 2, (a) => {
      const items = requireArray(a[0], "push() requires an array as the first argument");
      const copy = sharedCopy(items);
      copy.push(share(a[1]));
      return new RArray(copy);
    }),
    native("pop", 1, 1, (a) => {
      const items = requireArray(a[0], "pop() requires an array argument");
      if (items.length === 0) return pair(new RArray([]), 0);
      return pair(new RArray(sharedCopy(items, 0, items.length - 1)), share(items[items.length - 1]));
    }),
    native("insert", 3, 3, (a) => {
      const items = requireArray(a[0], "insert() requires 3 arguments: array, index, and item");
      const index = countArg("insert", "index", a[1]);
      if (i64ToUsize(index) > items.length) {
        fail(`insert() index ${usizeText(index)} out of bounds for array of length ${items.length}`);
      }
      const copy = sharedCopy(items);
      copy.splice(Number(index), 0, share(a[2]));
      return new RArray(copy);
    }),
    native("remove_at", 2, 2, (a) => {
      const items = requireArray(a[0], "remove_at() requires 2 arguments: array and index");
      const index = countArg("remove_at", "index", a[1]);
      if (i64ToUsize(index) >= items.length) {
        fail(`remove_at() index ${usizeText(index)} out of bounds for array of length ${items.length}`);
      }
      const copy = sharedCopy(items);
      const [removed] = copy.splice(Number(index), 1);
      return pair(new RArray(copy), removed);
    }),
    native("remove", 2, 2, remove),
    native("clear", 1, 1, (a) => {
      if (a[0] instanceof RArray) return new RArray([]);
      if (a[0] instanceof RDict) return new RDict();
      return fail("clear() requires an array or dict argument");
    }),
    native("concat", 2, 2, (a) => {
      if (!(a[0] instanceof RArray) || !(a[1] instanceof RArray)) fail("concat() requires two array arguments");
      return new RArray(shareAll(a[0].items.concat(a[1].items)));
    }),
    native("reverse", 1, 1, (a) => {
      const items = requireArray(a[0], "reverse requires an array argument");
      return new RArray(sharedCopy(items).reverse());
    }),
    native("unique", 1, 1, (a) => new RArray(unique(requireArray(a[0], "unique requires an array argument")))),
    native("sort", 1, 1, (a) => {
      const items = requireArray(a[0], "sort requires an array argument");
      return new RArray(sortValues(sharedCopy(items)));
    }),
    native("sum", 1, 1, (a) => sum(requireArray(a[0], "sum requires an array argument"))),
    native("slice", 3, 3, (a) => {
      const start = sliceBound(a[1], "start");
      const end = sliceBound(a[2], "end");
      const items = requireArray(a[0], "slice() requires array or bytes and numeric start/end arguments");
      const length = items.length;
      const from = Math.min(Math.max(start < 0 ? length + start : start, 0), length);
      const to = Math.min(Math.max(end < 0 ? length + end : end, from), length);
      return new RArray(sharedCopy(items, from, to));
    }),
    native("contains", 2, 2, contains),
    native("index_of", 2, 2, indexOf),
    native("range", 1, 3, (a) => new RArray(range(a))),
    native("chunk", 2, 2, (a) => {
      const items = requireArray(a[0], "chunk() requires 2 arguments: array and size");
      const size = Number(countArg("chunk", "size", a[1]));
      if (size <= 0) return new RArray([new RArray(sharedCopy(items))]);
      const out: Value[] = [];
      for (let i = 0; i < items.length; i += size) out.push(new RArray(sharedCopy(items, i, i + size)));
      return new RArray(out);
    }),
    native("windows", 2, 2, (a) => {
      const items = requireArray(a[0], "windows() requires 2 arguments: array and size");
      const size = Number(countArg("windows", "size", a[1]));
      const out: Value[] = [];
      if (size > 0) {
        for (let i = 0; i + size <= items.length; i++) out.push(new RArray(sharedCopy(items, i, i + size)));
      }
      return new RArray(out);
    }),
    native("flatten", 1, 1, (a) => {
      const items = requireArray(a[0], "flatten() requires an array argument");
      const out: Value[] = [];
      for (const v of items) {
        if (v instanceof RArray) for (const inner of v.items) out.push(share(inner));
        else out.push(share(v));
      }
      return new RArray(out);
    }),
    native("zip", 2, 2, (a) => {
      if (!(a[0] instanceof RArray) || !(a[1] instanceof RArray)) fail("zip() requires 2 array arguments");
      const left = a[0].items;
      const right = a[1].items;
      const n = Math.min(left.length, right.length);
      const out = new Array<Value>(n);
      for (let i = 0; i < n; i++) out[i] = pair(share(left[i]), share(right[i]));
      return new RArray(out);
    }),
    native("enumerate", 1, 1, (a) => {
      const items = requireArray(a[0], "enumerate() requires an array argument");
      return new RArray(items.map((v, i) => pair(i, share(v))));
    }),
    native("take", 2, 2, (a) => {
      const items = requireArray(a[0], "take() requires 2 arguments: array and count");
      const n = Number(countArg("take", "count", a[1]));
      return new RArray(n <= 0 ? [] : sharedCopy(items, 0, Math.min(n, items.length)));
    }),
    native("skip", 2, 2, (a) => {
      const items = requireArray(a[0], "skip() requires 2 arguments: array and count");
      const n = Number(countArg("skip", "count", a[1]));
      return new RArray(sharedCopy(items, n <= 0 ? 0 : Math.min(n, items.length)));
    }),
    ...higherOrderBuiltins(host),
  ];
}

/** slice() bounds: ints, or finite floats truncated. Returned as JS numbers (saturating). */
function sliceBound(v: Value, label: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof RFloat && Number.isFinite(v.v)) return Math.trunc(v.v);
  return fail(`slice() ${label} must be a number`);
}

