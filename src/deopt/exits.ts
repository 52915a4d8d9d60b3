// Entering a compiled trace tree and leaving it. A compiled tree's entry checks the
// types and identities the tree was specialised to and passes the slot values as wasm
// parameters: for its first `hotstub` entries by walking the tree's slots
// (enterGeneric; most trees are entered a few times, a loop once per run of it), then
// through a small JS function generated for it (new Function), in which V8 sees the
// slot numbers and types as constants. Leaving: every exit wrote a record on the shared
// exit stack (innermost native frame first, see src/backend/emit-tree.ts) that starts
// with the number of its exit site (ExitSites: which trace, snapshot and layout); the
// records are applied outermost first, each writing its slots back (boxing floats and
// bools) and pushing the interpreter frames its snapshot holds, so the interpreter
// resumes in the innermost frame with the exact stack it would have had. A record under
// a callee's (a CALLT's) leaves the call pending and the callee's record pushes the
// callee's frame; one under a loop tree's (a CALLL's) ends in the frame at the loop's
// header, which the tree's record then writes into. Likewise a
// site's first `hotstub` records are written back by walking its layout (restoreGeneric),
// later ones by a restorer generated for it (most sites are left a few times and then
// grow a side trace, so most never need JS text compiled).

import { RArray, RDict, RFloat, RFunction, RStruct, RTagged, type StructLayout, type Value } from "../interp/value";
import type { Runtime } from "../interp/runtime";
import { EXIT_STACK, RECORD_CALL_PENDING, RECORD_EXIT, RECORD_LOOP_CALL, handleParams } from "../backend/emit-tree";
import { EXT_SLOT_BASE, type Place, type RefClass } from "../trace/recorder";
import type { ExitEntry, ExitValue, Tree, TreeTrace } from "../trace/tree";
import type { IrTypeName } from "../ir/ops";
import { VIRTUAL_ARRAY, virtualTag } from "../ir/trace";
import type { PackedHeap } from "../interp/packed";
import type { HelperTable } from "../backend/helper-table";

/** The wasm side all trees share. */
export interface SharedRuntime {
  /** The heap's memory: the exit stack, then packed arrays (src/interp/packed.ts). It grows: take views afresh. */
  memory: WebAssembly.Memory;
  heap: PackedHeap;
  refs: WebAssembly.Table;
  /** The string constants traces use (the kstr pool), for table.get (syncStringTable before instantiating). */
  strings: WebAssembly.Table;
  /** Entry trees, loop trees that others link to, and the JS helpers (helperTable). */
  fns: WebAssembly.Table;
  helperTable: HelperTable;
  sites: ExitSites;
}

/**
 * One place in a compiled tree that writes an exit record. The record is
 * [site number, the tree's slots in slotOrder, the layout's other stored values]; its
 * site number is all the reader needs (the layout is the one the code was emitted for).
 */
export interface ExitSite {
  trace: TreeTrace;
  snap: number;
  /** The guard (or EXIT, CALLT) of trace that writes this record: several guards may share a snapshot. */
  guard: number;
  /** RECORD_EXIT, RECORD_CALL_PENDING or RECORD_LOOP_CALL. */
  kind: number;
  /** The record's length in f64 words. */
  length: number;
  /** The tree's slots when the code was emitted, in the order the record holds them. */
  slotOrder: readonly number[];
  layout: readonly ExitEntry[];
  /** Made after the site's first `hotstub` records (restorerOf). */
  restorer?: Restorer;
  /** Records written back by restoreGeneric so far. */
  genericRestores?: number;
}

/** Every exit site of every tree compiled so far, by number (a record's first word). */
export class ExitSites {
  private readonly sites: ExitSite[] = [];

  /** hotStub: records of a site written back generically before it gets a restorer (the JIT parameter hotstub). */
  constructor(readonly hotStub: number) {}

  add(site: ExitSite): number {
    return this.sites.push(site) - 1;
  }

