// Runtime value representation shared by the interpreter, the builtins and the JIT.
//
//   int      JS number holding an integer in +-(2^53-1), or a bigint outside that range
//            but inside i64 (a bigint is never used for a value that fits a number).
//   float    RFloat box, so `typeof v === "number"` means int on every fast path.
//   string   JS string (code-point semantics are applied by the operations, see strings.ts).
//   bool     true / false;   null   null.
//   array, dict, struct: objects with value semantics through copy-on-write (see below);
//            the dict's representations are in dict.ts.
//
// Copy-on-write invariant: a compound value whose `shared` flag is false has exactly one
// holder and may be mutated in place. Whenever a second holder appears (copy from a
// variable, argument to a user function, store into a container, closure capture, read
// out of a container into a variable) the value is marked shared; a write through a
// shared value first clones it (shallowly, marking the clone's compound elements shared).
// The flag is never cleared on the original (that costs at most one extra copy), except
// that a `for` loop's hold on an array is given back when the loop ends (RArray.shared).

import type { FunctionProto } from "./bytecode";
import { ElemKind, HANDLE_SHARED, MAX_UNPACKS, ParkedBlock, type ElementStore, type PackedHeap } from "./packed";
import { RDict } from "./dict";

export { RDict, dictFromText, dictKeyOf, dictKeyTexts, keyText, type DictKey } from "./dict";

export type Value =
  | number
  | bigint
  | RFloat
  | string
  | boolean
  | null
  | RArray
  | RDict
  | RStruct
  | RTagged
  | REnum
  | RFunction
  | RNative
  | RGenerator
  | RBoundMethod;

export class RFloat {
  constructor(readonly v: number) {}
}

/**
 * An array. Its elements are either boxed Values in a JS array or, once a trace indexed
 * it, packed in the JIT's wasm memory (see packed.ts). Paths that must stay fast on both
 * use length / at / put / append; `items` gives the boxed JS array, unpacking first.
 */
export class RArray {
  /**
   * The copy-on-write flag (truthy: shared). A number n counts the running `for` loops
   * that hold the array as their snapshot while nothing else shared it (see
   * iterationSource): each loop that runs to its end gives its hold back, and the last
   * one makes the array unshared again. Any other holder sets `true`, which stays.
   * Set it through setShared: a packed array mirrors it in its handle entry, where traces
   * check it before a store (a plain field, so the interpreter's reads stay plain loads).
   */
  shared: boolean | number = false;
  /** The boxed elements; stale while packed (heap !== null): read them directly only when heap is null. */
  boxed: Value[];
  /** Non-null while packed: the elements live in this store (and `boxed` is stale): the JIT's heap, or a block parked at its reset. */
  heap: ElementStore | null = null;
  /** While packed: the byte address of the handle entry in the store, and what the elements are. */
  entry = 0;
  kind: ElemKind = ElemKind.none;
  /** Unpacks by its own use so far (see MAX_UNPACKS). */
  unpacks = 0;

  constructor(items: Value[]) {
    this.boxed = items;
  }

  setShared(s: boolean | number): void {
    this.shared = s;
    if (this.heap !== null) this.heap.i32[(this.entry >> 2) + 3] = s === false ? 0 : HANDLE_SHARED;
  }

  /** The boxed elements, to read or change (a packed array is unpacked first). */
  get items(): Value[] {
    if (this.heap !== null) this.unpack();
    return this.boxed;
  }
  set items(v: Value[]) {
    if (this.heap !== null) this.unpack();
    this.boxed = v;
  }

  get length(): number {
    return this.heap === null ? this.boxed.length : this.heap.i32[(this.entry >> 2) + 1];
  }

