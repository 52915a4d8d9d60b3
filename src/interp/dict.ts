// The dict value (RDict) and its keys (DictKey). A dict keeps its entries in insertion
// order, in one of two representations:
//
//   int mode   while every key is a number: a compact table after CPython's dict. Dense
//              entry arrays in insertion order (keys: Float64Array, their hashes:
//              Int32Array, values: a Float64Array while every value is a number, i.e. a
//              Ruff int, then Value[]), and an open-addressing index (Int32Array of
//              entry + 1, 0 = empty slot) probed linearly from the key's hash.
//   map mode   a JS Map, from the first string key on (one way: a dict never goes back).
//
// Int keys are what traces and int-keyed loops use; once V8 has optimised it, the table
// inserts and looks up in about half the time of a Map with number keys. Int values in a
// typed array grow with the table, in one doubling each, where a JS array grows by about
// 1.5x through V8's heap, copying and faulting in fresh pages each time (200k int inserts:
// about 30% less time). Copy-on-write and value semantics are the holders' business
// (see value.ts): RDict only carries the flag.

import type { Value } from "./value";

/**
 * A dict key as stored: Ruff keys are strings, and an int key means its decimal text.
 * Keys whose text is a canonical safe int ("12", "-3"; not "007" or "-0") are stored
 * as that number, so int-keyed dicts hash numbers instead of formatting and hashing
 * text on every access (measured 3x faster). keyText gives the Ruff-visible string.
 */
export type DictKey = string | number;

const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;

/** The stored key for key text. */
export function dictKeyOf(text: string): DictKey {
  const c = text.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45) {
    if (CANONICAL_INT.test(text)) {
      const n = Number(text);
      if (Number.isSafeInteger(n)) return n;
    }
  }
  return text;
}

/** The Ruff-visible text of a stored key. */
export function keyText(k: DictKey): string {
  return typeof k === "string" ? k : String(k);
}

/**
 * The table's hash of a safe-int key: the low 32 bits, with the high ones folded in
 * when there are any, times 2^32 / golden ratio. The index takes the product's top bits
 * (Fibonacci hashing), which spread runs of consecutive keys and strides of powers of
 * two evenly. -0 and 0 hash alike (and are === as keys), so they are one key.
 */
function hashInt(k: number): number {
  let x = k | 0;
  if (x !== k) x ^= Math.imul(((k - x) / 4294967296) | 0, 0x85ebca6b) ^ 0x5bd1e995;
  return Math.imul(x, 0x9e3779b1);
}

/**
 * The arrays of an empty table, shared by every dict until its first int key (a dict
 * whose first key is a string never allocates a table): grow gives a dict arrays of its
 * own before anything is stored, so these are never written.
 */
const EMPTY_INDEX = new Int32Array(2);
const EMPTY_SHIFT = 31;
const EMPTY_KEYS = new Float64Array(0);
const EMPTY_HASHES = new Int32Array(0);
const EMPTY_NUMS = new Float64Array(0);
const FIRST_CAPACITY = 8;

/** Keys are kept in insertion order (iteration order); printing, keys() and items() sort them. */
export class RDict {
  shared = false;
  /** Non-null in map mode, which holds every entry; the table fields are then empty. */
  private map: Map<DictKey, Value> | null = null;
  // Int mode. Invariants: index.length === 2 * max(capacity, 1), a power of two, and
  // shift === 32 - log2(index.length), where capacity === keyTable.length ===
  // hashes.length; entries are [0, count), count <= capacity; entry e has
  // hashes[e] === hashInt(keyTable[e]) and exactly one slot holding e + 1. The stored
  // hashes make growing cheap even before V8 optimises it (no hashing on the way).
  // Entry e's value is nums[e] while vals is null (nums.length === capacity: every
  // value so far is a number), vals[e] from the first other value on (vals.length ===
  // count; nums is then empty for good).
  private index: Int32Array = EMPTY_INDEX;
  private shift = EMPTY_SHIFT;
  private keyTable: Float64Array = EMPTY_KEYS;
  private hashes: Int32Array = EMPTY_HASHES;
  private count = 0;
  private nums: Float64Array = EMPTY_NUMS;
  private vals: Value[] | null = null;

  /** A dict of entries (a later entry's value wins, at the first one's position). */
  static fromEntries(entries: Iterable<readonly [DictKey, Value]>): RDict {
    const d = new RDict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }

  get size(): number {
    return this.map !== null ? this.map.size : this.count;
  }

  get(k: DictKey): Value | undefined {
    if (typeof k === "number") return this.getIntKey(k);
    return this.map !== null ? this.map.get(k) : undefined;
  }

  /** get for a number key: the path of the interpreter's and the JIT's int-keyed accesses. */
  getIntKey(k: number): Value | undefined {
    if (this.map !== null) return this.map.get(k);
    const index = this.index;
    const keys = this.keyTable;
    const mask = index.length - 1;
    for (let h = hashInt(k) >>> this.shift; ; h = (h + 1) & mask) {
      const e = index[h] - 1;
      if (e < 0) return undefined;
      if (keys[e] === k) return this.vals === null ? this.nums[e] : this.vals[e];
    }
  }

  has(k: DictKey): boolean {
    return this.get(k) !== undefined;
  }

  /** Store v under k, in place (the caller did copy-on-write and share). A new key goes last. */
  set(k: DictKey, v: Value): void {
    if (typeof k === "number") this.setIntKey(k, v);
    else (this.map ?? this.toMap()).set(k, v);
  }

