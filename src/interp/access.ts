// Slow paths of container access shared by the interpreter (and later the JIT's
// helpers): indexing, index/field stores with copy-on-write, iteration snapshots,
// `match` patterns, destructuring. The interpreter inlines only the common cases.

import {
  RArray, RDict, REnum, RFloat, RGenerator, RStruct, RTagged, RuffError,
  cloneArray, cloneDict, cloneStruct, layoutFor, share, typeName, type Value, dictKeyOf, dictKeyTexts
} from "./value";
import { dictKey, missingKeyMessage } from "./ops";
import { cpAt, cpLength } from "./strings";
import { formatFloat } from "./format";

export function indexOutOfBounds(k: Value): RuffError {
  return new RuffError(`Index out of bounds: ${String(k)}`);
}

export function getIndex(o: Value, k: Value): Value {
  if (o instanceof RArray) {
    if (typeof k !== "number" && typeof k !== "bigint") throw new RuffError("Invalid index operation");
    const n = o.length;
    let i = Number(k);
    if (i < 0) i += n;
    if (i >= 0 && i < n) return o.at(i);
    throw indexOutOfBounds(k);
  }
  if (o instanceof RDict) {
    const v = o.get(dictKey(k));
    if (v === undefined) throw new RuffError(missingKeyMessage(k));
    return v;
  }
  if (typeof o === "string") {
    if (typeof k !== "number") throw new RuffError("Invalid index operation");
    let i = k;
    if (i < 0) i += cpLength(o);
    const ch = i >= 0 ? cpAt(o, i) : undefined;
    if (ch === undefined) throw indexOutOfBounds(k);
    return ch;
  }
  throw new RuffError("Invalid index operation");
}

/**
 * `o[k] = v` where the caller's register holds o. Returns the container now holding the
 * value: o itself, or a clone when o was shared (the caller stores it back).
 */
export function setIndex(o: Value, k: Value, v: Value): Value {
  share(v);
  if (o instanceof RArray) {
    if (typeof k !== "number") throw new RuffError(typeof k === "bigint" ? `Index out of bounds: ${k}` : "Invalid index assignment");
    const target = o.shared ? cloneArray(o) : o;
    const n = target.length;
    let i = k;
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw indexOutOfBounds(k);
    target.put(i, v);
    return target;
  }
  if (o instanceof RDict) {
    const key = dictKey(k);
    const target = o.shared ? cloneDict(o) : o;
    target.set(key, v);
    return target;
  }
  throw new RuffError("Invalid index assignment");
}

/** Make the element at o[k] unshared for a nested store; returns [container, element]. */
export function getIndexForUpdate(o: Value, k: Value): [Value, Value] {
  let container = o;
  if (o instanceof RArray && o.shared) container = cloneArray(o);
  else if (o instanceof RDict && o.shared) container = cloneDict(o);
  let elem = getIndex(container, k);
  const copy = uniqueCopy(elem);
  if (copy !== elem) {
    elem = copy;
    if (container instanceof RArray) {
      const i = (k as number) < 0 ? (k as number) + container.items.length : (k as number);
      container.items[i] = elem;
    } else if (container instanceof RDict) {
      container.set(dictKey(k), elem);
    }
  }
  return [container, elem];
}

function uniqueCopy(v: Value): Value {
  if (v instanceof RArray) return v.shared ? cloneArray(v) : v;
  if (v instanceof RDict) return v.shared ? cloneDict(v) : v;
  if (v instanceof RStruct) return v.shared ? cloneStruct(v) : v;
  return v;
}

export function nonStructAccess(name: string): RuffError {
  return new RuffError(`Cannot access field or method '${name}' on non-struct value`);
}

/** `o.name` for anything but a struct hit in the inline cache. Methods are looked up by the caller. */
export function getFieldSlow(o: Value, name: string): Value | undefined {
  if (o instanceof RStruct) {
    const slot = o.layout.index.get(name);
    return slot === undefined ? undefined : o.values[slot];
  }
  if (o instanceof RDict) return o.get(dictKeyOf(name)) ?? null;
  throw nonStructAccess(name);
}

/** `o.name = v`; returns the struct now holding the value (a clone when o was shared). */
export function setField(o: Value, name: string, v: Value): Value {
  share(v);
  if (o instanceof RStruct) {
    const target = o.shared ? cloneStruct(o) : o;
    const slot = target.layout.index.get(name);
    if (slot !== undefined) {
      target.values[slot] = v;
    } else {
      target.layout = layoutFor(target.layout.name, [...target.layout.fields, name]);
      target.values.push(v);
    }
    return target;
  }
  if (o instanceof RDict) {
    const target = o.shared ? cloneDict(o) : o;
    target.set(dictKeyOf(name), v);
    return target;
  }
  throw nonStructAccess(name);
}

