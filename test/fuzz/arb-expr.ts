// fast-check arbitraries for generated expressions, one per value category and depth.
// They only build tree nodes; render-expr.ts resolves variable picks against the scope
// and falls back to literals, so any combination (and any shrink of it) is well formed.

import fc from "fast-check";
import { BOUNDARY_INTS, BUILTINS, DICT_KEYS, FLOAT_LITERALS, STRING_LITERALS } from "./literals";
import type { Cat, Expr } from "./tree";

type Arb = fc.Arbitrary<Expr>;
type Weighted = { arbitrary: Arb; weight: number };

/** `general` uses the whole generated language; `kernel` stays with numbers, arrays of
 *  numbers and bools in hot loops: what loop traces compile first, so their exits,
 *  overflow checks and type changes are exercised. */
export type Profile = "general" | "kernel" | "hot" | "hotcall" | "inline" | "callee";

/** `hot` is the body of a hot numeric loop (hot.ts): ints, floats, bools and reads of
 *  arrays declared outside the loop, nothing a loop trace cannot compile today;
 *  `hotcall` adds calls of generated functions and closures (their bodies use the
 *  whole language, so they are seldom traced); `inline` adds calls of the small
 *  traceable functions of arb-inline.ts and closures instead, which traces inline;
 *  `callee` is `inline` inside those functions. Neither has a literal zero divisor: their
 *  errors should come late (counters reaching zero, the triggers), not on the first call. */
type HotProfile = "hot" | "hotcall" | "inline" | "callee";
const isHot = (p: Profile): p is HotProfile => p === "hot" || p === "hotcall" || p === "inline" || p === "callee";

/** Maximum expression depth used by statements. */
export const EXPR_DEPTH = 2;

const pick = fc.nat({ max: 15 });
const permille = fc.nat({ max: 1000 });

export const intLit: Arb = fc
  .oneof(
    { arbitrary: fc.integer({ min: -3, max: 12 }).map(BigInt), weight: 6 },
    { arbitrary: fc.integer({ min: -300, max: 1000 }).map(BigInt), weight: 2 },
    { arbitrary: fc.constantFrom(...BOUNDARY_INTS), weight: 1 },
  )
  .map((v): Expr => ({ k: "int", v }));
const smallLit: Arb = fc.integer({ min: 0, max: 12 }).map((v): Expr => ({ k: "int", v: BigInt(v) }));
const floatLit: Arb = fc.nat({ max: FLOAT_LITERALS.length - 1 }).map((i): Expr => ({ k: "float", i }));
const strLit: Arb = fc.nat({ max: STRING_LITERALS.length - 1 }).map((i): Expr => ({ k: "str", i }));
const keyLit: Arb = fc.nat({ max: DICT_KEYS.length - 1 }).map((i): Expr => ({ k: "key", i }));
const boolLit: Arb = fc.boolean().map((v): Expr => ({ k: "bool", v }));

export const varOf = (cat: Cat): Arb => pick.map((p): Expr => ({ k: "var", cat, pick: p }));
export const ctr: Arb = fc.record({ pick, permille }).map((r): Expr => ({ k: "ctr", ...r }));
export const flip: Arb = fc
  .record({ pick, permille, form: fc.nat({ max: 4 }) })
  .map((r): Expr => ({ k: "flip", ...r }));

/** Unchecked indexes: a loop counter (out of bounds after a while) or a small literal. */
export const rawIndex: Arb = fc.oneof(
  { arbitrary: pick.map((p): Expr => ({ k: "ctr", pick: p, permille: 0 })), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 3 }).map((v): Expr => ({ k: "int", v: BigInt(v) })), weight: 1 },
);

const memo = new Map<string, Arb>();

/** Expressions of category `cat` with at most `depth` levels of operators. */
export function expr(cat: Cat, depth: number, profile: Profile = "general"): Arb {
  const hot = isHot(profile) && KERNEL_CATS.includes(cat);
  const kernel = (profile === "kernel" || hot) && KERNEL_CATS.includes(cat);
  const key = `${cat}/${depth}/${hot ? profile : kernel ? "kernel" : "general"}`;
  let arb = memo.get(key);
  if (arb === undefined) {
    const d = Math.max(0, depth);
    arb = fc.oneof(...(hot ? hotChoices(cat, d, profile as HotProfile) : kernel ? kernelChoices(cat, d) : choices(cat, d)));
    memo.set(key, arb);
  }
  return arb;
}

