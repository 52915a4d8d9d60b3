// Packed arrays: the elements of an array that compiled traces index, kept unboxed in
// the wasm memory all traces share, so that traces load and store them inline instead
// of calling a JS helper per element (PyPy's list strategies, V8's elements kinds). One
// f64 per element for ints (exact safe integers) and floats; one byte (0 or 1) per bool,
// so that a bool array (a sieve's flags) touches an eighth of the memory.
//
// Only the JIT packs an array (the `ahandle4` helper a trace calls before it indexes
// it); the interpreter then reads and writes the elements in place (RArray.at, put,
// append) and unpacks the array (back to a JS array of boxed values) when something
// needs the boxed items or stores a value of another kind.
//
// Memory: [0, EXIT_REGION_BYTES) is the exit stack (src/backend/emit-tree.ts), then the
// handle table, then the element arena, bump-allocated and grown on demand. A handle is
// a 16-byte entry (HANDLE_FIELDS); traces hold the entry's byte address and re-read
// base, length and flags at every access (or at the top of each iteration, when nothing
// in the loop can change them), so moving or unpacking an array under a running trace
// only makes that trace's next access to it exit.
//
// Invariant: an entry is never reused while a trace may hold it. Unpacking marks the
// entry dead (length 0, flags SHARED|DEAD: every access exits) and a later pack takes a
// new one; entries and arena are recycled only by reset(), which runs only while no
// trace is running (the JIT calls maybeReset before entering a tree from the
// interpreter). Reset parks every array the heap holds in memory of its own (ParkedBlock:
// one copy of the bytes). It cannot tell the arrays still in use from garbage (a WeakRef
// keeps its target alive to the end of the job, and a program is one job), and boxing
// them all, as it did, cost a program that builds a big array per call 70+ ms at a reset.

/** What an array's elements are while packed (stored in RArray.kind). */
export const ElemKind = { none: 0, int: 1, float: 2, bool: 3 } as const;
export type ElemKind = (typeof ElemKind)[keyof typeof ElemKind];
export const ELEM_KIND_NAMES = ["none", "int", "float", "bool"] as const;
/** log2 of an element's bytes, by kind: index << shift is its offset in the block. */
export const ELEM_SHIFT: Readonly<Record<ElemKind, number>> = [3, 3, 3, 0];

/** Element i (raw: 0/1 for bools) of the block at byte address base holding kind, in the views of one memory. */
function loadElement(u8: Uint8Array, f64: Float64Array, base: number, kind: ElemKind, i: number): number {
  return kind === ElemKind.bool ? u8[base + i] : f64[(base >> 3) + i];
}

function storeElement(u8: Uint8Array, f64: Float64Array, base: number, kind: ElemKind, i: number, x: number): void {
  if (kind === ElemKind.bool) u8[base + i] = x;
  else f64[(base >> 3) + i] = x;
}

/** Bytes of a block for `cap` elements of shift, rounded up so every block starts 8-aligned. */
function blockBytes(cap: number, shift: number): number {
  // Arithmetic, not 32-bit shifts: a cap of 2^28 f64s must not wrap negative.
  return Math.ceil((Math.max(cap, 1) * 2 ** shift) / 8) * 8;
}

/** Byte offsets of the fields of a handle entry. */
export const HANDLE_FIELDS = { base: 0, len: 4, cap: 8, flags: 12, size: 16 } as const;
/** Entry flags: stores refused (the array is shared: copy-on-write), entry no longer in use. */
export const HANDLE_SHARED = 1;
export const HANDLE_DEAD = 2;

const PAGE = 65536;
/** The exit stack's share of the memory (the JIT bounds native depth by it, leaving 64 bytes at its end). */
export const EXIT_REGION_BYTES = 64 * PAGE;
/** Where ahandle4 leaves the handles it took (in the 64 bytes the exit stack never reaches). */
export const HANDLE_SCRATCH = EXIT_REGION_BYTES - 64;
/** Handles one ahandle4 call takes. */
export const AHANDLE_BATCH = 4;
const MAX_HANDLES = 65536;
export const HANDLE_TABLE = EXIT_REGION_BYTES;
const ARENA_START = HANDLE_TABLE + MAX_HANDLES * HANDLE_FIELDS.size;
const INITIAL_PAGES = ARENA_START / PAGE + 16;
/** 1 GiB in all: an array that does not fit stays boxed (its traces use helpers). */
const MAX_PAGES = 16384;

