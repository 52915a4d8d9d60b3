// fast-check arbitraries for the part of a program that gets calls inlined into traces
// and makes guards fail inside the inlined callees: small traceable functions (`TFunc`,
// bodies of numbers, bools, branches, array elements and calls of earlier traceable
// functions; self and mutual recursion bounded by a budget `n`), closure makers (the
// closures capture the maker's locals), and hot loops that call them with the loop
// counter as an argument. Each function carries triggers (tree.ts `Trigger`): a branch,
// a float, a crossing of 2^53, an i64 overflow, an index, a zero divisor, a return or a
// throw that starts happening after some tens or hundreds of calls, so the exit is taken
// inside the callee and deoptimises through two or more frames.

import fc from "fast-check";
import { EXPR_DEPTH, expr, flip, hotIntLit, icall, nonNegative } from "./arb-expr";
import { FATALS } from "./literals";
import type { Cat, Expr, FnDecl, Maker, Stmt, TFunc, Trigger } from "./tree";

type Arb<T> = fc.Arbitrary<T>;
type Weighted<T> = { arbitrary: Arb<T>; weight: number };

const pick = fc.nat({ max: 15 });

/** Thresholds: inside the trip counts of hot loops (100-300), mostly in the first half
 *  (other things may end the loop later), a few late. */
const threshold: Arb<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 2, max: 40 }), weight: 3 },
  { arbitrary: fc.integer({ min: 41, max: 120 }), weight: 4 },
  { arbitrary: fc.integer({ min: 121, max: 290 }), weight: 1 },
);

/** Expressions inside traceable functions and closures. */
const ie = (cat: Cat, depth = 1): Arb<Expr> => expr(cat, depth, "callee");

// ---------------------------------------------------------------------------
// Bodies of traceable functions.

function tSimple(pure: boolean): Weighted<Stmt>[] {
  const numCat = fc.constantFrom<"int" | "num">("int", "num", "num");
  const all: Weighted<Stmt>[] = [
    { arbitrary: fc.record({ cat: fc.constantFrom<Cat>("int", "num", "num", "bool"), mut: fc.boolean() }).chain(({ cat, mut }) => ie(cat).map((value): Stmt => ({ k: "decl", cat, mut, value }))), weight: 4 },
    { arbitrary: numCat.chain((cat) => fc.record({ pick, value: ie(cat, EXPR_DEPTH) }).map((r): Stmt => ({ k: "assign", cat, ...r }))), weight: 6 },
    {
      arbitrary: numCat.chain((cat) =>
        fc.record({ op: fc.constantFrom("+=" as const, "-=" as const, "*=" as const, "+=" as const), pick, value: ie(cat, EXPR_DEPTH) }).map((r): Stmt => ({ k: "compound", cat, ...r })),
      ),
      weight: 6,
    },
    // A second level of calls: a traceable function calling an earlier one.
    { arbitrary: fc.record({ pick, value: icall("num") }).map((r): Stmt => ({ k: "compound", op: "+=", cat: "num", ...r })), weight: 3 },
  ];
  // Stores into global arrays (pure functions see no globals).
  if (!pure) all.push({ arbitrary: fc.record({ pick, i: ie("int"), value: ie("num") }).map((r): Stmt => ({ k: "setIndex", ...r, i: nonNegative(r.i), raw: false })), weight: 2 });
  return all;
}

function tStmt(depth: number, pure: boolean): Arb<Stmt> {
  const simple = tSimple(pure);
  if (depth <= 0) return fc.oneof(...simple);
  const body = fc.array(tStmt(depth - 1, pure), { minLength: 1, maxLength: 2 });
  const cond = fc.oneof({ arbitrary: flip, weight: 3 }, { arbitrary: ie("bool"), weight: 2 });
  return fc.oneof(...simple, { arbitrary: fc.record({ cond, then: body, else: fc.option(body, { nil: null, freq: 2 }) }).map((r): Stmt => ({ k: "if", ...r })), weight: 4 });
}

