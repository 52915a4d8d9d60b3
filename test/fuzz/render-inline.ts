// Prints the traceable functions, closure makers and their calls (arb-inline.ts) as Ruff
// source. A traceable function is
//
//     func tK([n,] p0, p1..) {
//         [if (n <= 0) { return INIT }]        recursive ones: the budget runs out
//         mut r := INIT
//         BODY, with the TRIGGERS and the recursive call `r := (r + tJ((n - 1), ..))`
//         return (r + RESULT)
//     }
//
// Calls only go to earlier traceable functions or to the function's own recursion
// group, with a budget `n` that decreases, so every call terminates.

import { FATALS, FLOAT_LITERALS, intLiteral, pickFrom } from "./literals";
import { type Rendered, renderExpr } from "./render-expr";
import {
  type Ctx, type MakerSig, type RenderState, type TSig, type VarInfo, declare, resolveCounter, resolveVar, withFrame,
} from "./render-scope";
import { renderBlock, renderSeq } from "./render-stmt";
import type { Expr, Maker, Stmt, TFunc, Trigger } from "./tree";

const IND = "    ";
const indent = (lines: string[]): string[] => lines.map((l) => IND + l);
const TWO_53 = 2n ** 53n;

/** The global table traceable functions index: `mut tbN := range(L)`. */
export function renderTable(len: number, globals: VarInfo[], st: RenderState): string {
  const name = st.fresh("tb");
  globals.push({ name, cat: "arr", mutable: true, declCat: "arr" });
  st.table = name;
  return `mut ${name} := range(${len})`;
}

/** Names, parameters and recursion groups: a `mutual` function pairs with the next one. */
export function tsignatures(fs: TFunc[], st: RenderState): TSig[] {
  const sigs: TSig[] = fs.map((f, index) => ({
    index,
    name: `t${index}`,
    params: f.params,
    paramNames: f.params.map(() => st.fresh("a")),
    ret: f.ret,
    rec: false,
    group: [],
    pure: f.pure,
    cost: 1,
  }));
  for (let i = 0; i < fs.length; i++) {
    if (sigs[i].group.length > 0 || fs[i].rec === "none") continue;
    if (fs[i].rec === "mutual" && i + 1 < fs.length && sigs[i + 1].group.length === 0) {
      sigs[i].group = sigs[i + 1].group = [i, i + 1];
      sigs[i + 1].pure = sigs[i].pure;
    } else {
      sigs[i].group = [i];
    }
  }
  for (const s of sigs) s.rec = s.group.length > 0;
  return sigs;
}

export function renderTFuncs(fs: TFunc[], globals: VarInfo[], st: RenderState): string[] {
  st.tsigs = tsignatures(fs, st);
  const lines: string[] = [];
  const costs: number[] = [];
  fs.forEach((f, i) => {
    const r = renderTFunc(f, st.tsigs[i], globals, st);
    lines.push(...r.lines);
    costs.push(r.c);
    const sig = st.tsigs[i];
    if (sig.group.length === 0) sig.cost = r.c;
    else if (Math.max(...sig.group) === i) for (const j of sig.group) st.tsigs[j].cost = sig.group.reduce((n, k) => n + costs[k], 0);
  });
  return lines;
}

/** The names a trigger may watch: the budget and the int parameters. */
function watched(sig: TSig): string[] {
  return [...(sig.rec ? ["n"] : []), ...sig.paramNames.filter((_, i) => sig.params[i] === "int")];
}