  get(n: number): ExitSite {
    const site = this.sites[n];
    if (site === undefined) throw new Error(`exit record of unknown site ${n}`);
    return site;
  }
}

/** A compiled tree: its wasm function and entry stub. */
export interface CompiledTree {
  tree: Tree;
  fn: (...args: unknown[]) => unknown;
  bytes: Uint8Array;
  /** Checks types and identities, then runs the tree; returns what the wasm function returned, or null (not entered). */
  enter: (stack: Value[], base: number) => unknown;
}

/** Writes one record's slots back (the record starts at area[at]). */
export type Restorer = (stack: Value[], base: number, area: Float64Array, at: number, refs: WebAssembly.Table) => void;

/** The class an entry checks a ref slot for, by the slot's RefClass (generated stubs name it `REF.array`, ...); a string slot checks typeof, a list Array.isArray. */
const REF_CLASS_OF = { array: RArray, dict: RDict, struct: RStruct } as const;

function isOfClass(v: Value, refClass: RefClass): boolean {
  return refClass === "string" ? typeof v === "string" : refClass === "list" ? Array.isArray(v) : v instanceof REF_CLASS_OF[refClass];
}

/** isOfClass as the JS text of a generated stub's check that v is not of the class. */
function notOfClassText(v: string, refClass: RefClass): string {
  return refClass === "string" ? `typeof ${v} !== "string"` : refClass === "list" ? `!Array.isArray(${v})` : `!(${v} instanceof REF.${refClass})`;
}

/** Where a slot lives, as JS text (places go through the tree's places array). */
function place(slot: number): string {
  return slot >= EXT_SLOT_BASE ? `places[${slot - EXT_SLOT_BASE}].array[places[${slot - EXT_SLOT_BASE}].index]` : `stack[base + ${slot}]`;
}

/**
 * What a compiled tree's entry checks and passes, taken from the tree when it is
 * compiled: a side trace recorded later changes the tree, not the code already made.
 */
interface EntryShape {
  id: number;
  places: readonly Place[];
  checks: readonly { slot: number; value: unknown }[];
  /** The tree's slots in parameter order, with their types and (refs) classes. */
  slots: readonly { slot: number; type: IrTypeName; refClass: RefClass }[];
  /** The tree's handle parameters (those it takes itself and those it passes on): -1 each from JS. */
  handles: number;
}

function entryShape(tree: Tree): EntryShape {
  return {
    id: tree.root.id,
    places: tree.places,
    checks: tree.checks.map((c) => ({ slot: c.slot, value: c.value })),
    slots: [...tree.slots.keys()].sort((x, y) => x - y).map((slot) => ({ slot, type: tree.slots.get(slot)!, refClass: tree.refClasses.get(slot) ?? "array" })),
    handles: handleParams(tree).length,
  };
}

/**
 * Gives a compiled tree its entry: a generic one for its first hotStub entries, then
 * the stub generated for it (made at the next entry; `generated` is told).
 */
export function installEntry(compiled: CompiledTree, shared: SharedRuntime, limit: () => number, hotStub: number, generated: () => void): void {
  const shape = entryShape(compiled.tree);
  const fn = compiled.fn;
  if (hotStub === 0) {
    compiled.enter = entryStub(shape, fn, shared, limit);
    generated();
    return;
  }
  let entries = 0;
  compiled.enter = (stack, base) => {
    if (++entries <= hotStub) return enterGeneric(shape, fn, shared, limit, stack, base);
    compiled.enter = entryStub(shape, fn, shared, limit);
    generated();
    return compiled.enter(stack, base);
  };
}

/** Reads a slot (as place() does in generated code). */
export function readSlot(stack: Value[], base: number, places: readonly Place[], slot: number): Value {
  if (slot < EXT_SLOT_BASE) return stack[base + slot];
  const p = places[slot - EXT_SLOT_BASE];
  return p.array[p.index];
}

