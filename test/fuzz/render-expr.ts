// Prints generated expressions as Ruff source, resolving variable picks in the current
// scope. Every compound expression is parenthesised, so precedence and the "elements
// parse at equality level" rule of array/dict literals never matter.

import { BOUNDARY_INTS, DICT_KEYS, FLOAT_BUILTINS, FLOAT_LITERALS, STRING_LITERALS, intLiteral, pickFrom } from "./literals";
import {
  COST, type Ctx, type RenderState, type VarInfo, callCost, defaultOf, receiver, resolveCounter, resolveVar, withFrame,
} from "./render-scope";
import { renderIcall } from "./render-inline";
import type { Cat, Expr } from "./tree";

/** Rendered text and the estimated cost of evaluating it once. */
export interface Rendered {
  t: string;
  c: number;
}

const BOUNDARY = new Set(BOUNDARY_INTS);

export function renderExpr(e: Expr, ctx: Ctx, st: RenderState): Rendered {
  const sub = (x: Expr): Rendered => renderExpr(x, ctx, st);
  const bin = (l: Expr, op: string, r: Expr): Rendered => {
    const a = sub(l);
    const b = sub(r);
    return { t: `(${a.t} ${op} ${b.t})`, c: a.c + b.c + 1 };
  };
  switch (e.k) {
    case "int":
      if (BOUNDARY.has(e.v)) st.feature("i64-boundary");
      return { t: intLiteral(e.v), c: 0 };
    case "float":
      st.feature("float");
      return { t: pickFrom(FLOAT_LITERALS, e.i), c: 0 };
    case "str":
      return { t: pickFrom(STRING_LITERALS, e.i), c: 0 };
    case "key":
      return { t: pickFrom(DICT_KEYS, e.i), c: 0 };
    case "bool":
      return { t: String(e.v), c: 0 };
    case "var": {
      const v = resolveVar(ctx, e.cat, e.pick);
      return { t: v === null ? defaultOf(e.cat, st) : v.name, c: 0 };
    }
    case "ctr":
      return counterOffset(ctx, e.pick, e.permille);
    case "flip":
      return flipCond(ctx, st, e.pick, e.permille, e.form);
    case "arith":
      return bin(e.l, e.op, e.r);
    case "div":
      if (e.r.k === "ctr" || (e.r.k === "int" && e.r.v === 0n)) st.feature("near-zero-divisor");
      return bin(e.l, e.op, e.r);
    case "neg": {
      const a = sub(e.e);
      return { t: `(-${a.t})`, c: a.c + 1 };
    }
    case "cmp":
    case "eq":
    case "logic":
      return bin(e.l, e.op, e.r);
    case "not": {
      const a = sub(e.e);
      return { t: `(!${a.t})`, c: a.c + 1 };
    }
    case "concat":
      st.feature("string");
      return bin(e.l, "+", e.r);
    case "interp":
      return interpolation(e.parts, ctx, st);
    case "builtin":
      return builtin(e.name, e.args, ctx, st);
    case "index": {
      // Code a trace should record has no array literal to fall back to: the index then.
      if (ctx.traceable === true && e.a.k === "var" && resolveVar(ctx, "arr", e.a.pick) === null) return sub(e.i);
      st.feature("array");
      const a = sub(e.a);
      const i = sub(e.i);
      // A computed array may be empty: index `push(a, 0)` so `i % (len(a) + 1)` is in range.
      const simple = e.a.k === "var" || (e.a.k === "arrLit" && e.a.elems.length > 0);
      const t = e.raw
        ? `${receiver(a.t)}[${i.t}]`
        : simple
          ? `${receiver(a.t)}[(${i.t} % len(${a.t}))]`
          : `(push(${a.t}, 0))[(${i.t} % (len(${a.t}) + 1))]`;
      return { t, c: 2 * a.c + i.c + 2 };
    }
    case "gridIndex": {
      st.feature("array");
      const g = sub(e.g);
      const i = sub(e.i);
      const j = sub(e.j);
      const r = receiver(g.t);
      return { t: `${r}[(${i.t} % len(${g.t}))][(${j.t} % len(${r}[0]))]`, c: 3 * g.c + i.c + j.c + 4 };
    }
    case "dget": {
      st.feature("dict");
      const d = sub(e.d);
      const dflt = sub(e.dflt);
      return { t: `get(${d.t}, ${pickFrom(DICT_KEYS, e.key)}, ${dflt.t})`, c: d.c + dflt.c + 2 };
    }
    case "dindex": {
      st.feature("dict");
      const d = sub(e.d);
      return { t: `${receiver(d.t)}[${pickFrom(DICT_KEYS, e.key)}]`, c: d.c + 1 };
    }
    case "field": {
      st.feature("struct");
      const s = sub(e.s);
      return { t: `${receiver(s.t)}.${e.f}`, c: s.c + 1 };
    }
    case "method": {
      st.feature("struct");
      st.feature("method");
      st.usesStruct = true;
      const s = sub(e.s);
      const arg = sub(e.arg);
      const t = e.m === "sum" ? `${receiver(s.t)}.sum()` : `${receiver(s.t)}.moved(${arg.t})`;
      return { t, c: s.c + (e.m === "sum" ? 0 : arg.c) + 5 };
    }
    case "structAdd":
      st.feature("op-overload");
      st.usesStruct = true;
      {
        const r = bin(e.l, "+", e.r);
        return { t: r.t, c: r.c + 5 };
      }
    case "arrLit": {
      st.feature("array");
      const parts = e.elems.map(sub);
      if (e.spread !== null) {
        const spread = sub(e.spread);
        parts.push({ t: `...${spread.t}`, c: spread.c });
      }
      return { t: `[${parts.map((p) => p.t).join(", ")}]`, c: parts.reduce((n, p) => n + p.c + 1, 1) };
    }
    case "dictLit": {
      st.feature("dict");
      const parts = e.entries.map((en) => ({ key: pickFrom(DICT_KEYS, en.key), v: sub(en.value) }));
      return { t: `{${parts.map((p) => `${p.key}: ${p.v.t}`).join(", ")}}`, c: parts.reduce((n, p) => n + p.v.c + 1, 1) };
    }
    case "structLit": {
      st.feature("struct");
      st.usesStruct = true;
      const x = sub(e.x);
      const y = sub(e.y);
      return { t: `P { x: ${x.t}, y: ${y.t} }`, c: x.c + y.c + 2 };
    }
    case "gridLit": {
      st.feature("array");
      const width = e.rows[0].length;
      const rows = e.rows.map((row) => Array.from({ length: width }, (_, i) => (i < row.length ? sub(row[i]) : { t: "0", c: 0 })));
      const t = `[${rows.map((r) => `[${r.map((x) => x.t).join(", ")}]`).join(", ")}]`;
      return { t, c: rows.flat().reduce((n, x) => n + x.c + 1, 1) };
    }
    case "anyOf":
      return sub(e.e);
    case "callFn": {
      const f = resolveVar(ctx, "fn", e.pick);
      const arg = sub(e.arg);
      if (f === null) return arg;
      st.feature("closure-call");
      return { t: `${f.name}(${arg.t})`, c: arg.c + (f.cost ?? 6) };
    }
    case "hof":
      return higherOrder(e, ctx, st);
    case "call":
      return renderCall(e, ctx, st);
    case "icall":
      return renderIcall(e, ctx, st);
  }
}