const KERNEL_CATS: readonly Cat[] = ["int", "num", "bool", "arr", "any"];

const arithOp = fc.constantFrom("+" as const, "-" as const, "*" as const);
const divOp = fc.constantFrom("/" as const, "%" as const);

function kernelChoices(cat: Cat, depth: number): Weighted[] {
  const w = (arbitrary: Arb, weight: number): Weighted => ({ arbitrary, weight });
  const leaves = leafChoices(cat);
  if (depth === 0) return cat === "any" ? [w(varOf("any"), 4), w(intLit, 1), w(floatLit, 1)] : leaves;
  const sub = (c: Cat): Arb => expr(c, depth - 1, "kernel");
  const builtin = (name: string, ...args: Cat[]): Arb =>
    fc.tuple(...args.map(sub)).map((a): Expr => ({ k: "builtin", name, args: a }));
  const call = w(
    fc.record({ pick, args: fc.array(pick, { minLength: 3, maxLength: 3 }), depth: fc.nat({ max: 7 }) }).map((r): Expr => ({ k: "call", cat, ...r })),
    2,
  );
  switch (cat) {
    case "int":
      return [
        ...leaves,
        w(fc.record({ op: arithOp, l: sub("int"), r: sub("int") }).map((r): Expr => ({ k: "arith", ...r })), 8),
        w(fc.record({ op: divOp, l: sub("int"), r: divisor("int", depth - 1, "kernel") }).map((r): Expr => ({ k: "div", ...r })), 2),
        w(sub("int").map((e): Expr => ({ k: "neg", e })), 1),
        w(builtin("len", "arr"), 1),
        call,
      ];
    case "num":
      return [
        ...leaves,
        w(fc.record({ op: arithOp, l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "arith", ...r })), 8),
        w(fc.record({ op: divOp, l: sub("num"), r: divisor("num", depth - 1, "kernel") }).map((r): Expr => ({ k: "div", ...r })), 2),
        w(sub("num").map((e): Expr => ({ k: "neg", e })), 1),
        w(fc.record({ a: varOf("arr"), i: sub("int") }).map((r): Expr => ({ k: "index", ...r, raw: false })), 5),
        w(fc.record({ a: varOf("arr"), i: rawIndex }).map((r): Expr => ({ k: "index", ...r, raw: true })), 1),
        w(builtin("abs", "num"), 1),
        w(builtin("sqrt", "num"), 1),
        w(builtin("floor", "num"), 1),
        w(sub("int"), 3),
        call,
      ];
    case "bool":
      return [
        ...leaves,
        w(fc.record({ op: fc.constantFrom("<" as const, "<=" as const, ">" as const, ">=" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "cmp", ...r })), 5),
        w(fc.record({ op: fc.constantFrom("==" as const, "!=" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "eq", ...r })), 2),
        w(fc.record({ op: fc.constantFrom("&&" as const, "||" as const), l: sub("bool"), r: sub("bool") }).map((r): Expr => ({ k: "logic", ...r })), 3),
        w(sub("bool").map((e): Expr => ({ k: "not", e })), 1),
      ];
    case "arr":
      return [...leaves, w(fc.array(sub("num"), { minLength: 1, maxLength: 4 }).map((elems): Expr => ({ k: "arrLit", elems, spread: null })), 1)];
    default:
      return (["int", "num", "bool", "arr"] as const).map((c, i) => w(sub(c).map((e): Expr => ({ k: "anyOf", cat: c, e })), [3, 3, 1, 1][i])).concat(w(varOf("any"), 6));
  }
}

/** Ints that make an accumulator cross 2^53 (and become a bigint) after a few to a few
 *  hundred additions: the overflow happens inside a compiled trace, not while recording. */
export const GROWTH_INTS: readonly bigint[] = [
  1000000000000001n, 140737488355329n, 300000000000007n, 2251799813685249n, 35184372088833n, 4503599627370497n,
  99999999999999n, 1125899906842625n,
];
const growthLit: Arb = fc.constantFrom(...GROWTH_INTS).map((v): Expr => ({ k: "int", v }));
/** Int literals of hot loops: traces hold ints below 2^53 (a bigint constant aborts the
 *  recording), so the limits here are 2^53 - 1 and the factors whose products cross it. */