  /** A copy of the elements, boxed; a packed array stays packed (reading is no use of its own: see MAX_UNPACKS). */
  copyItems(): Value[] {
    if (this.heap === null) return this.boxed.slice();
    const n = this.length;
    const items: Value[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = this.at(i);
    return items;
  }

  /** Element i, for 0 <= i < length. */
  at(i: number): Value {
    const heap = this.heap;
    if (heap === null) return this.boxed[i];
    const x = heap.load(heap.i32[this.entry >> 2], this.kind, i);
    return this.kind === ElemKind.float ? new RFloat(x) : this.kind === ElemKind.int ? x : x !== 0;
  }

  /** Store element i, for 0 <= i < length (the caller did copy-on-write and share). */
  put(i: number, v: Value): void {
    const heap = this.heap;
    if (heap !== null) {
      const x = packedNumber(this.kind, v);
      if (x !== null) {
        heap.store(heap.i32[this.entry >> 2], this.kind, i, x);
        return;
      }
      this.unpack();
    }
    this.boxed[i] = v;
  }

  /** Append v (the caller did copy-on-write and share). */
  append(v: Value): void {
    const heap = this.heap;
    if (heap !== null) {
      const x = packedNumber(this.kind, v);
      const w = this.entry >> 2;
      const len = heap.i32[w + 1];
      if (x !== null && (len < heap.i32[w + 2] || heap.regrow(this.entry, 2 * len))) {
        heap.store(heap.i32[w], this.kind, len, x);
        heap.i32[w + 1] = len + 1;
        return;
      }
      this.unpack();
    }
    this.boxed.push(v);
  }

  /**
   * Pack the elements into heap as `kind`, or find them packed so; returns the handle
   * entry's address, or -1 (an element of another kind, packed otherwise, no room).
   */
  pack(heap: PackedHeap, kind: ElemKind): number {
    const store = this.heap;
    if (store instanceof ParkedBlock && this.kind !== kind) {
      // Parked, asked for as another kind: boxed, as a reset used to leave it (not an unpack of its own).
      this.box();
    } else if (store !== null) {
      if (store === heap || !(store instanceof ParkedBlock)) return store === heap && this.kind === kind ? this.entry : -1;
      const entry = heap.adopt(this, kind, store);
      if (entry < 0) return -1;
      this.heap = heap;
      this.entry = entry;
      this.setShared(this.shared);
      return entry;
    }
    if (!this.packable(kind)) return -1;
    const items = this.boxed;
    const n = items.length;
    const entry = heap.allocate(this, kind, n, Math.max(n, 4));
    if (entry < 0) return -1;
    const base = heap.i32[entry >> 2];
    for (let i = 0; i < n; i++) heap.store(base, kind, i, packedNumber(kind, items[i])!);
    this.heap = heap;
    this.entry = entry;
    this.kind = kind;
    this.boxed = [];
    this.setShared(this.shared);
    return entry;
  }

  /** Whether pack(kind) would take the array: packed as kind, or boxed with only elements of kind and not unpacked too often. */
  packable(kind: ElemKind): boolean {
    if (this.heap !== null) return this.kind === kind;
    if (this.unpacks >= MAX_UNPACKS) return false;
    const items = this.boxed;
    for (let i = 0; i < items.length; i++) if (packedNumber(kind, items[i]) === null) return false;
    return true;
  }

  /** The heap is recycling its memory: take the elements into a block of their own. */
  park(heap: PackedHeap): void {
    this.heap = heap.parkedCopy(this.entry);
    this.entry = 0;
    this.setShared(this.shared);
  }

  /** Back to boxed elements; the handle entry dies (traces holding it exit at their next access). */
  unpack(): void {
    if (this.heap === null) return;
    this.unpacks++;
    this.box();
  }

  /** Box the elements and let the store's entry die (unpack, or a parked array taken as another kind). */
  private box(): void {
    const heap = this.heap!;
    const n = this.length;
    const items: Value[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = this.at(i);
    heap.kill(this.entry);
    this.heap = null;
    this.kind = ElemKind.none;
    this.boxed = items;
  }
}

/** v as a packed element of kind, or null when it is not of that kind. */
function packedNumber(kind: ElemKind, v: Value): number | null {
  if (kind === ElemKind.float) return v instanceof RFloat ? v.v : null;
  if (kind === ElemKind.int) return typeof v === "number" ? v : null;
  if (kind === ElemKind.bool) return typeof v === "boolean" ? (v ? 1 : 0) : null;
  return null;
}

/**
 * Field layout of a struct instance: the struct name and its field names in literal
 * order. Layouts are interned (see layoutFor) so an inline cache can compare identity.
 */
export class StructLayout {
  readonly index: Map<string, number>;
  constructor(readonly name: string, readonly fields: readonly string[], readonly id: number) {
    this.index = new Map(fields.map((f, i) => [f, i]));
  }
}

const layouts = new Map<string, StructLayout>();

/** The interned layout for a struct name and field list (order matters). */
export function layoutFor(name: string, fields: readonly string[]): StructLayout {
  const key = name + "\u0000" + fields.join("\u0000");
  let layout = layouts.get(key);
  if (layout === undefined) {
    layout = new StructLayout(name, fields, layouts.size);
    layouts.set(key, layout);
  }
  return layout;
}

export class RStruct {
  shared = false;
  constructor(public layout: StructLayout, public values: Value[]) {}
}

/** Result/Option values: `Ok(v)`, `Err(e)`, `Some(v)`, `None` (value null). */
export class RTagged {
  constructor(readonly tag: "Ok" | "Err" | "Some" | "None", readonly value: Value) {}
}

/** A value of a user enum: `Color::Red` or `Shape::Circle(1.5)`. Immutable. */
export class REnum {
  constructor(readonly enumName: string, readonly variant: string, readonly args: readonly Value[]) {}
}

/**
 * A compiled function (bytecode prototype) plus its captured cells. Captures are copied
 * into the closure when it is created (upstream VM semantics): later writes in the
 * enclosing function are not seen, but the closure's own writes persist across calls.
 */
export class RFunction {
  constructor(readonly proto: FunctionProto, readonly cells: Value[]) {}
}

/** A native builtin. fn receives the evaluated arguments. */
export class RNative {
  constructor(
    readonly name: string,
    readonly fn: (args: Value[]) => Value,
    /** Allowed argument counts: [min, max]; max -1 means variadic. */
    readonly minArgs: number,
    readonly maxArgs: number,
  ) {}
}

/** A method looked up on a struct instance, bound to the receiver (`f := p.norm`). */
export class RBoundMethod {
  constructor(readonly receiver: Value, readonly method: RFunction) {}
}

/** A suspended generator: state is owned by the interpreter (opaque here). */
export class RGenerator {
  constructor(public state: unknown) {}
}

// ---------------------------------------------------------------------------
// Errors raised by the runtime. The interpreter turns a RuffError into a catchable
// Ruff exception (an `Error` struct) or, uncaught, into the RUFVM001 diagnostic.

export class RuffError extends Error {
  /** The thrown Ruff value when raised by `throw(v)` (for `cause` and rethrow). */
  constructor(message: string, readonly thrown: Value = null) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// Small helpers used everywhere

export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

/** Normalise an exact integer result: number when safe, bigint when in i64, else null (overflow). */
export function normInt(v: bigint): number | bigint | null {
  if (v >= -9007199254740991n && v <= 9007199254740991n) return Number(v);
  if (v < I64_MIN || v > I64_MAX) return null;
  return v;
}

export function isInt(v: Value): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/** Ruff type name as returned by `type()`/`type_of()`. */
export function typeName(v: Value): string {
  switch (typeof v) {
    case "number":
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "object":
      if (v === null) return "null";
      if (v instanceof RFloat) return "float";
      if (v instanceof RArray) return "array";
      if (v instanceof RDict) return "dict";
      if (v instanceof RStruct) return "struct";
      if (v instanceof RTagged) return v.tag === "Ok" || v.tag === "Err" ? "result" : "option";
      if (v instanceof REnum) return "enum";
      if (v instanceof RGenerator) return "generator";
      return "function";
  }
  return "value";
}

/** Mark a value as having a second holder (no-op for immutable values). */
export function share(v: Value): Value {
  if (v instanceof RArray) v.setShared(true);
  else if (v instanceof RDict || v instanceof RStruct) v.shared = true;
  return v;
}

export function cloneArray(a: RArray): RArray {
  // Not a.items: the copy-on-write copy of a shared array the JIT packed would unpack the
  // original, and an array unpacked MAX_UNPACKS times never packs again (a tree taking its
  // handle then refuses at every entry: a function copying a packed global array per call
  // made the JIT re-record that tree 2000 times, 7.5 s against 0.26 s without it).
  const items = a.copyItems();
  for (let i = 0; i < items.length; i++) share(items[i]);
  return new RArray(items);
}

export function cloneDict(d: RDict): RDict {
  const copy = d.copy();
  for (const v of copy.values()) share(v);
  return copy;
}

export function cloneStruct(s: RStruct): RStruct {
  const values = s.values.slice();
  for (let i = 0; i < values.length; i++) share(values[i]);
  return new RStruct(s.layout, values);
}

export const mkFloat = (v: number): RFloat => new RFloat(v);