export function getFieldForUpdate(o: Value, name: string): [Value, Value] {
  let container = o;
  if (o instanceof RStruct && o.shared) container = cloneStruct(o);
  else if (o instanceof RDict && o.shared) container = cloneDict(o);
  const elem = getFieldSlow(container, name);
  if (elem === undefined) throw new RuffError(`Field not found: ${name}`);
  const copy = uniqueCopy(elem);
  // The copy has one holder (this container): store it without marking it shared.
  if (copy !== elem) {
    if (container instanceof RStruct) container.values[container.layout.index.get(name)!] = copy;
    else (container as RDict).set(dictKeyOf(name), copy);
  }
  return [container, copy];
}

/**
 * The iteration source `for x in v` walks: a count for ints and floats, an RArray
 * (shared: the loop holds a snapshot), a JS array of characters or dict keys, or a
 * generator. An array nothing else shares counts the loop's hold (RArray.shared), which
 * loopReleases gives back when the loop runs to its end.
 */
export function iterationSource(v: Value): number | RArray | Value[] | RGenerator {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof RFloat) return Math.trunc(v.v);
  if (v instanceof RArray) {
    const s = v.shared;
    v.setShared(s === true ? true : s === false ? 1 : s + 1);
    return v;
  }
  if (typeof v === "string") return Array.from(v);
  if (v instanceof RDict) return dictKeyTexts(v);
  if (v instanceof RGenerator) return v;
  throw new RuffError(`Cannot iterate over non-iterable type: ${typeName(v)}`);
}

/**
 * A `for` loop over `a` ran to its end: give back the hold iterationSource counted. Must
 * run at most once per iterationSource call (a loop left by break, return, an exception
 * or inside a trace keeps its hold: the array just stays shared, which is always safe).
 */
export function loopReleases(a: RArray): void {
  const s = a.shared;
  if (typeof s === "number") a.setShared(s === 1 ? false : s - 1);
}

const TAG_PATTERNS: Record<string, RTagged["tag"]> = {
  Ok: "Ok", "Result::Ok": "Ok", Err: "Err", "Result::Err": "Err",
  Some: "Some", "Option::Some": "Some", None: "None", "Option::None": "None",
};

export function matchesPattern(v: Value, pattern: string): boolean {
  const tag = TAG_PATTERNS[pattern];
  if (tag !== undefined) return v instanceof RTagged && v.tag === tag;
  if (v instanceof REnum) return `${v.enumName}::${v.variant}` === pattern || v.variant === pattern;
  if (typeof v === "string") return v === pattern;
  if (v instanceof RFloat) return formatFloat(v.v) === pattern;
  return false;
}

export function matchPayload(v: Value): Value {
  if (v instanceof RTagged) return v.value;
  if (v instanceof REnum) return v.args.length === 1 ? v.args[0] : new RArray(v.args.map(share));
  return v;
}

export function unpackElement(v: Value, i: number): Value {
  if (v instanceof RArray) return i < v.length ? share(v.at(i)) : null;
  throw new RuffError(`Cannot destructure ${typeName(v)} as an array`);
}

export function unpackRest(v: Value, from: number): Value {
  if (v instanceof RArray) return new RArray(v.items.slice(from).map(share));
  throw new RuffError(`Cannot destructure ${typeName(v)} as an array`);
}

export function unpackKey(v: Value, key: string): Value {
  if (v instanceof RDict) return share(v.get(dictKeyOf(key)) ?? null);
  if (v instanceof RStruct) {
    const slot = v.layout.index.get(key);
    return slot === undefined ? null : share(v.values[slot]);
  }
  throw new RuffError(`Cannot destructure ${typeName(v)} as a dict`);
}

export function unpackDictRest(v: Value, excluded: string): Value {
  if (!(v instanceof RDict)) throw new RuffError(`Cannot destructure ${typeName(v)} as a dict`);
  const skip = new Set(excluded === "" ? [] : excluded.split("\u0000").map(dictKeyOf));
  const rest = new RDict();
  for (const [k, x] of v.entries()) if (!skip.has(k)) rest.set(k, share(x));
  return rest;
}
