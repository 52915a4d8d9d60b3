// RDict (src/interp/dict.ts): the int-key table and its switch to a Map at the first
// string key. Growth over many doublings, insertion order through growth and overwrites,
// keys the hash must tell apart (negative, beyond 32 bits, equal low words), copies, and
// a property test that random operation sequences agree with a plain Map.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RArray, RDict, cloneDict, type DictKey, type Value } from "../../src/interp/value";

const SEED = 20250611;

/** A dict of the keys, each key's value its position. */
function dictOf(keys: readonly DictKey[]): RDict {
  const d = new RDict();
  keys.forEach((k, i) => d.set(k, i));
  return d;
}

describe("RDict int-key table", () => {
  it("is empty to begin with", () => {
    const d = new RDict();
    expect(d.size).toBe(0);
    expect(d.get(0)).toBeUndefined();
    expect(d.get("a")).toBeUndefined();
    expect([...d.entries()]).toEqual([]);
    expect(d.copy().size).toBe(0);
  });

  it("keeps every key and the insertion order through many doublings", () => {
    const n = 100_000;
    const keys = Array.from({ length: n }, (_, i) => (i * 7919) % 1_000_003);
    const d = dictOf(keys);
    expect(d.size).toBe(n);
    expect(keys.filter((k, i) => d.getIntKey(k) !== i)).toEqual([]);
    expect(d.get(1_000_004)).toBeUndefined();
    expect([...d.keys()]).toEqual(keys);
    expect([...d.values()]).toEqual(keys.map((_, i) => i));
  });

  it("overwrites in place: the key keeps its position, the size stays", () => {
    const d = dictOf([5, 3, 9]);
    d.set(3, "three");
    for (let k = 100; k < 200; k++) d.set(k, k); // grows past the first capacity
    d.set(5, "five");
    expect(d.size).toBe(103);
    expect([...d.entries()].slice(0, 3)).toEqual([[5, "five"], [3, "three"], [9, 2]]);
  });

  it("tells apart negative keys, keys beyond 32 bits and keys with equal low words", () => {
    const big = [
      -1, -2, -(2 ** 31), 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1),
      ...Array.from({ length: 300 }, (_, i) => i * 2 ** 32 + 7), // the same low word each
      ...Array.from({ length: 300 }, (_, i) => -i * 2 ** 20),
    ];
    const keys = [...new Set(big)];
    const d = dictOf(keys);
    expect(d.size).toBe(keys.length);
    keys.forEach((k, i) => expect(d.get(k)).toBe(i));
    expect([...d.keys()]).toEqual(keys);
    expect(d.get(8)).toBeUndefined();
    expect(d.get(2 ** 53 - 2)).toBeUndefined();
  });

  it("takes -0 and 0 as one key", () => {
    const d = new RDict();
    d.set(0, "a");
    d.set(-0, "b");
    expect(d.size).toBe(1);
    expect(d.get(0)).toBe("b");
  });

  it("switches to a Map at the first string key, keeping order and values", () => {
    const d = dictOf([1, -4, 2 ** 40]);
    expect(d.get("x")).toBeUndefined(); // a lookup does not switch
    d.set("x", "ex");
    d.set(7, 70);
    d.set(-4, "minus four");
    expect(d.size).toBe(5);
    expect([...d.entries()]).toEqual([[1, 0], [-4, "minus four"], [2 ** 40, 2], ["x", "ex"], [7, 70]]);
    expect(d.getIntKey(2 ** 40)).toBe(2);
    expect(d.has("x")).toBe(true);
    expect(d.has("y")).toBe(false);
  });

  it("builds from entries, a later duplicate winning at the first one's position", () => {
    const d = RDict.fromEntries([[2, "a"], [1, "b"], [2, "c"]]);
    expect([...d.entries()]).toEqual([[2, "c"], [1, "b"]]);
  });

  it("makes copies that are independent of the original, in both modes", () => {
    for (const stringKey of [false, true]) {
      const d = dictOf([10, 20, 30]);
      if (stringKey) d.set("s", "str");
      const c = d.copy();
      c.set(20, "changed");
      for (let k = 100; k < 150; k++) c.set(k, k); // the copy grows, the original does not
      d.set(40, "new in d");
      expect(d.get(20)).toBe(1);
      expect(d.get(100)).toBeUndefined();
      expect(c.get(40)).toBeUndefined();
      expect(c.get(20)).toBe("changed");
      expect(d.size).toBe(stringKey ? 5 : 4);
      expect(c.size).toBe(stringKey ? 54 : 53);
      expect([...c.keys()].slice(0, 3)).toEqual([10, 20, 30]);
    }
  });

  it("keeps int values through the move to boxed values, at a new key and at an overwrite", () => {
    for (const atNewKey of [true, false]) {
      const n = 1000;
      const d = dictOf(Array.from({ length: n }, (_, i) => i * 3));
      const before = d.copy();
      if (atNewKey) d.set(-1, "str");
      else d.set(300, "str");
      for (let k = 0; k < n; k++) d.set(10_000 + k, k); // ints again, after the move, through growth
      expect(d.size).toBe(atNewKey ? 2 * n + 1 : 2 * n);
      expect(d.get(300)).toBe(atNewKey ? 100 : "str");
      expect(d.get(-1)).toBe(atNewKey ? "str" : undefined);
      expect(d.get(3 * (n - 1))).toBe(n - 1);
      expect(d.get(10_000 + n - 1)).toBe(n - 1);
      expect([...d.values()].slice(0, 3)).toEqual([0, 1, 2]);
      expect([...before.values()]).toEqual(Array.from({ length: n }, (_, i) => i)); // the copy kept its numbers
      d.set("s", 1); // to a Map, from boxed values
      expect(d.get(10_000)).toBe(0);
      expect(d.get(300)).toBe(atNewKey ? 100 : "str");
    }
  });

  it("clones for copy-on-write: an unshared dict whose compound values are marked shared", () => {
    const inner = new RArray([1, 2]);
    const d = new RDict();
    d.set(1, inner);
    d.shared = true;
    const c = cloneDict(d);
    expect(c.shared).toBe(false);
    expect(c.get(1)).toBe(inner);
    expect(inner.shared).toBe(true);
    c.set(2, "only in the clone");
    expect(d.has(2)).toBe(false);
  });
});

