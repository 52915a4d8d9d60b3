// fast-check arbitraries for generated statements, functions and whole programs. Loops
// are bounded by construction (their trip count is data); recursion is bounded by a
// budget parameter the renderer threads through calls. Two profiles (arb-expr.ts):
// `general` programs use the whole generated language, `kernel` programs are numeric.

import fc from "fast-check";
import { EXPR_DEPTH, expr, flip, hotIntLit, nonNegative, rawIndex } from "./arb-expr";
import { callStmt, fnDecl, makerArb, tfuncArb } from "./arb-inline";
import { FATALS } from "./literals";
import type { Cat, Expr, Func, GenProgram, GlobalDecl, ParamCat, Stmt } from "./tree";

type Arb<T> = fc.Arbitrary<T>;
type Weighted<T> = { arbitrary: Arb<T>; weight: number };

/** Maximum nesting of statement blocks (if / loop / try). */
export const BLOCK_DEPTH = 3;

const pick = fc.nat({ max: 15 });
const argPicks = fc.array(pick, { minLength: 3, maxLength: 3 });

interface ProfileCats {
  decl: Cat[];
  assign: Cat[];
  param: ParamCat[];
  ret: ParamCat[];
  eachCat: ("arr" | "dict" | "str")[];
}

const CATS: Record<"general" | "kernel", ProfileCats> = {
  general: {
    decl: ["int", "int", "num", "num", "num", "str", "bool", "arr", "arr", "dict", "struct", "grid", "any", "any"],
    assign: ["int", "num", "num", "str", "bool", "arr", "dict", "struct", "grid", "any", "any"],
    param: ["int", "int", "num", "num", "str", "bool", "arr", "dict", "struct"],
    ret: ["int", "int", "num", "num", "str", "bool", "arr", "dict", "struct"],
    eachCat: ["arr", "arr", "dict", "str"],
  },
  kernel: {
    decl: ["int", "int", "num", "num", "num", "arr", "bool", "any"],
    assign: ["int", "int", "num", "num", "num", "arr", "bool", "any"],
    param: ["int", "int", "num", "arr"],
    ret: ["int", "num", "num"],
    eachCat: ["arr"],
  },
};

/** Trip counts: a few, some tens, and many (100-300) so hot-loop thresholds are crossed. */
const tripCount: Arb<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 2 },
  { arbitrary: fc.integer({ min: 10, max: 60 }), weight: 2 },
  { arbitrary: fc.integer({ min: 100, max: 300 }), weight: 5 },
);

/** Conditions: flips on loop counters, bools, and (general) the truthiness of any value. */
function condition(profile: "general" | "kernel"): Arb<Expr> {
  const arbs: Weighted<Expr>[] = [{ arbitrary: flip, weight: 3 }, { arbitrary: expr("bool", EXPR_DEPTH, profile), weight: 4 }];
  if (profile === "general") arbs.push({ arbitrary: expr("any", EXPR_DEPTH, profile), weight: 1 });
  return fc.oneof(...arbs);
}