/** Writes a slot (as place() does in generated code). */
function writeSlot(stack: Value[], base: number, places: readonly Place[], slot: number, value: Value): void {
  if (slot < EXT_SLOT_BASE) {
    stack[base + slot] = value;
    return;
  }
  const p = places[slot - EXT_SLOT_BASE];
  p.array[p.index] = value;
}

/** What the entry stub does, done by walking the shape: the same checks in the same order, the same arguments. */
function enterGeneric(shape: EntryShape, fn: CompiledTree["fn"], shared: SharedRuntime, limit: () => number, stack: Value[], base: number): unknown {
  for (const c of shape.checks) if (readSlot(stack, base, shape.places, c.slot) !== c.value) return null;
  const args: unknown[] = [];
  for (const s of shape.slots) {
    const v = readSlot(stack, base, shape.places, s.slot);
    switch (s.type) {
      case "int":
        if (typeof v !== "number") return null;
        args.push(v);
        break;
      case "float":
        if (!(v instanceof RFloat)) return null;
        args.push(v.v);
        break;
      case "bool":
        if (typeof v !== "boolean") return null;
        args.push(v ? 1 : 0);
        break;
      case "ref":
        if (!isOfClass(v, s.refClass)) return null;
        args.push(v);
        break;
      default:
        return null;
    }
  }
  const words = shared.heap.i32;
  words[EXIT_STACK.top >> 2] = EXIT_STACK.records;
  words[EXIT_STACK.refTop >> 2] = 0;
  words[EXIT_STACK.limit >> 2] = limit();
  for (let k = 0; k < shape.handles; k++) args.push(-1);
  return fn(...args);
}

/** The entry stub: type and identity checks, then the call with unboxed values. */
function entryStub(shape: EntryShape, fn: CompiledTree["fn"], shared: SharedRuntime, limit: () => number): CompiledTree["enter"] {
  const lines: string[] = [];
  const args: string[] = [];
  const objects: unknown[] = [];
  shape.checks.forEach((c) => {
    objects.push(c.value);
    lines.push(`if (${place(c.slot)} !== objects[${objects.length - 1}]) return null;`);
  });
  shape.slots.forEach(({ slot, type, refClass }, i) => {
    lines.push(`const v${i} = ${place(slot)};`);
    switch (type) {
      case "int":
        lines.push(`if (typeof v${i} !== "number") return null;`);
        args.push(`v${i}`);
        break;
      case "float":
        lines.push(`if (!(v${i} instanceof RFloat)) return null;`);
        args.push(`v${i}.v`);
        break;
      case "bool":
        lines.push(`if (typeof v${i} !== "boolean") return null;`);
        args.push(`(v${i} ? 1 : 0)`);
        break;
      case "ref":
        lines.push(`if (${notOfClassText(`v${i}`, refClass)}) return null;`);
        args.push(`v${i}`);
        break;
      default:
        lines.push("return null;");
    }
  });
  // The heap's views change when the memory grows: read them at each entry.
  lines.push(`const words = heap.i32;`);
  lines.push(`words[${EXIT_STACK.top >> 2}] = ${EXIT_STACK.records}; words[${EXIT_STACK.refTop >> 2}] = 0;`);
  lines.push(`words[${EXIT_STACK.limit >> 2}] = limit();`);
  // -1 for every handle parameter: the tree takes them itself (see emit-tree's handleParams).
  for (let k = 0; k < shape.handles; k++) args.push("-1");
  lines.push(`return fn(${args.join(", ")});`);
  const make = factory(["fn", "objects", "places", "RFloat", "REF", "heap", "limit"],
    `return function enterTree${shape.id}(stack, base) {\n${lines.join("\n")}\n};`);
  return make(fn, objects, shape.places, RFloat, REF_CLASS_OF, shared.heap, limit) as CompiledTree["enter"];
}

const factories = new Map<string, (...args: unknown[]) => unknown>();

/**
 * A function made from JS text (new Function), once per distinct text: a tree compiled
 * again (for each side trace) mostly has the same entry stub and exit restorers, and
 * V8 parses and compiles each new text from scratch (~0.1-0.5 ms cold).
 */
