// Dict builtins: keys/values/items (sorted by key), has_key (int 1/0), get, get_default,
// merge/update and invert. remove/clear/contains on dicts live in arrays.ts (polymorphic).
// Like upstream, most of these quietly return an empty/zero result for a non-dict.

import { RArray, RDict, RFloat, share, type Value, dictKeyOf, dictKeyTexts, keyText, type DictKey } from "../value";
import { dictKey } from "../ops";
import { formatValue } from "../format";
import { sortCodePointOrder } from "../strings";
import { fail, native, type NativeSpec } from "./support";

/** The stored key for a lookup key, or undefined for kinds that are never keys. */
function lookupKey(k: Value): DictKey | undefined {
  if (typeof k === "string" || typeof k === "number" || typeof k === "bigint") return dictKey(k);
  return undefined;
}

function sortedKeys(d: RDict): string[] {
  return sortCodePointOrder(dictKeyTexts(d));
}

function lookup(d: Value, k: Value): Value | undefined {
  if (!(d instanceof RDict)) return undefined;
  const key = lookupKey(k);
  return key === undefined ? undefined : d.get(key);
}

function merge(left: RDict, right: RDict): RDict {
  const merged = left.copy();
  for (const [k, v] of right.entries()) merged.set(k, v);
  for (const v of merged.values()) share(v);
  return merged;
}

/** Swap keys and values; values that are not str/int/float/bool are skipped. */
function invert(d: RDict): RDict {
  const inverted = new RDict();
  for (const [k, v] of d.entries()) {
    const scalar = typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean";
    if (scalar || v instanceof RFloat) inverted.set(dictKeyOf(formatValue(v)), keyText(k));
  }
  return inverted;
}

export function dictBuiltins(): NativeSpec[] {
  return [
    native("keys", 1, 1, (a) => new RArray(a[0] instanceof RDict ? sortedKeys(a[0]) : [])),
    native("values", 1, 1, (a) => {
      const d = a[0];
      if (!(d instanceof RDict)) return new RArray([]);
      return new RArray(sortedKeys(d).map((k) => share(d.get(dictKeyOf(k)) as Value)));
    }),
    native("items", 1, 1, (a) => {
      const d = a[0];
      if (!(d instanceof RDict)) return new RArray([]);
      return new RArray(sortedKeys(d).map((k) => new RArray([k, share(d.get(dictKeyOf(k)) as Value)])));
    }),
    native("has_key", 2, 2, (a) => (lookup(a[0], a[1]) === undefined ? 0 : 1)),
    native("get", 2, 3, (a) => {
      if (!(a[0] instanceof RDict)) return null;
      return share(lookup(a[0], a[1]) ?? (a.length === 3 ? a[2] : null));
    }),
    native("get_default", 3, 3, (a) => {
      if (!(a[0] instanceof RDict)) fail("get_default() requires 3 arguments: dict, key, default_value");
      return share(lookup(a[0], a[1]) ?? a[2]);
    }),
    native(["merge", "update"], 2, 2, (a) => {
      if (!(a[0] instanceof RDict) || !(a[1] instanceof RDict)) return new RDict();
      return merge(a[0], a[1]);
    }),
    native("invert", 1, 1, (a) => {
      if (!(a[0] instanceof RDict)) fail("invert() requires a dict argument");
      return invert(a[0]);
    }),
  ];
}