function counterOffset(ctx: Ctx, pick: number, permille: number): Rendered {
  const v = resolveCounter(ctx, pick);
  if (v === null) return { t: "1", c: 0 };
  const t = Math.floor((permille * (v.trips ?? 1)) / 1000);
  return { t: t === 0 ? v.name : `(${v.name} - ${t})`, c: 1 };
}

/** A condition on a loop counter that changes value after `permille` of the trips. */
function flipCond(ctx: Ctx, st: RenderState, pick: number, permille: number, form: number): Rendered {
  let v: VarInfo | null = resolveCounter(ctx, pick);
  let trips = v?.trips ?? 300;
  if (v === null) {
    v = resolveVar(ctx, "int", pick);
    trips = 300;
    if (v === null) return { t: permille < 500 ? "true" : "false", c: 0 };
  } else {
    st.feature("flip");
  }
  const t = Math.floor((permille * trips) / 1000);
  const n = v.name;
  switch (form) {
    case 0:
      return { t: `(${n} < ${t})`, c: 1 };
    case 1:
      return { t: `(${n} >= ${t})`, c: 1 };
    case 2:
      return { t: `(${n} == ${t})`, c: 1 };
    case 3:
      return { t: `((${n} % ${2 + (permille % 7)}) == 0)`, c: 2 };
    default:
      return { t: `(${n} > ${t})`, c: 1 };
  }
}