function renderTFunc(f: TFunc, sig: TSig, globals: VarInfo[], st: RenderState): { lines: string[]; c: number } {
  const params: VarInfo[] = [
    ...(sig.rec ? [{ name: "n", cat: "int" as const, mutable: false }] : []),
    ...sig.params.map((cat, i): VarInfo => ({ name: sig.paramNames[i], cat, mutable: true })),
  ];
  // A function assigning a global by name makes it a dynamic (SETDYN) name, which traces
  // do not record: globals are read-only here, but for element stores into arrays.
  const seen = globals.map((v): VarInfo => (v.cat === "arr" ? v : { ...v, mutable: false }));
  const ctx: Ctx = { frames: [sig.pure ? [] : seen, params, []], fn: null, tfn: sig, loops: 0, calls: true, lambdas: false, costScale: 1, traceable: true };
  const lines: string[] = [];
  let c = 2;
  const init = renderExpr(f.init, ctx, st);
  if (sig.rec) {
    st.feature(sig.group.length > 1 ? "mutual-recursion" : "recursion");
    lines.push("if (n <= 0) {", `${IND}return ${init.t}`, "}");
  }
  const r = st.fresh("r");
  lines.push(`mut ${r} := ${init.t}`);
  c += init.c + 1;
  declare(ctx, { name: r, cat: sig.ret, mutable: true, declCat: sig.ret, floaty: sig.ret === "num" });
  const at = Math.min(f.recurAt, f.body.length);
  const parts: ({ stmt: Stmt } | { trigger: Trigger } | { recur: true })[] = [
    ...f.body.slice(0, at).map((stmt) => ({ stmt })),
    ...(f.recurAt % 2 === 0 && sig.rec ? [{ recur: true as const }] : []),
    ...f.triggers.map((trigger) => ({ trigger })),
    ...(f.recurAt % 2 === 1 && sig.rec ? [{ recur: true as const }] : []),
    ...f.body.slice(at).map((stmt) => ({ stmt })),
  ];
  for (const p of parts) {
    const out = "stmt" in p ? renderSeq([p.stmt], ctx, st, Infinity) : "trigger" in p ? renderTrigger(p.trigger, r, sig, ctx, st) : renderRecur(f, r, sig, ctx, st);
    lines.push(...out.lines);
    c += out.c;
  }
  const result = renderExpr(f.result, ctx, st);
  lines.push(`return (${r} + ${result.t})`);
  c += result.c + 1;
  const head = `func ${sig.name}(${[...(sig.rec ? ["n"] : []), ...sig.paramNames].join(", ")}) {`;
  return { lines: [head, ...indent(lines), "}"], c };
}

function renderTrigger(t: Trigger, r: string, sig: TSig, ctx: Ctx, st: RenderState): { lines: string[]; c: number } {
  st.feature("callee-guard");
  // Errors and growth watch a parameter (a loop counter at most call sites), not the
  // budget: a budget reaches every small value at once.
  const names = watched(sig);
  const raises = t.k !== "branch" && t.k !== "float" && t.k !== "ret";
  const params = raises && names.length > 1 ? names.filter((n) => n !== "n") : names;
  const p = params[t.param % params.length];
  // The budget is small: thresholds on it are too.
  const th = "t" in t ? (p === "n" ? 1 + (t.t % 4) : t.t) : 0;
  switch (t.k) {
    case "branch": {
      const cond =
        t.form === 0 ? `(${p} < ${th})` : t.form === 1 ? `(${p} >= ${th})` : t.form === 2 ? `(${p} == ${th})` : t.form === 3 ? `((${p} % ${2 + (th % 7)}) == 0)` : `(${p} > ${th})`;
      const then = renderBlock(t.then, ctx, st);
      const lines = [`if ${cond} {`, ...indent(then.lines)];
      let c = then.c;
      if (t.else !== null) {
        const els = renderBlock(t.else, ctx, st);
        lines.push("} else {", ...indent(els.lines));
        c = Math.max(c, els.c);
      }
      return { lines: [...lines, "}"], c: c + 2 };
    }
    case "float":
      if (sig.ret !== "num") return { lines: [`if (${p} >= ${th}) {`, `${IND}${r} := (${r} + 1)`, "}"], c: 2 };
      st.feature("type-change");
      return { lines: [`if (${p} >= ${th}) {`, `${IND}${r} := (${r} + ${pickFrom(FLOAT_LITERALS, t.f)})`, "}"], c: 2 };
    case "grow":
      return grow(r, p, th, st);
    case "double": {
      // A fed-back accumulator (feed statements pass it as the first num parameter)
      // doubles on every call: 2^53 is crossed in here, then i64 overflows.
      const nums = sig.paramNames.filter((_, i) => sig.params[i] === "num");
      if (nums.length === 0 || sig.ret !== "num") return grow(r, p, 2 + (t.other * 37) % 200, st);
      return { lines: [`${r} := ((${nums[t.other % nums.length]} * 2) + ${p})`], c: 2 };
    }
    case "index": {
      const arr = sig.ret === "int" || sig.pure ? (sig.pure ? null : st.table) : resolveVar(ctx, "arr", t.pick)?.name ?? st.table;
      if (arr === null) return { lines: [`${r} := (${r} + ${p})`], c: 1 };
      st.feature("array");
      return { lines: [`${r} := (${r} + ${arr}[${p}])`], c: 2 };
    }
    case "div":
      st.feature("near-zero-divisor");
      return { lines: [`${r} := (${r} + (1000 ${t.mod ? "%" : "/"} (${p} - ${th})))`], c: 2 };
    case "ret": {
      const v = renderExpr(t.value, ctx, st);
      return { lines: [`if (${p} > ${th}) {`, `${IND}return ${v.t}`, "}"], c: v.c + 2 };
    }
    case "throw": {
      const fatal = FATALS[t.fatal];
      st.feature(fatal === undefined ? "throw" : fatal.name === "exit" ? "exit" : "fatal-error");
      const body = fatal === undefined ? `throw("${sig.name} at ${th}")` : fatal.source;
      return { lines: [`if (${p} == ${th}) {`, `${IND}${body}`, "}"], c: 2 };
    }
  }
}