  /**
   * set for a number key. It and getIntKey each probe the table inline rather than
   * through a shared helper: the JIT's dict helpers call them from a trace's first
   * iterations on, before V8 has optimised them, and a call fewer per access shows there.
   */
  setIntKey(k: number, v: Value): void {
    if (this.map !== null) {
      this.map.set(k, v);
      return;
    }
    const hash = hashInt(k);
    const index = this.index;
    const keys = this.keyTable;
    const mask = index.length - 1;
    let h = hash >>> this.shift;
    for (let e = index[h] - 1; e >= 0; e = index[h] - 1) {
      if (keys[e] === k) {
        if (this.vals === null && typeof v === "number") this.nums[e] = v;
        else this.boxedValues()[e] = v;
        return;
      }
      h = (h + 1) & mask;
    }
    const n = this.count;
    if (n === keys.length) {
      this.grow();
      h = this.emptySlot(hash);
    }
    this.index[h] = n + 1;
    this.keyTable[n] = k;
    this.hashes[n] = hash;
    if (this.vals === null && typeof v === "number") this.nums[n] = v;
    else this.boxedValues().push(v);
    this.count = n + 1;
  }

  /** The values as Value[] (int mode), moving them out of nums the first time. */
  private boxedValues(): Value[] {
    if (this.vals === null) {
      this.vals = Array.from(this.nums.subarray(0, this.count));
      this.nums = EMPTY_NUMS;
    }
    return this.vals;
  }

  /** The keys in insertion order. The dict must not change while they are walked. */
  keys(): Iterable<DictKey> {
    return this.map !== null ? this.map.keys() : this.keyTable.subarray(0, this.count);
  }

  /** The values in insertion order. The dict must not change while they are walked. */
  values(): Iterable<Value> {
    if (this.map !== null) return this.map.values();
    return this.vals ?? this.nums.subarray(0, this.count);
  }

  /** The entries in insertion order. The dict must not change while they are walked. */
  *entries(): IterableIterator<[DictKey, Value]> {
    if (this.map !== null) {
      yield* this.map;
      return;
    }
    const keys = this.keyTable;
    const vals = this.vals;
    const nums = this.nums;
    for (let e = 0; e < this.count; e++) yield [keys[e], vals === null ? nums[e] : vals[e]];
  }

  /** A new unshared dict with the same entries in the same order (the values are not copied or marked). */
  copy(): RDict {
    const d = new RDict();
    if (this.map !== null) {
      d.map = new Map(this.map);
    } else if (this.count > 0) {
      d.index = this.index.slice();
      d.shift = this.shift;
      d.keyTable = this.keyTable.slice();
      d.hashes = this.hashes.slice();
      d.count = this.count;
      if (this.vals === null) d.nums = this.nums.slice();
      else d.vals = this.vals.slice();
    }
    return d;
  }

  /** The slot where a key with this hash that the table does not hold would go. */
  private emptySlot(hash: number): number {
    const index = this.index;
    const mask = index.length - 1;
    let h = hash >>> this.shift;
    while (index[h] !== 0) h = (h + 1) & mask;
    return h;
  }

  /** Double the capacity (the first time: allocate it) and index the entries anew. */
  private grow(): void {
    const n = this.count;
    const capacity = Math.max(FIRST_CAPACITY, 2 * this.keyTable.length);
    const keys = new Float64Array(capacity);
    keys.set(this.keyTable.subarray(0, n));
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes.subarray(0, n));
    if (this.vals === null) {
      const nums = new Float64Array(capacity);
      nums.set(this.nums.subarray(0, n));
      this.nums = nums;
    }
    const index = new Int32Array(2 * capacity);
    const shift = 31 - Math.log2(capacity);
    const mask = index.length - 1;
    // The keys are distinct, so each takes the first empty slot on its probe sequence
    // (emptySlot written out: a call per entry costs while grow is not yet optimised).
    for (let e = 0; e < n; e++) {
      let h = hashes[e] >>> shift;
      while (index[h] !== 0) h = (h + 1) & mask;
      index[h] = e + 1;
    }
    this.keyTable = keys;
    this.hashes = hashes;
    this.index = index;
    this.shift = shift;
  }

  /** Switch to map mode (at the first string key), keeping the order. */
  private toMap(): Map<DictKey, Value> {
    const map = new Map<DictKey, Value>();
    this.map = map;
    const n = this.count;
    if (n === 0) return map; // a dict whose first key is a string: no table yet
    const keys = this.keyTable;
    const vals = this.vals;
    const nums = this.nums;
    for (let e = 0; e < n; e++) map.set(keys[e], vals === null ? nums[e] : vals[e]);
    this.index = EMPTY_INDEX;
    this.shift = EMPTY_SHIFT;
    this.keyTable = EMPTY_KEYS;
    this.hashes = EMPTY_HASHES;
    this.count = 0;
    this.nums = EMPTY_NUMS;
    this.vals = null;
    return map;
  }
}

/** A dict from entries whose keys are Ruff key text. */
export function dictFromText(entries: Iterable<readonly [string, Value]>): RDict {
  const d = new RDict();
  for (const [k, v] of entries) d.set(dictKeyOf(k), v);
  return d;
}

/** The keys of d as Ruff text, in insertion order. */
export function dictKeyTexts(d: RDict): string[] {
  const out: string[] = [];
  for (const k of d.keys()) out.push(keyText(k));
  return out;
}