function simpleStmts(profile: "general" | "kernel"): Weighted<Stmt>[] {
  const e = (cat: Cat): Arb<Expr> => expr(cat, EXPR_DEPTH, profile);
  const cats = CATS[profile];
  const cond = condition(profile);
  const general = profile === "general";
  const w = (arbitrary: Arb<Stmt>, generalWeight: number, kernelWeight: number): Weighted<Stmt> => ({
    arbitrary,
    weight: general ? generalWeight : kernelWeight,
  });
  const all: Weighted<Stmt>[] = [
    w(fc.record({ cat: fc.constantFrom(...cats.decl), mut: fc.boolean() }).chain(({ cat, mut }) => e(cat).map((value): Stmt => ({ k: "decl", cat, mut, value }))), 10, 10),
    w(expr("num", 1, profile).map((body): Stmt => ({ k: "declFn", body })), 4, 0),
    w(fc.constantFrom(...cats.assign).chain((cat) => fc.record({ pick, value: e(cat) }).map((r): Stmt => ({ k: "assign", cat, ...r }))), 10, 12),
    w(
      fc.constantFrom<"int" | "num" | "str">(...(general ? (["int", "num", "str"] as const) : (["int", "num"] as const))).chain((cat) =>
        fc
          .record({
            op: cat === "str" ? fc.constant("+=" as const) : fc.constantFrom("+=" as const, "-=" as const, "*=" as const),
            pick,
            value: e(cat),
          })
          .map((r): Stmt => ({ k: "compound", cat, ...r })),
      ),
      6,
      10,
    ),
    w(fc.record({ pick, i: e("int"), value: e("num") }).map((r): Stmt => ({ k: "setIndex", ...r, raw: false })), 4, 5),
    w(fc.record({ pick, i: rawIndex, value: e("num") }).map((r): Stmt => ({ k: "setIndex", ...r, raw: true })), 1, 1),
    w(fc.record({ pick, key: fc.nat({ max: 5 }), value: e("int") }).map((r): Stmt => ({ k: "setKey", ...r })), 2, 0),
    w(fc.record({ pick, f: fc.constantFrom("x" as const, "y" as const), value: e("int") }).map((r): Stmt => ({ k: "setField", ...r })), 2, 0),
    w(fc.record({ pick, i: e("int"), j: e("int"), value: e("num") }).map((r): Stmt => ({ k: "setGrid", ...r })), 2, 0),
    w(fc.record({ pick, value: e("num") }).map((r): Stmt => ({ k: "push", ...r })), 3, 1),
    w(fc.array(e("any"), { minLength: 1, maxLength: 3 }).map((args): Stmt => ({ k: "print", args })), 6, 1),
    w(fc.record({ op: fc.constantFrom("break" as const, "continue" as const), cond: fc.option(cond, { nil: null, freq: 6 }) }).map((r): Stmt => ({ k: "jump", ...r })), 5, 5),
    w(fc.record({ cond, msg: expr("str", EXPR_DEPTH) }).map((r): Stmt => ({ k: "throw", ...r })), 1, 1),
    w(fc.record({ kind: fc.nat({ max: FATALS.length - 1 }), cond: flip }).map((r): Stmt => ({ k: "fatal", ...r })), 1, 1),
    w(fc.constantFrom<Cat>("any", "int", "num", "str").chain((cat) => e(cat)).map((call): Stmt => ({ k: "callStmt", call })), 1, 0),
    w(fc.record({ pick, args: argPicks, depth: fc.nat({ max: 7 }) }).map((r): Stmt => ({ k: "callStmt", call: { k: "call", cat: "any", ...r } })), 6, 3),
    w(fc.record({ cond, pick }).map((r): Stmt => ({ k: "ret", ...r })), 2, 2),
  ];
  return all.filter((x) => x.weight > 0);
}

// ---------------------------------------------------------------------------
// Hot loops: what makes most programs compile a trace. The body only uses what loop
// traces compile today (int/float arithmetic with overflow and zero-divisor exits, array
// element reads and writes, compares, flips, break/continue, type changes of `num`
// accumulators), plus, in `hotcall` loops, calls of generated functions and closures.

/** Trip counts of hot loops: enough iterations for a flip late in the loop. */
const hotTrips: Arb<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 100, max: 300 }), weight: 6 },
  { arbitrary: fc.integer({ min: 20, max: 99 }), weight: 2 },
);

/** A flip that is false for the first 30% or more of the trips (`i >= t`, `i > t`). */
const lateFlip: Arb<Expr> = fc
  .record({ pick, permille: fc.integer({ min: 300, max: 1000 }), form: fc.constantFrom(1, 4) })
  .map((r): Expr => ({ k: "flip", ...r }));

type HotProfile = "hot" | "hotcall" | "inline";