/** `p * G` reaches 2^53 at p = th, inside the callee (G itself is below 2^53, so it is a
 *  trace constant); the remainder keeps the result small, so the caller does not cross
 *  first by adding it up. */
function grow(r: string, p: string, th: number, st: RenderState): { lines: string[]; c: number } {
  const g = (TWO_53 + BigInt(Math.max(2, th)) - 1n) / BigInt(Math.max(2, th));
  st.feature("i64-boundary");
  return { lines: [`${r} := (${r} + ((${p} * ${intLiteral(g)}) % 1000003))`], c: 2 };
}

/** `r := (r + tJ((n - 1), ..))`, J the function itself or its partner. */
function renderRecur(f: TFunc, r: string, sig: TSig, ctx: Ctx, st: RenderState): { lines: string[]; c: number } {
  const partner = sig.group.find((i) => i !== sig.index);
  const target = st.tsigs[f.rec === "mutual" && partner !== undefined ? partner : sig.index];
  const args = ["(n - 1)", ...target.params.map((cat, i) => argText(cat === "int" ? f.recurArgs.iargs[i % 3] : f.recurArgs.nargs[i % 3], ctx, st).t)];
  const call = `${target.name}(${args.join(", ")})`;
  // An int function adds an int result only; a num result decides a branch instead.
  if (sig.ret === "int" && target.ret === "num") return { lines: [`if (${call} > 0) {`, `${IND}${r} := (${r} + 1)`, "}"], c: 3 };
  return { lines: [`${r} := (${r} + ${call})`], c: 2 };
}

/** An argument; a loop counter that is not there (inside a traceable function) becomes the
 *  function's first int parameter, so the caller's counter is passed on. */
function argText(e: Expr, ctx: Ctx, st: RenderState): Rendered {
  if (e.k === "ctr" && resolveCounter(ctx, e.pick) === null && ctx.tfn !== undefined) {
    const names = ctx.tfn.paramNames.filter((_, i) => ctx.tfn?.params[i] === "int");
    if (names.length > 0) return { t: names[0], c: 0 };
  }
  return renderExpr(e, ctx, st);
}