function factory(params: string[], body: string): (...args: unknown[]) => unknown {
  const key = `${params.join(",")}\n${body}`;
  let made = factories.get(key);
  if (made === undefined) factories.set(key, (made = new Function(...params, body) as (...args: unknown[]) => unknown));
  return made;
}

/**
 * The restorer of an exit site, once it has been left more than hotStub times
 * (made then: most exits are never taken, or only until a side trace takes them over);
 * undefined before, when restoreGeneric writes the record back.
 */
function restorerOf(site: ExitSite, hotStub: number): Restorer | undefined {
  if (site.restorer !== undefined) return site.restorer;
  site.genericRestores = (site.genericRestores ?? 0) + 1;
  if (site.genericRestores <= hotStub) return undefined;
  return (site.restorer = restorer(site.trace.tree, site));
}

/**
 * What the site's restorer does, done by walking its layout: the same values, read in
 * the same order (record entries in layout order, a sunk struct's fields in order),
 * written to the same slots in the same order.
 */
function restoreGeneric(site: ExitSite, stack: Value[], base: number, area: Float64Array, at: number, refs: WebAssembly.Table): void {
  const places = site.trace.tree.places;
  const slotPart = at + EXIT_STACK.header;
  let k = slotPart + site.slotOrder.length;
  const valueOf = (e: ExitValue): Value => {
    if (e.constant !== undefined) {
      if (typeof e.constant === "object") return e.constant as Value;
      return e.type === "float" ? new RFloat(e.constant as number) : e.constant;
    }
    const raw = "slot" in e.source ? area[slotPart + site.slotOrder.indexOf(e.source.slot)] : area[k++];
    return e.type === "int" ? raw : e.type === "float" ? new RFloat(raw) : e.type === "ref" ? (refs.get(raw) as Value) : raw !== 0;
  };
  for (const e of site.layout) {
    writeSlot(stack, base, places, e.slot, e.sunk !== undefined ? makeSunk(e.sunk.layout, e.sunk.fields.map(valueOf)) : valueOf(e));
  }
}

function restorer(tree: Tree, site: ExitSite): Restorer {
  const lines: string[] = [];
  const objects: unknown[] = [];
  let k = EXIT_STACK.header + site.slotOrder.length;
  const object = (o: object): string => `objects[${objects.push(o) - 1}]`;
  // The JS expression of a value, read from the record or a constant. A tree slot's
  // value is in the slot part; the others follow in layout order.
  const valueOf = (e: ExitValue): string => {
    if (e.constant !== undefined) {
      if (typeof e.constant === "object") return object(e.constant);
      // num keeps -0 (an int constant can be -0, and 1.0 / x tells).
      return e.type === "float" ? `new RFloat(${num(e.constant as number)})` : typeof e.constant === "number" ? num(e.constant) : String(e.constant);
    }
    const raw = "slot" in e.source ? `area[at + ${EXIT_STACK.header + site.slotOrder.indexOf(e.source.slot)}]` : `area[at + ${k++}]`;
    return e.type === "int" ? raw : e.type === "float" ? `new RFloat(${raw})` : e.type === "ref" ? `refs.get(${raw})` : `${raw} !== 0`;
  };
  for (const e of site.layout) {
    // An object the trace never made is made now, from its values (allocation sinking).
    const tag = e.sunk === undefined ? undefined : virtualTag(e.sunk.layout);
    const value = e.sunk === undefined ? valueOf(e)
      : e.sunk.layout === VIRTUAL_ARRAY ? `new RArray([${e.sunk.fields.map(valueOf).join(", ")}])`
      : tag !== undefined ? `new RTagged("${tag}", ${e.sunk.fields.length > 0 ? valueOf(e.sunk.fields[0]) : "null"})`
      : `new RStruct(${object(e.sunk.layout)}, [${e.sunk.fields.map(valueOf).join(", ")}])`;
    lines.push(`${place(e.slot)} = ${value};`);
  }
  const make = factory(["RFloat", "RArray", "RStruct", "RTagged", "places", "objects"], `return function exit${site.trace.id}_${site.snap}(stack, base, area, at, refs) {\n${lines.join("\n")}\n};`);
  return make(RFloat, RArray, RStruct, RTagged, tree.places, objects) as Restorer;
}