function hotSimple(profile: HotProfile): Weighted<Stmt>[] {
  const e = (cat: Cat): Arb<Expr> => expr(cat, EXPR_DEPTH, profile);
  const numCat = fc.constantFrom<"int" | "num">("int", "num", "num");
  const cond = fc.oneof({ arbitrary: flip, weight: 3 }, { arbitrary: e("bool"), weight: 2 });
  const all: Weighted<Stmt>[] = [
    { arbitrary: fc.record({ cat: fc.constantFrom<Cat>("int", "num", "num", "bool"), mut: fc.boolean() }).chain(({ cat, mut }) => e(cat).map((value): Stmt => ({ k: "decl", cat, mut, value }))), weight: 5 },
    { arbitrary: numCat.chain((cat) => fc.record({ pick, value: e(cat) }).map((r): Stmt => ({ k: "assign", cat, ...r }))), weight: 10 },
    {
      arbitrary: numCat.chain((cat) =>
        fc
          .record({ op: profile === "inline" ? fc.constantFrom("+=" as const, "-=" as const) : fc.constantFrom("+=" as const, "-=" as const, "*=" as const, "+=" as const), pick, value: e(cat) })
          .map((r): Stmt => ({ k: "compound", cat, ...r })),
      ),
      weight: 12,
    },
    { arbitrary: fc.record({ pick, i: e("int"), value: e("num") }).map((r): Stmt => ({ k: "setIndex", ...r, i: nonNegative(r.i), raw: false })), weight: 4 },
    {
      // Loops that call traceable functions break late only (a condition that holds at
      // once would end the loop before the callee's guards flip).
      arbitrary: fc
        .record({ op: fc.constantFrom("break" as const, "continue" as const), cond: profile === "inline" ? lateFlip : fc.option(cond, { nil: null, freq: 8 }) })
        .map((r): Stmt => ({ k: "jump", ...r })),
      weight: 3,
    },
    // Late: a fatal error in the first iterations would end the loop before it is traced.
    { arbitrary: fc.record({ kind: fc.nat({ max: 3 }), cond: lateFlip }).map((r): Stmt => ({ k: "fatal", ...r })), weight: 1 },
  ];
  if (profile === "hotcall") {
    all.push({ arbitrary: fc.record({ pick, args: argPicks, depth: fc.nat({ max: 7 }) }).map((r): Stmt => ({ k: "callStmt", call: { k: "call", cat: "any", ...r } })), weight: 3 });
  }
  if (profile === "inline") all.push({ arbitrary: callStmt, weight: 8 });
  return all;
}

const hotMemo = new Map<string, Arb<Stmt>>();

function hotStmt(depth: number, profile: HotProfile): Arb<Stmt> {
  const key = `${depth}/${profile}`;
  let arb = hotMemo.get(key);
  if (arb !== undefined) return arb;
  const simple = hotSimple(profile);
  if (depth <= 0) arb = fc.oneof(...simple);
  else {
    const body = fc.array(hotStmt(depth - 1, profile), { minLength: 1, maxLength: 3 });
    const cond = fc.oneof({ arbitrary: flip, weight: 3 }, { arbitrary: expr("bool", EXPR_DEPTH, profile), weight: 2 });
    arb = fc.oneof(
      ...simple,
      { arbitrary: fc.record({ cond, then: body, else: fc.option(body, { nil: null, freq: 3 }) }).map((r): Stmt => ({ k: "if", ...r })), weight: 8 },
      {
        arbitrary: fc
          .record({ form: fc.constantFrom("for" as const, "count" as const, "while" as const), n: fc.integer({ min: 2, max: 30 }), body, pick })
          .map((r): Stmt => ({ k: "loop", ...r, eachCat: "arr" })),
        weight: 1,
      },
    );
  }
  hotMemo.set(key, arb);
  return arb;
}

/** The accumulators of a hot loop: a fresh array literal first (stores into it need no
 *  copy; a shared array aborts the recording), so element reads and writes in the loop
 *  never fall back to literals, then one to three numbers. */