export function renderMakers(ms: Maker[], globals: VarInfo[], st: RenderState): string[] {
  const lines: string[] = [];
  st.makers = [];
  ms.forEach((m, i) => {
    const name = `mk${i}`;
    const a = st.fresh("a");
    const q = st.fresh("q");
    const x = st.fresh("x");
    const outer: Ctx = { frames: [globals, [{ name: a, cat: "int", mutable: false }]], fn: null, loops: 0, calls: true, lambdas: false, costScale: 1, traceable: true };
    // The maker runs once, outside any try: its own locals only.
    const init = renderExpr(m.init, { ...outer, frames: [[], outer.frames[1]], calls: false }, st);
    const inner = withFrame(withFrame(outer, [{ name: q, cat: "num", mutable: true, floaty: true }]), [{ name: x, cat: "num", mutable: false }]);
    const body = renderExpr(m.body, inner, st);
    const mutate = m.mutate ? [`${IND}${IND}${q} := (${q} + ${x})`] : [];
    // The closure always reads its captured cell (GETUPVAL in the inlined frame).
    lines.push(`func ${name}(${a}) {`, `${IND}mut ${q} := ${init.t}`, `${IND}return func(${x}) {`, ...mutate, `${IND}${IND}return (${q} + ${body.t})`, `${IND}}`, "}");
    st.makers.push({ name, cost: body.c + 3 } satisfies MakerSig);
  });
  return lines;
}

/** `let cN := func(x) { return BODY }` or `let cN := mkK(ARG)` before an inlining loop. */
export function renderFnDecl(d: { k: "lambda"; body: Expr } | { k: "make"; pick: number; arg: Expr }, ctx: Ctx, st: RenderState): string {
  const name = st.fresh("c");
  if (d.k === "make" && st.makers.length > 0) {
    const m = st.makers[d.pick % st.makers.length];
    const arg = renderExpr(d.arg, ctx, st);
    st.feature("closure");
    st.feature("closure-capture");
    declare(ctx, { name, cat: "fn", mutable: false, cost: m.cost });
    return `let ${name} := ${m.name}(${arg.t})`;
  }
  const x = st.fresh("x");
  const body = d.k === "lambda" ? renderExpr(d.body, withFrame(ctx, [{ name: x, cat: "num", mutable: false }], { lambdas: false, loops: 0, traceable: true }), st) : { t: `(${x} + 1)`, c: 1 };
  st.feature("closure");
  declare(ctx, { name, cat: "fn", mutable: false, cost: body.c + 3 });
  return `let ${name} := func(${x}) { return ${body.t} }`;
}

/** A call of a traceable function; `feed` is passed for the first num parameter. */
export function renderIcall(e: Extract<Expr, { k: "icall" }>, ctx: Ctx, st: RenderState, feed?: string): Rendered {
  const fallback = (): Rendered => argText(e.iargs[0], ctx, st);
  if (!ctx.calls) return fallback();
  const tfn = ctx.tfn;
  const callable = st.tsigs.filter((s) => {
    if (e.cat === "int" && s.ret !== "int") return false;
    if (tfn === undefined) return true;
    return s.index < Math.min(...tfn.group, tfn.index) && (!tfn.pure || s.pure);
  });
  if (callable.length === 0) return fallback();
  const sig = callable[callable.length - 1 - (e.pick % callable.length)];
  let budget = 0;
  const args: string[] = [];
  let c = 3;
  if (sig.rec) {
    const counter = tfn === undefined ? resolveCounter(ctx, 0) : null;
    if (e.budget <= 5 || counter === null) {
      budget = tfn === undefined ? e.budget % 6 : e.budget % 3;
      args.push(String(budget));
    } else {
      budget = e.budget - 5;
      args.push(`(${counter.name} % ${budget + 1})`);
    }
  }
  let fed = false;
  sig.params.forEach((cat, i) => {
    if (cat === "num" && feed !== undefined && !fed) {
      fed = true;
      args.push(feed);
      return;
    }
    const a = argText(cat === "int" ? e.iargs[i % 3] : e.nargs[i % 3], ctx, st);
    args.push(a.t);
    c += a.c;
  });
  st.feature(tfn === undefined && ctx.traceable !== true ? "inline-call" : "nested-call");
  if (ctx.loops > 0) st.feature("call-in-loop");
  return { t: `${sig.name}(${args.join(", ")})`, c: c + sig.cost * (budget + 1) };
}