function interpolation(parts: Expr[], ctx: Ctx, st: RenderState): Rendered {
  st.feature("string");
  const inner = { ...ctx, calls: false, lambdas: false };
  const rs = parts.map((p) => renderExpr(p, inner, st));
  return { t: `"${rs.map((r) => `\${${r.t}}`).join(" ")}"`, c: rs.reduce((n, r) => n + r.c + 1, 1) };
}

function builtin(name: string, args: Expr[], ctx: Ctx, st: RenderState): Rendered {
  if (ctx.traceable === true && name === "len" && args[0].k === "var" && resolveVar(ctx, "arr", args[0].pick) === null) return { t: "3", c: 0 };
  const rs = args.map((a) => renderExpr(a, ctx, st));
  const c = rs.reduce((n, r) => n + r.c, 0) + (["sum", "sort", "reverse", "concat", "values", "join", "index_of", "contains"].includes(name) ? COST.arrayBuiltin : 2);
  const ts = rs.map((r) => r.t);
  if (FLOAT_BUILTINS.has(name)) st.feature("float");
  if (["push", "reverse", "sort", "slice", "concat", "range", "values", "take", "sum"].includes(name)) st.feature("array");
  if (name === "sqrt") return { t: `sqrt(abs(${ts[0]}))`, c };
  if (name === "concat") return { t: `slice(concat(${ts.join(", ")}), 0, 200)`, c };
  return { t: `${name}(${ts.join(", ")})`, c };
}

function higherOrder(e: Extract<Expr, { k: "hof" }>, ctx: Ctx, st: RenderState): Rendered {
  const resultCat: Cat = e.name === "map" || e.name === "filter" ? "arr" : e.name === "reduce" ? "num" : "bool";
  if (!ctx.lambdas) return { t: defaultOf(resultCat, st), c: 0 };
  st.feature("closure");
  st.feature("callback");
  st.feature("array");
  const a = renderExpr(e.a, ctx, st);
  const params = e.name === "reduce" ? [st.fresh("p"), st.fresh("p")] : [st.fresh("p")];
  const frame: VarInfo[] = params.map((name) => ({ name, cat: "num", mutable: false }));
  const body = renderExpr(e.body, withFrame(ctx, frame, { calls: false, lambdas: false, loops: 0 }), st);
  const lambda = `func(${params.join(", ")}) { return ${body.t} }`;
  const c = a.c + COST.hofTrips * (body.c + 3);
  if (e.name === "reduce") {
    const init = renderExpr(e.init, ctx, st);
    return { t: `reduce(${a.t}, ${init.t}, ${lambda})`, c: c + init.c };
  }
  return { t: `${e.name}(${a.t}, ${lambda})`, c };
}

/** The recursion budget argument of a call (see the `call` node in tree.ts). */
export function depthArg(depth: number, ctx: Ctx): string {
  if (depth <= 5) return String(depth);
  if (depth === 6) {
    const v = resolveCounter(ctx, 0);
    return v === null ? "3" : `(${v.name} % 6)`;
  }
  return ctx.fn === null ? "5" : "d";
}

/** Arguments for parameters of the given categories, picked among variables. */
export function callArgs(params: readonly Cat[], picks: readonly number[], ctx: Ctx, st: RenderState): string[] {
  return params.map((cat, i) => resolveVar(ctx, cat, picks[i % picks.length] ?? 0)?.name ?? defaultOf(cat, st));
}

function renderCall(e: Extract<Expr, { k: "call" }>, ctx: Ctx, st: RenderState): Rendered {
  const fallback = { t: defaultOf(e.cat, st), c: 0 };
  if (!ctx.calls) return fallback;
  const callable = st.sigs.filter((s) => {
    if (e.cat !== "any" && !(s.ret === e.cat || (e.cat === "num" && s.ret === "int"))) return false;
    if (ctx.fn === null) return true;
    return s.index < Math.min(...ctx.fn.sig.group, ctx.fn.sig.index);
  });
  if (callable.length === 0) return fallback;
  const sig = callable[callable.length - 1 - (e.pick % callable.length)];
  st.feature("call");
  if (ctx.loops > 0) st.feature("call-in-loop");
  const args = [depthArg(e.depth, ctx), ...callArgs(sig.params, e.args, ctx, st)];
  return { t: `${sig.name}(${args.join(", ")})`, c: callCost(sig, Math.min(e.depth, 5)) + 3 };
}
