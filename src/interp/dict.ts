// The dict value (RDict) and its keys (DictKey): entries in insertion order, behind a
// small method API so that the representation is RDict's own business. Copy-on-write
// and value semantics are the holders' business (see value.ts): RDict only carries the flag.

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

/** Keys are kept in insertion order (iteration order); printing, keys() and items() sort them. */
export class RDict {
  shared = false;
  private map = new Map<DictKey, Value>();

  /** A dict of entries (a later entry's value wins, at the first one's position). */
  static fromEntries(entries: Iterable<readonly [DictKey, Value]>): RDict {
    const d = new RDict();
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }

  get size(): number {
    return this.map.size;
  }

  get(k: DictKey): Value | undefined {
    return this.map.get(k);
  }

  /** get for a number key: the path of the interpreter's and the JIT's int-keyed accesses. */
  getIntKey(k: number): Value | undefined {
    return this.map.get(k);
  }

  has(k: DictKey): boolean {
    return this.map.has(k);
  }

  /** Store v under k, in place (the caller did copy-on-write and share). A new key goes last. */
  set(k: DictKey, v: Value): void {
    this.map.set(k, v);
  }

  /** set for a number key. */
  setIntKey(k: number, v: Value): void {
    this.map.set(k, v);
  }

  /** The keys in insertion order. The dict must not change while they are walked. */
  keys(): Iterable<DictKey> {
    return this.map.keys();
  }

  /** The values in insertion order. The dict must not change while they are walked. */
  values(): Iterable<Value> {
    return this.map.values();
  }

  /** The entries in insertion order. The dict must not change while they are walked. */
  entries(): IterableIterator<[DictKey, Value]> {
    return this.map.entries();
  }

  /** A new unshared dict with the same entries in the same order (the values are not copied or marked). */
  copy(): RDict {
    const d = new RDict();
    d.map = new Map(this.map);
    return d;
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
