// Rendering state shared by render-expr.ts and render-stmt.ts: the variables in scope,
// the function signatures, fresh names, the cost model that keeps programs fast, and
// the language features a program ended up using (for the coverage report).

import type { Cat, ParamCat } from "./tree";

/** `fn` is a closure (num -> num); `err` the caught error of an `except` block. */
export type VarCat = Cat | "fn" | "err";

export interface VarInfo {
  name: string;
  cat: VarCat;
  mutable: boolean;
  /** Loop counters: the trip count of their loop (flip thresholds are placed inside it). */
  trips?: number;
  /** The category the value had when declared (`any` variables may change it). */
  declCat?: Cat;
  /** The variable may hold a float (for the type-change feature of `num` variables). */
  floaty?: boolean;
  /** Closures: the estimated cost of one call. */
  cost?: number;
}

/** A traceable function (arb-inline.ts, render-inline.ts). */
export interface TSig {
  index: number;
  name: string;
  params: ("int" | "num")[];
  paramNames: string[];
  ret: "int" | "num";
  /** Takes a recursion budget `n` first. */
  rec: boolean;
  /** Indexes of the functions it may call recursively (itself, or itself and its partner). */
  group: number[];
  /** Sees no globals, calls only pure functions. */
  pure: boolean;
  /** Estimated cost of one call without recursion (the whole group's bodies if recursive). */
  cost: number;
}

/** A closure maker `mkN(a)`. */
export interface MakerSig {
  name: string;
  cost: number;
}

export interface FuncSig {
  index: number;
  name: string;
  params: ParamCat[];
  paramNames: string[];
  ret: ParamCat;
  /** Indexes of the functions this one may call recursively (itself, or itself and its partner). */
  group: number[];
  /** Estimated cost of one call without recursion (the whole group's bodies if recursive). */
  body: number;
  /** Most recursive call sites in one function of the group (0 when not recursive). */
  sites: number;
}

/** Estimated cost of a call with recursion budget `depth` (0-5). */
export function callCost(sig: FuncSig, depth: number): number {
  const calls = sig.sites === 0 ? 1 : sig.sites === 1 ? depth + 1 : 2 ** (depth + 1) - 1;
  return sig.body * calls;
}

export interface FnCtx {
  sig: FuncSig;
  /** Recursive call sites rendered so far in this function. */
  recurSites: number;
}

export interface Ctx {
  /** Scopes, innermost last. */
  frames: VarInfo[][];
  fn: FnCtx | null;
  /** Loops enclosing this point inside the current function (or main). */
  loops: number;
  /** Calls of generated functions are allowed (not in the global prelude nor in lambdas). */
  calls: boolean;
  /** Lambdas and map/filter/reduce are allowed (not inside lambdas). */
  lambdas: boolean;
  /** The per-loop cost cap is divided by this (recursive functions run many times). */
  costScale: number;
  /** Inside a traceable function: its signature (calls go to earlier ones only). */
  tfn?: TSig;
  /** Code a trace should record: no array literal as a fallback when no array is in scope. */
  traceable?: boolean;
}

/** Cost model, in rough "statement executions". */
export const COST = {
  loopCap: 120_000,
  funcCap: 150_000,
  programCap: 500_000,
  /** Calls one recursive call can lead to, at most (two sites, budget 5). */
  recursionFactor: 63,
  arrTrips: 100,
  dictTrips: 6,
  strTrips: 30,
  hofTrips: 50,
  arrayBuiltin: 20,
  print: 100,
} as const;

export interface Snapshot {
  next: number;
  features: Set<string>;
  usesStruct: boolean;
  frameLen: number;
}

export class RenderState {
  private next = 0;
  features = new Set<string>();
  usesStruct = false;
  sigs: FuncSig[] = [];
  tsigs: TSig[] = [];
  makers: MakerSig[] = [];
  /** The global int table of traceable functions, if any. */
  table: string | null = null;

  fresh(prefix: string): string {
    return `${prefix}${this.next++}`;
  }

  feature(name: string): void {
    this.features.add(name);
  }

  snapshot(ctx: Ctx): Snapshot {
    return { next: this.next, features: new Set(this.features), usesStruct: this.usesStruct, frameLen: top(ctx).length };
  }

  restore(ctx: Ctx, s: Snapshot): void {
    this.next = s.next;
    this.features = new Set(s.features);
    this.usesStruct = s.usesStruct;
    top(ctx).length = s.frameLen;
  }
}

export function top(ctx: Ctx): VarInfo[] {
  return ctx.frames[ctx.frames.length - 1];
}

export function declare(ctx: Ctx, v: VarInfo): VarInfo {
  top(ctx).push(v);
  return v;
}

export function withFrame(ctx: Ctx, frame: VarInfo[] = [], extra: Partial<Ctx> = {}): Ctx {
  return { ...ctx, ...extra, frames: [...ctx.frames, frame] };
}

function visible(ctx: Ctx): VarInfo[] {
  return ctx.frames.flat();
}

/** Can a variable of category `have` be read where `want` is expected? */
export function readable(have: VarCat, want: Cat | "fn"): boolean {
  if (want === "any") return have !== "fn";
  if (want === "num") return have === "int" || have === "num";
  return have === want;
}

/** Can a value of category `value` be stored in a variable of category `target`? */
export function assignable(target: VarCat, value: Cat): boolean {
  if (target === "fn" || target === "err") return false;
  if (target === "any") return true;
  if (target === "num") return value === "int" || value === "num";
  return target === value;
}

/** The most recent variables are the likeliest picks (pick 0 is the newest). */
function choose<T>(xs: T[], pick: number): T | null {
  return xs.length === 0 ? null : xs[xs.length - 1 - (pick % xs.length)];
}

export function resolveVar(ctx: Ctx, want: Cat | "fn", pick: number): VarInfo | null {
  return choose(visible(ctx).filter((v) => readable(v.cat, want)), pick);
}

export function resolveTarget(ctx: Ctx, value: Cat, pick: number): VarInfo | null {
  return choose(visible(ctx).filter((v) => v.mutable && assignable(v.cat, value)), pick);
}

/** A mutable variable of exactly category `cat` (for index, key and field stores). */
export function resolveMutable(ctx: Ctx, cat: VarCat, pick: number): VarInfo | null {
  return choose(visible(ctx).filter((v) => v.mutable && v.cat === cat), pick);
}

export function resolveCounter(ctx: Ctx, pick: number): VarInfo | null {
  return choose(visible(ctx).filter((v) => v.trips !== undefined), pick);
}

/** A literal of each category, used when no variable fits. */
export function defaultOf(cat: Cat | "fn", state: RenderState): string {
  switch (cat) {
    case "int":
      return "1";
    case "num":
      return "2";
    case "str":
      return '"s"';
    case "bool":
      return "true";
    case "arr":
      return "[1, 2, 3]";
    case "dict":
      return '{"a": 1, "b": 2}';
    case "struct":
      state.usesStruct = true;
      return "P { x: 1, y: 2 }";
    case "grid":
      return "[[1, 2], [3, 4]]";
    case "any":
      return "0";
    case "fn":
      return "func(q) { return q }";
  }
}

/** Wrap anything but a plain name in parentheses before a postfix operator. */
export function receiver(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? text : `(${text})`;
}
