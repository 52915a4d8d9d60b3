// Code-point string helpers. Ruff indexes strings by Unicode scalar value, JS by UTF-16
// unit; the two agree unless a string holds surrogate pairs, so every helper first asks
// (cheaply, with a one-entry cache for long strings) whether the string has any.

const SURROGATE_UNIT = /[\uD800-\uDFFF]/;

/** Strings at least this long get their code-point offsets cached (loops index them). */
const CACHE_MIN_LENGTH = 32;

let cachedString = "";
/** Unit offset of every code point of cachedString plus a final s.length; null = no surrogates. */
let cachedOffsets: Uint32Array | null = null;

function buildOffsets(s: string): Uint32Array {
  const offsets = new Uint32Array(s.length + 1);
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    offsets[count++] = i;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  offsets[count] = s.length;
  return offsets.subarray(0, count + 1);
}

/**
 * Code-point offsets of a long string with surrogates, or null when the string has none
 * (then unit indexes are code-point indexes). Short strings return undefined: callers scan.
 */
function offsetsOf(s: string): Uint32Array | null | undefined {
  if (s.length < CACHE_MIN_LENGTH) return undefined;
  if (s === cachedString) return cachedOffsets;
  cachedString = s;
  cachedOffsets = SURROGATE_UNIT.test(s) ? buildOffsets(s) : null;
  return cachedOffsets;
}

export function hasSurrogates(s: string): boolean {
  const offsets = offsetsOf(s);
  if (offsets === undefined) return SURROGATE_UNIT.test(s);
  return offsets !== null;
}

/** Number of code points. */
export function cpLength(s: string): number {
  const offsets = offsetsOf(s);
  if (offsets === null) return s.length;
  if (offsets !== undefined) return offsets.length - 1;
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Unit offset of code point `index` (0 <= index <= cpLength); scans short strings. */
function unitOffset(s: string, index: number, offsets: Uint32Array | null | undefined): number {
  if (offsets === null) return index;
  if (offsets !== undefined) return offsets[index];
  let unit = 0;
  for (let k = 0; k < index && unit < s.length; k++) {
    const c = s.charCodeAt(unit);
    unit += c >= 0xd800 && c <= 0xdbff && unit + 1 < s.length && isLowSurrogate(s.charCodeAt(unit + 1)) ? 2 : 1;
  }
  return unit;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The code point at `index` (0-based, non-negative) as a 1-character string, or undefined. */
export function cpAt(s: string, index: number): string | undefined {
  if (index < 0 || !Number.isInteger(index)) return undefined;
  const offsets = offsetsOf(s);
  if (offsets === null || (offsets === undefined && !SURROGATE_UNIT.test(s))) {
    return index < s.length ? s[index] : undefined;
  }
  if (offsets !== undefined) {
    if (index >= offsets.length - 1) return undefined;
    return s.slice(offsets[index], offsets[index + 1]);
  }
  const start = unitOffset(s, index, undefined);
  if (start >= s.length) return undefined;
  const c = s.charCodeAt(start);
  const width = c >= 0xd800 && c <= 0xdbff && start + 1 < s.length && isLowSurrogate(s.charCodeAt(start + 1)) ? 2 : 1;
  return s.slice(start, start + width);
}

/** Code points [start, end), both clamped to [0, cpLength]; empty when start >= end. */
export function cpSlice(s: string, start: number, end: number): string {
  const offsets = offsetsOf(s);
  if (offsets === null || (offsets === undefined && !SURROGATE_UNIT.test(s))) {
    const a = Math.max(0, Math.min(start, s.length));
    const b = Math.max(0, Math.min(end, s.length));
    return a < b ? s.slice(a, b) : "";
  }
  const length = offsets !== undefined ? offsets.length - 1 : cpLength(s);
  const a = Math.max(0, Math.min(start, length));
  const b = Math.max(0, Math.min(end, length));
  if (a >= b) return "";
  return s.slice(unitOffset(s, a, offsets), unitOffset(s, b, offsets));
}

/** Code-point index of a UTF-16 unit index inside s. */
export function cpIndexOfUnit(s: string, unitIndex: number): number {
  if (unitIndex <= 0) return 0;
  return cpLength(s.slice(0, unitIndex));
}

/** Code-point index of the first occurrence of `needle`, or -1. */
export function cpIndexOf(s: string, needle: string): number {
  const unit = s.indexOf(needle);
  return unit < 0 ? -1 : cpIndexOfUnit(s, unit);
}

/** The string's code points as 1-character strings. */
export function codePoints(s: string): string[] {
  return hasSurrogates(s) ? Array.from(s) : s.split("");
}

/**
 * Map a UTF-16 unit to a key that orders like its code point: units of a surrogate pair
 * (D800-DFFF) must sort above the BMP units E000-FFFF. Valid for well-formed strings.
 */
function codePointOrderKey(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Compare by code point (= UTF-8 byte order, Rust's str order): -1, 0 or 1. */
export function cpCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 || y < 0xd800) return x < y ? -1 : 1;
      return codePointOrderKey(x) < codePointOrderKey(y) ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const UNIT_ABOVE_D7FF = /[\uD800-\uFFFF]/;

/** Sort strings in place by code point order (the order Rust sorts String keys in). */
export function sortCodePointOrder(strings: string[]): string[] {
  if (strings.some((s) => UNIT_ABOVE_D7FF.test(s))) return strings.sort(cpCompare);
  return strings.sort();
}