/** What the heap needs from a packed array: to take its elements elsewhere (see ParkedBlock). */
export interface PackedOwner {
  park(heap: PackedHeap): void;
}

/**
 * Where the elements of a packed array are: the heap, or a block of the array's own. Both
 * keep a handle entry (HANDLE_FIELDS words in i32 at the array's entry address) and
 * address elements from its base alike.
 */
export interface ElementStore {
  readonly i32: Int32Array;
  load(base: number, kind: ElemKind, i: number): number;
  store(base: number, kind: ElemKind, i: number, x: number): void;
  /** Room for `cap` elements; false when there is none. */
  regrow(entry: number, cap: number): boolean;
  kill(entry: number): void;
}

/** The entry of a parked block is at 0, its elements right after it. */
const PARKED_BASE = HANDLE_FIELDS.size;

/**
 * The elements of an array the heap let go of at reset, parked in an ArrayBuffer of their
 * own with the entry at 0: the interpreter reads and writes them as in the heap, and the
 * next trace to take the array moves them back with one copy (PackedHeap.adopt).
 */
export class ParkedBlock implements ElementStore {
  i32: Int32Array;
  private f64: Float64Array;
  private u8: Uint8Array;

  constructor(private readonly shift: number, elements: Uint8Array, len: number, cap: number) {
    const buffer = new ArrayBuffer(PARKED_BASE + blockBytes(cap, shift));
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.u8.set(elements, PARKED_BASE);
    this.i32.set([PARKED_BASE, len, cap, 0]);
  }

  /** The bytes of its elements. */
  get elements(): Uint8Array {
    return this.u8.subarray(PARKED_BASE, PARKED_BASE + (this.i32[1] << this.shift));
  }

  load(base: number, kind: ElemKind, i: number): number {
    return loadElement(this.u8, this.f64, base, kind, i);
  }

  store(base: number, kind: ElemKind, i: number, x: number): void {
    storeElement(this.u8, this.f64, base, kind, i, x);
  }

  regrow(_entry: number, cap: number): boolean {
    const grown = new ParkedBlock(this.shift, this.elements, this.i32[1], cap);
    grown.i32[3] = this.i32[3];
    this.i32 = grown.i32;
    this.f64 = grown.f64;
    this.u8 = grown.u8;
    return true;
  }

  kill(): void {
    this.i32[1] = 0;
    this.i32[3] = HANDLE_SHARED | HANDLE_DEAD;
  }
}

/**
 * Times an array may be unpacked by its own use (a builtin needing boxed items, a store
 * of another kind) before it stays boxed: packing is O(n), and an array a program keeps
 * handing to builtins between trace entries would be packed and unpacked at every entry.
 */
export const MAX_UNPACKS = 2;

export class PackedHeap implements ElementStore {
  /** resetAfterBytes: arena bytes in use before a reset is worth its cost (it copies out every array). */
  constructor(private readonly resetAfterBytes = 64 << 20) {
    this.resetAt = ARENA_START + resetAfterBytes;
  }