export const hotIntLit: Arb = fc
  .oneof(
    { arbitrary: fc.integer({ min: -3, max: 12 }).map(BigInt), weight: 6 },
    { arbitrary: fc.integer({ min: -300, max: 1000 }).map(BigInt), weight: 2 },
    { arbitrary: fc.constantFrom(9007199254740991n, -9007199254740991n, 94906265n, 94906266n, 3037000499n, 2147483647n, 4294967296n), weight: 1 },
  )
  .map((v): Expr => ({ k: "int", v }));
/** An index that is never negative, `((e % M) + M)` (abs would give a float), so
 *  `a[(i % len(a))]` stays inside the array. */
const M: Expr = { k: "int", v: 1000000n };
export const nonNegative = (e: Expr): Expr => ({ k: "arith", op: "+", l: { k: "div", op: "%", l: e, r: M }, r: M });
/** A divisor that is never zero (nor negative): `((e % 1000003) + 1000004)`. */
const nonZero = (e: Expr): Expr => ({ k: "arith", op: "+", l: { k: "div", op: "%", l: e, r: { k: "int", v: 1000003n } }, r: { k: "int", v: 1000004n } });

/** Expressions of a hot loop body (see isHot): no literals of arrays, no strings, no calls
 *  unless `calls`; accumulating literals near 2^53 / growth steps; array reads. */
function hotChoices(cat: Cat, depth: number, profile: HotProfile): Weighted[] {
  const w = (arbitrary: Arb, weight: number): Weighted => ({ arbitrary, weight });
  const calls = profile !== "hot";
  // Loops calling traceable functions leave the crossing of 2^53 to the callees: no
  // growth steps, fewer products.
  const growth = profile === "inline" || profile === "callee" ? 0 : 1;
  const op = growth ? arithOp : fc.constantFrom("+" as const, "-" as const, "+" as const, "-" as const, "*" as const);
  const hotLeaves: Weighted[] =
    cat === "int" ? [w(varOf("int"), 8), w(hotIntLit, 4), w(ctr, 6), ...(growth ? [w(growthLit, 2)] : [])]
    : cat === "num" ? [w(varOf("num"), 8), w(floatLit, 3), w(hotIntLit, 2), w(ctr, 3), ...(growth ? [w(growthLit, 1)] : [])]
    : cat === "bool" ? [w(varOf("bool"), 2), w(flip, 6)]
    : cat === "arr" ? [w(varOf("arr"), 1)]
    : [w(varOf("any"), 2), w(varOf("num"), 3)];
  if (depth === 0) return hotLeaves;
  const sub = (c: Cat): Arb => expr(c, depth - 1, profile);
  const call = profile === "hotcall"
    ? [w(fc.record({ pick, args: fc.array(pick, { minLength: 3, maxLength: 3 }), depth: fc.nat({ max: 7 }) }).map((r): Expr => ({ k: "call", cat, ...r })), 3)]
    : (profile === "inline" || profile === "callee") && (cat === "int" || cat === "num")
      ? [w(icall(cat), 5)]
      : [];
  const builtin = (name: string, ...args: Cat[]): Arb => fc.tuple(...args.map(sub)).map((a): Expr => ({ k: "builtin", name, args: a }));
  switch (cat) {
    case "int":
      return [
        ...hotLeaves,
        w(fc.record({ op, l: sub("int"), r: sub("int") }).map((r): Expr => ({ k: "arith", ...r })), 8),
        w(fc.record({ op: divOp, l: sub("int"), r: divisor("int", depth - 1, profile) }).map((r): Expr => ({ k: "div", ...r })), 3),
        w(sub("int").map((e): Expr => ({ k: "neg", e })), 1),
        w(builtin("len", "arr"), 1),
        ...call,
      ];
    case "num":
      return [
        ...hotLeaves,
        w(fc.record({ op, l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "arith", ...r })), 8),
        w(fc.record({ op: divOp, l: sub("num"), r: divisor("num", depth - 1, profile) }).map((r): Expr => ({ k: "div", ...r })), 3),
        w(sub("num").map((e): Expr => ({ k: "neg", e })), 1),
        w(fc.record({ a: varOf("arr"), i: sub("int") }).map((r): Expr => ({ k: "index", a: r.a, i: nonNegative(r.i), raw: false })), 4),
        w(fc.record({ a: varOf("arr"), i: rawIndex }).map((r): Expr => ({ k: "index", ...r, raw: true })), 1),
        w(builtin("abs", "num"), 1),
        w(builtin("sqrt", "num"), 1),
        w(builtin("floor", "num"), 1),
        w(sub("int"), 3),
        ...(calls ? [w(fc.record({ pick, arg: sub("num") }).map((r): Expr => ({ k: "callFn", ...r })), 3)] : []),
        ...call,
      ];
    case "bool":
      return [
        ...hotLeaves,
        w(fc.record({ op: fc.constantFrom("<" as const, "<=" as const, ">" as const, ">=" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "cmp", ...r })), 5),
        w(fc.record({ op: fc.constantFrom("==" as const, "!=" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "eq", ...r })), 2),
        w(fc.record({ op: fc.constantFrom("&&" as const, "||" as const), l: sub("bool"), r: sub("bool") }).map((r): Expr => ({ k: "logic", ...r })), 2),
        w(sub("bool").map((e): Expr => ({ k: "not", e })), 1),
      ];
    default:
      return hotLeaves;
  }
}