function trigger(ret: "int" | "num", pure: boolean): Arb<Trigger> {
  const param = fc.nat({ max: 7 });
  const body = fc.array(tStmt(0, pure), { minLength: 1, maxLength: 2 });
  const arbs: Weighted<Trigger>[] = [
    { arbitrary: fc.record({ param, t: threshold, form: fc.nat({ max: 4 }), then: body, else: fc.option(body, { nil: null, freq: 2 }) }).map((r): Trigger => ({ k: "branch", ...r })), weight: 5 },
    { arbitrary: fc.record({ param, t: threshold }).map((r): Trigger => ({ k: "grow", ...r })), weight: 3 },
    { arbitrary: fc.record({ param, other: fc.nat({ max: 7 }) }).map((r): Trigger => ({ k: "double", ...r })), weight: 2 },
    { arbitrary: fc.record({ param, t: threshold, mod: fc.boolean() }).map((r): Trigger => ({ k: "div", ...r })), weight: 2 },
    { arbitrary: fc.record({ param, t: threshold, value: ie(ret) }).map((r): Trigger => ({ k: "ret", ...r })), weight: 3 },
    { arbitrary: fc.record({ param, t: threshold, fatal: fc.nat({ max: FATALS.length * 2 }) }).map((r): Trigger => ({ k: "throw", ...r })), weight: 1 },
  ];
  if (ret === "num") arbs.push({ arbitrary: fc.record({ param, t: threshold, f: fc.constantFrom(0, 1, 4, 6, 7, 14) }).map((r): Trigger => ({ k: "float", ...r })), weight: 4 });
  if (!pure) arbs.push({ arbitrary: fc.record({ param, pick }).map((r): Trigger => ({ k: "index", ...r })), weight: 2 });
  return fc.oneof(...arbs);
}

const args = fc.record({
  iargs: fc.array(ie("int"), { minLength: 3, maxLength: 3 }),
  nargs: fc.array(ie("num"), { minLength: 3, maxLength: 3 }),
});

export const tfuncArb: Arb<TFunc> = fc
  .record({
    params: fc.array(fc.constantFrom<"int" | "num">("int", "num", "num"), { maxLength: 2 }),
    ret: fc.constantFrom<"int" | "num">("int", "num", "num"),
    rec: fc.oneof(
      { arbitrary: fc.constant("none" as const), weight: 5 },
      { arbitrary: fc.constant("self" as const), weight: 2 },
      { arbitrary: fc.constant("mutual" as const), weight: 1 },
    ),
    impure: fc.nat({ max: 99 }),
  })
  .chain(({ params, ret, rec, impure }) => {
    // Recursive functions get entry traces, which may not read globals: mostly pure.
    const pure = rec === "none" ? impure < 30 : impure < 85;
    return fc
      .record({
        init: ie(ret),
        body: fc.array(tStmt(1, pure), { maxLength: 2 }),
        triggers: fc.array(trigger(ret, pure), { minLength: 1, maxLength: 2 }),
        recurAt: fc.nat({ max: 3 }),
        recurArgs: args,
        result: ie(ret),
      })
      // A recursive call takes at most 3 arguments in traces (the budget is one).
      .map((r): TFunc => ({ params: ["int", ...params].slice(0, rec === "none" ? 3 : 2) as ("int" | "num")[], ret, rec, pure, ...r }));
  });

export const makerArb: Arb<Maker> = fc.record({ init: ie("num"), mutate: fc.boolean(), body: ie("num", EXPR_DEPTH) });

// ---------------------------------------------------------------------------
// Hot loops that call them.

export const fnDecl: Arb<FnDecl> = fc.oneof(
  { arbitrary: ie("num", EXPR_DEPTH).map((body): FnDecl => ({ k: "lambda", body })), weight: 2 },
  { arbitrary: fc.record({ pick, arg: hotIntLit }).map((r): FnDecl => ({ k: "make", ...r })), weight: 3 },
);

/** Statements whose point is the call: `acc += tK(i, ..)`, `acc := tK(i, acc)`, `acc += c(i)`. */
export const callStmt: Arb<Stmt> = fc.oneof(
  { arbitrary: fc.record({ pick, value: icall("num") }).map((r): Stmt => ({ k: "compound", op: "+=", cat: "num", ...r })), weight: 5 },
  { arbitrary: fc.record({ pick, value: icall("int") }).map((r): Stmt => ({ k: "compound", op: "+=", cat: "int", ...r })), weight: 2 },
  { arbitrary: fc.record({ pick, call: icall("num") }).map((r): Stmt => ({ k: "feed", ...r })), weight: 3 },
  {
    arbitrary: fc.record({ pick, fn: pick, arg: fc.oneof(ie("int", 0), ie("num", 1)) }).map((r): Stmt => ({ k: "compound", op: "+=", cat: "num", pick: r.pick, value: { k: "callFn", pick: r.fn, arg: r.arg } })),
    weight: 3,
  },
  { arbitrary: icall("num").map((value): Stmt => ({ k: "decl", cat: "num", mut: false, value })), weight: 1 },
);