/** A sunk object (ExitEntry.sunk) made from its values: an array, a Result or Option, or a struct of that layout. */
function makeSunk(layout: object, values: Value[]): Value {
  if (layout === VIRTUAL_ARRAY) return new RArray(values);
  const tag = virtualTag(layout);
  return tag !== undefined ? new RTagged(tag, values[0] ?? null) : new RStruct(layout as StructLayout, values);
}

function num(v: number): string {
  return Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : String(v);
}

/** One applied exit record, for the driver (exit counts, side traces, the log). */
export interface AppliedExit {
  trace: TreeTrace;
  snap: number;
  /** Which of the guards sharing the snapshot exited (ExitSite.guard). */
  guard: number;
  /** Frames of the record, from its tree's root frame (depth in the interpreter's stack) up. */
  rootDepth: number;
  /** This record's site got its generated restorer (it had been left hotstub times). */
  madeRestorer: boolean;
}

/**
 * Apply the exit stack after a tree returned status 1: records from the outermost
 * (the tree JS entered, whose root frame is on top of the interpreter's stack at
 * `base`) inwards. Returns the applied exits, outermost first.
 */
export function applyExits(rt: Runtime, shared: SharedRuntime, base: number): AppliedExit[] {
  // The heap's views (current: only the heap grows the memory), not new ones per exit.
  const area = shared.heap.f64;
  const words = shared.heap.i32;
  const end = words[EXIT_STACK.top >> 2] >> 3;
  // Find the records (innermost first) by walking their lengths.
  const starts: number[] = [];
  for (let at = EXIT_STACK.records >> 3; at < end; at += shared.sites.get(area[at]).length) starts.push(at);
  const applied: AppliedExit[] = [];
  const stack = rt.stack;
  let rootBase = base;
  let outerKind = RECORD_EXIT;
  for (let i = starts.length - 1; i >= 0; i--) {
    const at = starts[i];
    const site = shared.sites.get(area[at]);
    const t = site.trace;
    const snapId = site.snap;
    if (outerKind === RECORD_LOOP_CALL) {
      // A loop tree's record: its root frame is the caller's innermost frame, at the header.
      rootBase = rt.topFrame.base;
    } else if (i < starts.length - 1) {
      // A callee's record: its function frame goes on top of the caller's pending call.
      const caller = rt.topFrame;
      const a = caller.proto.code[caller.pc - 4 + 1];
      const fn = stack[caller.base + a];
      if (!(fn instanceof RFunction)) throw new Error("exit: the pending call has no function");
      rootBase = caller.base + a + 1;
      rt.jitPushFrame(fn, rootBase, caller.base + a, fn.proto.entryPc);
    }
    const rootDepth = rt.frameDepth;
    const snap = t.trace.snapshots[snapId];
    const frames = snap.frames;
    rt.topFrame.pc = frames[0].pc;
    // Frames first (pushing makes the stack big enough), then their registers.
    for (let k = 1; k < frames.length; k++) {
      const f = frames[k];
      rt.jitPushFrame(f.closure as RFunction, rootBase + f.base, rootBase + f.base - 1, f.pc);
    }
    const hadRestorer = site.restorer !== undefined;
    const restore = restorerOf(site, shared.sites.hotStub);
    if (restore !== undefined) restore(stack, rootBase, area, at, shared.refs);
    else restoreGeneric(site, stack, rootBase, area, at, shared.refs);
    if (site.kind === RECORD_CALL_PENDING) rt.topFrame.pc = snap.pc + 4;
    outerKind = site.kind;
    applied.push({ trace: t, snap: snapId, guard: site.guard, rootDepth, madeRestorer: !hadRestorer && restore !== undefined });
  }
  return applied;
}