function choices(cat: Cat, depth: number): Weighted[] {
  const leaves = leafChoices(cat);
  if (depth === 0) return leaves;
  const sub = (c: Cat): Arb => expr(c, depth - 1);
  const w = (arbitrary: Arb, weight: number): Weighted => ({ arbitrary, weight });
  const builtins = (BUILTINS[cat] ?? []).map((sig) =>
    w(
      fc.tuple(...sig.args.map((a) => (a === "small" ? smallLit : a === "key" ? keyLit : sub(a)))).map(
        (args): Expr => ({ k: "builtin", name: sig.name, args }),
      ),
      1,
    ),
  );
  const call = w(
    fc.record({ pick, args: fc.array(pick, { minLength: 3, maxLength: 3 }), depth: fc.nat({ max: 7 }) }).map(
      (r): Expr => ({ k: "call", cat, ...r }),
    ),
    3,
  );
  switch (cat) {
    case "int":
      return [
        ...leaves,
        w(fc.record({ op: fc.constantFrom("+" as const, "-" as const, "*" as const), l: sub("int"), r: sub("int") }).map((r): Expr => ({ k: "arith", ...r })), 6),
        w(fc.record({ op: fc.constantFrom("/" as const, "%" as const), l: sub("int"), r: divisor("int", depth - 1) }).map((r): Expr => ({ k: "div", ...r })), 2),
        w(sub("int").map((e): Expr => ({ k: "neg", e })), 1),
        w(fc.record({ d: sub("dict"), key: fc.nat({ max: DICT_KEYS.length - 1 }), dflt: sub("int") }).map((r): Expr => ({ k: "dget", ...r })), 2),
        w(fc.record({ d: sub("dict"), key: fc.nat({ max: 1 }) }).map((r): Expr => ({ k: "dindex", ...r })), 1),
        w(fc.record({ s: sub("struct"), f: fc.constantFrom("x" as const, "y" as const) }).map((r): Expr => ({ k: "field", ...r })), 1),
        w(fc.record({ s: sub("struct"), arg: sub("int") }).map((r): Expr => ({ k: "method", m: "sum", ...r })), 1),
        ...builtins,
        call,
      ];
    case "num":
      return [
        ...leaves,
        w(fc.record({ op: fc.constantFrom("+" as const, "-" as const, "*" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "arith", ...r })), 6),
        w(fc.record({ op: fc.constantFrom("/" as const, "%" as const), l: sub("num"), r: divisor("num", depth - 1) }).map((r): Expr => ({ k: "div", ...r })), 2),
        w(sub("num").map((e): Expr => ({ k: "neg", e })), 1),
        w(fc.record({ a: sub("arr"), i: sub("int") }).map((r): Expr => ({ k: "index", ...r, raw: false })), 5),
        w(fc.record({ a: sub("arr"), i: rawIndex }).map((r): Expr => ({ k: "index", ...r, raw: true })), 1),
        w(fc.record({ g: sub("grid"), i: sub("int"), j: sub("int") }).map((r): Expr => ({ k: "gridIndex", ...r })), 2),
        w(fc.record({ pick, arg: sub("num") }).map((r): Expr => ({ k: "callFn", ...r })), 5),
        w(hof("reduce", depth), 1),
        w(sub("int"), 2),
        ...builtins,
        call,
      ];
    case "str":
      return [
        ...leaves,
        w(fc.record({ l: sub("str"), r: sub("str") }).map((r): Expr => ({ k: "concat", ...r })), 4),
        w(fc.array(interpPart, { minLength: 1, maxLength: 3 }).map((parts): Expr => ({ k: "interp", parts })), 3),
        ...builtins,
        call,
      ];
    case "bool":
      return [
        ...leaves,
        w(flip, 6),
        w(fc.record({ op: fc.constantFrom("<" as const, "<=" as const, ">" as const, ">=" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "cmp", ...r })), 4),
        w(fc.record({ op: fc.constantFrom("<" as const, ">=" as const), l: sub("str"), r: sub("str") }).map((r): Expr => ({ k: "cmp", ...r })), 1),
        w(fc.record({ op: fc.constantFrom("==" as const, "!=" as const), l: sub("any"), r: sub("any") }).map((r): Expr => ({ k: "eq", ...r })), 2),
        w(fc.record({ op: fc.constantFrom("==" as const, "!=" as const), l: sub("num"), r: sub("num") }).map((r): Expr => ({ k: "eq", ...r })), 2),
        w(fc.record({ op: fc.constantFrom("&&" as const, "||" as const), l: sub("bool"), r: sub("bool") }).map((r): Expr => ({ k: "logic", ...r })), 3),
        w(sub("bool").map((e): Expr => ({ k: "not", e })), 1),
        w(hof("any", depth), 1),
        w(hof("all", depth), 1),
        ...builtins,
        call,
      ];
    case "arr":
      return [
        ...leaves,
        w(fc.record({ elems: fc.array(sub("num"), { maxLength: 4 }), spread: fc.option(sub("arr"), { nil: null, freq: 4 }) }).map((r): Expr => ({ k: "arrLit", ...r })), 3),
        w(hof("map", depth), 2),
        w(hof("filter", depth), 2),
        ...builtins,
        call,
      ];
    case "dict":
      return [
        ...leaves,
        w(fc.array(fc.record({ key: fc.nat({ max: DICT_KEYS.length - 1 }), value: sub("int") }), { minLength: 1, maxLength: 4 }).map((entries): Expr => ({ k: "dictLit", entries })), 3),
        ...builtins,
        call,
      ];
    case "struct":
      return [
        ...leaves,
        w(fc.record({ x: sub("int"), y: sub("int") }).map((r): Expr => ({ k: "structLit", ...r })), 3),
        w(fc.record({ s: sub("struct"), arg: sub("int") }).map((r): Expr => ({ k: "method", m: "moved", ...r })), 2),
        w(fc.record({ l: sub("struct"), r: sub("struct") }).map((r): Expr => ({ k: "structAdd", ...r })), 2),
        call,
      ];
    case "grid":
      return [...leaves, w(gridLit(depth - 1), 2)];
    case "any":
      return anyChoices(depth);
  }
}