type Op =
  | { op: "set"; key: DictKey; value: Value }
  | { op: "get"; key: DictKey }
  | { op: "copy" };

/** Keys: a small pool (so sets overwrite and gets hit), wide ints, and a few strings. */
const keyArb: fc.Arbitrary<DictKey> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -20, max: 60 }) },
  { weight: 3, arbitrary: fc.maxSafeInteger() },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((i) => i * 2 ** 32) },
  { weight: 1, arbitrary: fc.constantFrom("a", "b", "key") },
);

/** Values: mostly ints (kept in a Float64Array), sometimes another value (all go to Value[]). */
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  { weight: 30, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom<Value>("v", true, null) },
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("set" as const), key: keyArb, value: valueArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("get" as const), key: keyArb }) },
  { weight: 1, arbitrary: fc.constant({ op: "copy" as const }) },
);

describe("RDict against a Map", () => {
  it("agrees on every get, the size and the entries in order", () => {
    // Plain checks inside the loop (expect is too slow for some 10^5 of them).
    const same = (what: string, got: unknown, want: unknown): void => {
      if (!Object.is(got, want)) throw new Error(`${what}: got ${String(got)}, want ${String(want)}`);
    };
    const sameList = (what: string, got: readonly unknown[], want: readonly unknown[]): void => {
      same(`${what}: length`, got.length, want.length);
      got.forEach((x, i) => same(`${what} [${i}]`, x, want[i]));
    };
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 500, size: "max" }), (ops) => {
        let d = new RDict();
        let model = new Map<DictKey, Value>();
        const originals: [RDict, [DictKey, Value][]][] = [];
        for (const o of ops) {
          if (o.op === "set") {
            d.set(o.key, o.value);
            model.set(o.key, o.value);
          } else if (o.op === "get") {
            same(`get ${o.key}`, d.get(o.key), model.get(o.key));
            if (typeof o.key === "number") same(`getIntKey ${o.key}`, d.getIntKey(o.key), model.get(o.key));
            same(`has ${o.key}`, d.has(o.key), model.has(o.key));
          } else {
            // Go on with the copy; the original must not see what follows.
            originals.push([d, [...model.entries()]]);
            d = d.copy();
            model = new Map(model);
          }
          same("size", d.size, model.size);
        }
        sameList("keys", [...d.keys()], [...model.keys()]);
        sameList("values", [...d.values()], [...model.values()]);
        sameList("entries", [...d.entries()].flat(), [...model.entries()].flat());
        for (const [original, entries] of originals) sameList("a copied original", [...original.entries()].flat(), entries.flat());
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