const hotDecls = (profile: "hot" | "callee") =>
  fc
    .tuple(
      fc
        .array(fc.oneof({ arbitrary: hotIntLit, weight: 3 }, { arbitrary: expr("num", 0, profile), weight: 1 }), { minLength: 2, maxLength: 8 })
        .map((elems) => ({ cat: "arr" as const, value: { k: "arrLit", elems, spread: null } as Expr })),
      fc.array(
        fc.constantFrom<"int" | "num">("int", "int", "num", "num").chain((cat) => expr(cat, 1, profile).map((value) => ({ cat, value }))),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([arr, rest]) => [arr, ...rest]);

/** A hot loop with its accumulators; one in four calls functions or closures. */
export const hotLoop: Arb<Stmt> = fc.oneof({ arbitrary: fc.constant("hot" as const), weight: 3 }, { arbitrary: fc.constant("hotcall" as const), weight: 1 }).chain((profile) =>
  fc
    .record({
      decls: hotDecls("hot"),
      form: fc.constantFrom("for" as const, "count" as const, "while" as const, "loop" as const),
      n: hotTrips,
      body: fc.array(hotStmt(2, profile), { minLength: 2, maxLength: 6 }),
      pick,
      caught: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
    })
    .map((r): Stmt => ({ k: "hot", decls: r.decls, loop: { k: "loop", form: r.form, n: r.n, body: r.body, pick: r.pick, eachCat: "arr" }, caught: r.caught })),
);

/** A hot loop that calls traceable functions (arb-inline.ts) and closures: one or two
 *  call statements among the usual hot-loop statements, closures declared before it. */
export const inlineLoop: Arb<Stmt> = fc
  .record({
    decls: hotDecls("callee"),
    fns: fc.array(fnDecl, { maxLength: 2 }),
    form: fc.constantFrom("for" as const, "count" as const, "while" as const, "loop" as const),
    n: fc.oneof({ arbitrary: fc.integer({ min: 100, max: 300 }), weight: 8 }, { arbitrary: fc.integer({ min: 20, max: 99 }), weight: 1 }),
    calls: fc.array(callStmt, { minLength: 1, maxLength: 2 }),
    others: fc.array(hotStmt(2, "inline"), { maxLength: 2 }),
    at: fc.nat({ max: 4 }),
    pick,
    caught: fc.oneof({ arbitrary: fc.constant(true), weight: 29 }, { arbitrary: fc.constant(false), weight: 1 }),
  })
  .map((r): Stmt => {
    const at = Math.min(r.at, r.others.length);
    const body = [...r.others.slice(0, at), ...r.calls, ...r.others.slice(at)];
    return { k: "hot", decls: r.decls, fns: r.fns, loop: { k: "loop", form: r.form, n: r.n, body, pick: r.pick, eachCat: "arr" }, caught: r.caught };
  });

const memo = new Map<string, Arb<Stmt>>();

/** A statement whose blocks nest at most `depth` more levels. */
export function stmt(depth: number, profile: "general" | "kernel" = "general"): Arb<Stmt> {
  const key = `${depth}/${profile}`;
  let arb = memo.get(key);
  if (arb !== undefined) return arb;
  const simple = simpleStmts(profile);
  if (depth <= 0) {
    arb = fc.oneof(...simple);
  } else {
    const body = block(depth - 1, profile);
    const cond = condition(profile);
    const loop = fc
      .record({
        form: profile === "general"
          ? fc.constantFrom("for" as const, "for" as const, "count" as const, "while" as const, "loop" as const, "each" as const)
          : fc.constantFrom("for" as const, "count" as const, "count" as const, "while" as const, "loop" as const, "each" as const),
        n: tripCount,
        body,
        pick,
        eachCat: fc.constantFrom(...CATS[profile].eachCat),
      })
      .map((r): Stmt => ({ k: "loop", ...r }));
    arb = fc.oneof(
      ...simple,
      {
        arbitrary: fc.record({ cond, then: body, else: fc.option(body, { nil: null, freq: 3 }) }).map((r): Stmt => ({ k: "if", ...r })),
        weight: 8,
      },
      { arbitrary: loop, weight: profile === "general" ? 14 : 12 },
      { arbitrary: hotLoop, weight: profile === "general" ? 3 : 5 },
      { arbitrary: inlineLoop, weight: 1 },
      { arbitrary: fc.record({ body, handler: block(0, profile), show: fc.boolean() }).map((r): Stmt => ({ k: "try", ...r })), weight: profile === "general" ? 7 : 1 },
      // A loop inside `try`: errors raised in its trace are caught and the program goes on.
      { arbitrary: fc.record({ loop, handler: block(0, profile) }).map((r): Stmt => ({ k: "try", body: [r.loop], handler: r.handler, show: true })), weight: profile === "general" ? 2 : 6 },
    );
  }
  memo.set(key, arb);
  return arb;
}

export function block(depth: number, profile: "general" | "kernel" = "general"): Arb<Stmt[]> {
  return fc.array(stmt(depth, profile), { minLength: 1, maxLength: 4 });
}

const recurArb = fc
  .record({ partner: fc.boolean(), pick, args: argPicks })
  .map((r): Extract<Stmt, { k: "recur" }> => ({ k: "recur", ...r }));

function funcArb(profile: "general" | "kernel"): Arb<Func> {
  const cats = CATS[profile];
  return fc
    .record({
      params: fc.array(fc.constantFrom(...cats.param), { maxLength: 3 }),
      ret: fc.constantFrom(...cats.ret),
      rec: fc.constantFrom("none" as const, "self" as const, "mutual" as const),
      body: fc.array(stmt(2, profile), { minLength: 1, maxLength: 5 }),
      recur: fc.array(recurArb, { minLength: 1, maxLength: 2 }),
      recurAt: fc.nat({ max: 5 }),
    })
    .chain((f) => expr(f.ret, EXPR_DEPTH, profile).map((result): Func => ({ ...f, result })));
}

function programOf(profile: "general" | "kernel"): Arb<GenProgram> {
  // Kernels start with arrays and numbers in globals, so loops index variables rather
  // than build array literals.
  const globalCats: Cat[] = profile === "general" ? CATS.general.decl : ["arr", "arr", "num", "int"];
  const globalArb: Arb<GlobalDecl> = fc
    .constantFrom(...globalCats)
    .chain((cat) => expr(cat, 1, profile).map((value): GlobalDecl => ({ cat, value })));
  return fc
    .record({
      profile: fc.constant(profile),
      globals: fc.array(globalArb, { minLength: profile === "general" ? 0 : 2, maxLength: 3 }),
      funcs: fc.array(funcArb(profile), { maxLength: profile === "general" ? 4 : 3 }),
      main: fc.record({
        rest: fc.array(stmt(BLOCK_DEPTH, profile), { minLength: 1, maxLength: 8 }),
        // Most programs run a hot loop early, before anything can end them.
        hot: fc.option(hotLoop, { nil: null, freq: 25 }),
        at: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat({ max: 7 }), weight: 1 }),
        // A second one right after it: the first may abort (type-unstable, an early error).
        second: fc.option(hotLoop, { nil: null, freq: 2 }),
      }),
      // Most programs also get traceable functions and a hot loop calling them, first
      // or right after the first hot loop (arb-inline.ts).
      inline: fc.oneof(
        { arbitrary: fc.constant(null), weight: 3 },
        {
          arbitrary: fc.record({
            tfuncs: fc.array(tfuncArb, { minLength: 1, maxLength: 3 }),
            makers: fc.array(makerArb, { maxLength: 2 }),
            table: fc.integer({ min: 8, max: 256 }),
            loops: fc.oneof({ arbitrary: fc.tuple(inlineLoop), weight: 3 }, { arbitrary: fc.tuple(inlineLoop, inlineLoop), weight: 1 }),
            // Mostly before the other hot loops, whose accumulators often end as bigints
            // (which traces do not take).
            first: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
          }),
          weight: 7,
        },
      ),
    })
    .map(({ main: { rest, hot, at, second }, inline, ...p }): GenProgram => {
      if (inline === null) {
        const hots = [hot, second].filter((h): h is Stmt => h !== null);
        return { ...p, main: [...rest.slice(0, at), ...hots, ...rest.slice(at)] };
      }
      // The inlining loops take the place of the second hot loop and of two statements
      // (programs stay about as long, and as likely to run to the end).
      const hots = hot === null ? [] : [hot];
      const lead = inline.first ? [...inline.loops, ...hots] : [...hots, ...inline.loops];
      const kept = rest.slice(0, Math.max(1, rest.length - 2));
      return { ...p, tfuncs: inline.tfuncs, makers: inline.makers, table: inline.table, main: [...kept.slice(0, at), ...lead, ...kept.slice(at)] };
    });
}

/** A whole generated program: mostly general, a good share numeric kernels. */
export const programArb: Arb<GenProgram> = fc.oneof({ arbitrary: programOf("general"), weight: 3 }, { arbitrary: programOf("kernel"), weight: 2 });