function leafChoices(cat: Cat): Weighted[] {
  const v = { arbitrary: varOf(cat), weight: 8 };
  switch (cat) {
    case "int":
      return [v, { arbitrary: intLit, weight: 5 }, { arbitrary: ctr, weight: 6 }];
    case "num":
      return [v, { arbitrary: floatLit, weight: 3 }, { arbitrary: intLit, weight: 3 }, { arbitrary: ctr, weight: 3 }];
    case "str":
      return [v, { arbitrary: strLit, weight: 4 }];
    case "bool":
      return [v, { arbitrary: boolLit, weight: 1 }, { arbitrary: flip, weight: 6 }];
    case "arr":
      return [v, { arbitrary: fc.array(floatOrInt(), { minLength: 1, maxLength: 4 }).map((elems): Expr => ({ k: "arrLit", elems, spread: null })), weight: 3 }];
    case "dict":
      return [v, { arbitrary: fc.array(fc.record({ key: fc.nat({ max: DICT_KEYS.length - 1 }), value: intLit }), { minLength: 1, maxLength: 3 }).map((entries): Expr => ({ k: "dictLit", entries })), weight: 2 }];
    case "struct":
      return [v, { arbitrary: fc.record({ x: intLit, y: intLit }).map((r): Expr => ({ k: "structLit", ...r })), weight: 2 }];
    case "grid":
      return [v, { arbitrary: gridLit(0), weight: 2 }];
    case "any":
      return anyChoices(0);
  }
}

function floatOrInt(): Arb {
  return fc.oneof({ arbitrary: intLit, weight: 3 }, { arbitrary: floatLit, weight: 1 });
}

function gridLit(depth: number): Arb {
  const cell = depth <= 0 ? floatOrInt() : expr("num", depth);
  return fc
    .array(fc.array(cell, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 })
    .map((rows): Expr => ({ k: "gridLit", rows }));
}