  readonly memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES });
  /** Views of the memory, replaced whenever it grows: never keep one across a call that may allocate. */
  f64 = new Float64Array(this.memory.buffer);
  i32 = new Int32Array(this.memory.buffer);
  u8 = new Uint8Array(this.memory.buffer);
  /** Handle number -> the array it was given to (null once dead). */
  private owners: (PackedOwner | null)[] = [];
  /** Handle number -> ELEM_SHIFT of its elements. */
  private shifts: number[] = [];
  private top = ARENA_START;
  private resetAt: number;
  /** Trees running now (entered from the interpreter, not yet returned). */
  activeTrees = 0;
  /** Handles traces asked JS for (AHANDLE through a helper): for tests and the trace log's curious. */
  takes = 0;
  /** Arrays parked by resets so far (for tests). */
  parked = 0;

  /** Element i (raw: 0/1 for bools) of the block at byte address base holding kind. */
  load(base: number, kind: ElemKind, i: number): number {
    return loadElement(this.u8, this.f64, base, kind, i);
  }

  store(base: number, kind: ElemKind, i: number, x: number): void {
    storeElement(this.u8, this.f64, base, kind, i, x);
  }

  /** A new entry for `len` elements of kind with room for `cap`; -1 when out of handles or memory. */
  allocate(owner: PackedOwner, kind: ElemKind, len: number, cap: number): number {
    if (this.owners.length >= MAX_HANDLES) return -1;
    const shift = ELEM_SHIFT[kind];
    const base = this.bump(blockBytes(cap, shift));
    if (base < 0) return -1;
    const entry = HANDLE_TABLE + this.owners.length * HANDLE_FIELDS.size;
    this.owners.push(owner);
    this.shifts.push(shift);
    const w = entry >> 2;
    this.i32[w] = base;
    this.i32[w + 1] = len;
    this.i32[w + 2] = cap;
    this.i32[w + 3] = 0;
    return entry;
  }

  /**
   * Give an entry room for `cap` elements: in place when its block ends the arena (an
   * array growing by push alone, as most do), else by moving the elements to a new block
   * (the old one is abandoned until reset). In place matters beyond the copy: every page
   * the arena reaches for the first time costs a page fault (~2 us here), and moving
   * blocks twice the size doubles the pages a growing array touches.
   */
  regrow(entry: number, cap: number): boolean {
    const w = entry >> 2;
    const shift = this.shifts[(entry - HANDLE_TABLE) / HANDLE_FIELDS.size];
    const oldBase = this.i32[w];
    const oldBytes = blockBytes(this.i32[w + 2], shift);
    const bytes = blockBytes(cap, shift);
    if (oldBase + oldBytes === this.top && bytes >= oldBytes) {
      if (this.bump(bytes - oldBytes) < 0) return false;
      this.i32[w + 2] = cap;
      return true;
    }
    const base = this.bump(bytes);
    if (base < 0) return false;
    const from = this.i32[w];
    this.u8.copyWithin(base, from, from + (this.i32[w + 1] << shift));
    this.i32[w] = base;
    this.i32[w + 2] = cap;
    return true;
  }

  /** The elements of the entry, copied into a block of their own (for PackedOwner.park). */
  parkedCopy(entry: number): ParkedBlock {
    const w = entry >> 2;
    const shift = this.shifts[(entry - HANDLE_TABLE) / HANDLE_FIELDS.size];
    const base = this.i32[w];
    const len = this.i32[w + 1];
    this.parked++;
    return new ParkedBlock(shift, this.u8.subarray(base, base + (len << shift)), len, Math.max(len, 4));
  }

  /** A new entry for owner's parked elements of kind (one copy back), or -1 (see allocate). */
  adopt(owner: PackedOwner, kind: ElemKind, block: ParkedBlock): number {
    const elements = block.elements;
    const len = block.i32[1];
    const entry = this.allocate(owner, kind, len, Math.max(len, 4));
    if (entry >= 0) this.u8.set(elements, this.i32[entry >> 2]);
    return entry;
  }

  /** The entry is no longer in use: every access through it exits from now on. */
  kill(entry: number): void {
    const w = entry >> 2;
    this.i32[w + 1] = 0;
    this.i32[w + 3] = HANDLE_SHARED | HANDLE_DEAD;
    this.owners[(entry - HANDLE_TABLE) / HANDLE_FIELDS.size] = null;
  }

  /** Park every array and start afresh, if the arena is worth recycling and no trace runs. */
  maybeReset(): void {
    if (this.activeTrees !== 0 || (this.top < this.resetAt && this.owners.length < MAX_HANDLES / 2)) return;
    for (const o of this.owners) o?.park(this);
    this.owners = [];
    this.shifts = [];
    // Arrays still in use pack again (allocating anew): reset again only after twice
    // what was in use now, so a reset never costs more than the packing before it.
    this.resetAt = ARENA_START + Math.max(this.resetAfterBytes, 2 * (this.top - ARENA_START));
    this.top = ARENA_START;
    this.i32.fill(0, HANDLE_TABLE >> 2, ARENA_START >> 2);
  }

  /** Take `bytes` (a multiple of 8) at the top of the arena, growing the memory if needed; its address, or -1. */
  private bump(bytes: number): number {
    const end = this.top + bytes;
    if (end > this.memory.buffer.byteLength) {
      const pages = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
      const grow = Math.max(pages, this.memory.buffer.byteLength / PAGE / 2);
      const room = MAX_PAGES - this.memory.buffer.byteLength / PAGE;
      if (pages > room) return -1;
      try {
        this.memory.grow(Math.min(grow, room));
      } catch {
        return -1; // the system refused the memory: the array stays boxed
      }
      this.f64 = new Float64Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
      this.u8 = new Uint8Array(this.memory.buffer);
    }
    const base = this.top;
    this.top = end;
    return base;
  }
}