function anyChoices(depth: number): Weighted[] {
  const of = (cat: Cat, weight: number): Weighted => ({
    arbitrary: (depth === 0 ? fc.oneof(...leafChoices(cat)) : expr(cat, depth)).map((e): Expr => ({ k: "anyOf", cat, e })),
    weight,
  });
  return [
    { arbitrary: varOf("any"), weight: 10 },
    of("int", 4), of("num", 4), of("str", 3), of("bool", 2), of("arr", 2), of("dict", 1), of("struct", 1), of("grid", 1),
  ];
}

/** Divisors: often a counter offset that reaches zero mid-loop, or a literal near zero. */
function divisor(cat: "int" | "num", depth: number, profile: Profile = "general"): Arb {
  const near = fc.constantFrom(0n, 1n, -1n, 2n, 3n, 7n).map((v): Expr => ({ k: "int", v }));
  // In hot loops the divisor reaches zero mid-loop, not in the first (recorded) iteration.
  const late = fc.record({ pick, permille: fc.integer({ min: 100, max: 1000 }) }).map((r): Expr => ({ k: "ctr", ...r }));
  // Around calls of traceable functions, only counters (and the callees' triggers) reach
  // zero: other divisors are never zero, so the loop runs long enough to be traced.
  const safe = profile === "callee" || profile === "inline";
  const any = expr(cat, Math.max(0, depth), profile);
  const arbs: Weighted[] = [
    { arbitrary: isHot(profile) ? late : ctr, weight: 2 },
    { arbitrary: safe ? fc.constantFrom(1n, -1n, 2n, 3n, 7n).map((v): Expr => ({ k: "int", v })) : near, weight: 1 },
    { arbitrary: safe ? any.map(nonZero) : any, weight: 6 },
  ];
  if (cat === "num") arbs.push({ arbitrary: fc.constantFrom(...(safe ? [1, 4] : [0, 2, 4])).map((i): Expr => ({ k: "float", i })), weight: 1 });
  return fc.oneof(...arbs);
}

/** Interpolation parts: variables and small arithmetic only (no nested strings). */
const interpPart: Arb = fc.oneof(
  { arbitrary: varOf("any"), weight: 4 },
  { arbitrary: ctr, weight: 2 },
  { arbitrary: fc.record({ op: fc.constantFrom("+" as const, "*" as const), l: varOf("num"), r: intLit }).map((r): Expr => ({ k: "arith", ...r })), weight: 1 },
);

function hof(name: "map" | "filter" | "reduce" | "any" | "all", depth: number): Arb {
  const d = Math.max(0, depth - 1);
  return fc.record({ a: expr("arr", d), body: expr("num", d), init: expr("num", 0) }).map((r): Expr => ({ k: "hof", name, ...r }));
}

// ---------------------------------------------------------------------------
// Calls of traceable functions (arb-inline.ts): arguments are expressions, mostly the
// loop counter, so a guard on a parameter inside the callee flips mid-loop.

/** An int argument: the innermost loop counter (a parameter inside a traceable
 *  function), the counter minus an offset, or a small int expression. */
const intArg: Arb = fc.oneof(
  { arbitrary: fc.constant<Expr>({ k: "ctr", pick: 0, permille: 0 }), weight: 6 },
  { arbitrary: ctr, weight: 2 },
  { arbitrary: varOf("int"), weight: 1 },
  { arbitrary: fc.record({ op: arithOp, l: fc.constant<Expr>({ k: "ctr", pick: 0, permille: 0 }), r: smallLit }).map((r): Expr => ({ k: "arith", ...r })), weight: 2 },
);

/** A num argument: often an accumulator (a float after a while), a counter, a float. */
const numArg: Arb = fc.oneof(
  { arbitrary: varOf("num"), weight: 4 },
  { arbitrary: fc.constant<Expr>({ k: "ctr", pick: 0, permille: 0 }), weight: 2 },
  { arbitrary: floatLit, weight: 1 },
  { arbitrary: hotIntLit, weight: 1 },
);

/** A call of a traceable function returning `cat` (`num` accepts int results too). */
export function icall(cat: "int" | "num"): fc.Arbitrary<Extract<Expr, { k: "icall" }>> {
  return fc
    .record({
      pick,
      iargs: fc.array(intArg, { minLength: 3, maxLength: 3 }),
      nargs: fc.array(numArg, { minLength: 3, maxLength: 3 }),
      budget: fc.nat({ max: 11 }),
    })
    .map((r): Extract<Expr, { k: "icall" }> => ({ k: "icall", cat, ...r }));
}
