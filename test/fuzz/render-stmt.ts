// Prints generated statements as Ruff source. Keeps programs well formed (no empty
// blocks, `break`/`continue` only inside loops, names declared before use, no line that
// starts with `(`, `[` or `-`) and terminating (loop counters are never assigned; a
// loop's trip count is cut down when its body is expensive; recursion passes `d - 1`).

import { DICT_KEYS, FATALS, pickFrom } from "./literals";
import { type Rendered, callArgs, renderExpr } from "./render-expr";
import { renderFnDecl, renderIcall } from "./render-inline";
import {
  COST, type Ctx, type RenderState, type VarInfo, declare, defaultOf, resolveMutable, resolveTarget, resolveVar, withFrame,
} from "./render-scope";
import type { Cat, Expr, Stmt } from "./tree";

export interface Lines {
  lines: string[];
  c: number;
}

const IND = "    ";
const indent = (lines: string[]): string[] => lines.map((l) => IND + l);
const one = (line: string, c: number): Lines => ({ lines: [line], c });

/** Render statements in a new scope; never empty (an empty block can misparse). */
export function renderBlock(stmts: Stmt[], ctx: Ctx, st: RenderState, prelude: VarInfo[] = []): Lines {
  const inner = withFrame(ctx, prelude);
  return renderSeq(stmts, inner, st, Infinity);
}

/** Render statements into the current scope, stopping once `cap` cost is reached. */
export function renderSeq(stmts: Stmt[], ctx: Ctx, st: RenderState, cap: number): Lines {
  const lines: string[] = [];
  let c = 0;
  for (const s of stmts) {
    if (c >= cap) break;
    const r = renderStmt(s, ctx, st);
    lines.push(...r.lines);
    c += r.c;
  }
  if (lines.length === 0) lines.push(`let ${st.fresh("v")} := 0`);
  return { lines, c };
}

function hasFloat(e: Expr): boolean {
  if (e.k === "float") return true;
  if (e.k === "builtin" && ["abs", "sqrt", "floor", "round", "min", "max", "to_float", "pow"].includes(e.name)) return true;
  return Object.values(e).some((v) => (Array.isArray(v) ? v.some((x) => isExpr(x) && hasFloat(x)) : isExpr(v) && hasFloat(v)));
}

function isExpr(v: unknown): v is Expr {
  return typeof v === "object" && v !== null && "k" in v;
}

function anyCat(e: Expr, fallback: Cat): Cat {
  return e.k === "anyOf" ? e.cat : fallback;
}

/** `if (cond) { body }` on three lines. */
function guarded(cond: string, body: string[]): string[] {
  return [`if (${cond}) {`, ...indent(body), "}"];
}

export function renderStmt(s: Stmt, ctx: Ctx, st: RenderState): Lines {
  const ex = (e: Expr): Rendered => renderExpr(e, ctx, st);
  switch (s.k) {
    case "decl": {
      const v = ex(s.value);
      const name = st.fresh("v");
      if (s.value.k === "var" && ["arr", "dict", "struct", "grid"].includes(s.value.cat)) st.feature("value-copy");
      declare(ctx, { name, cat: s.cat, mutable: s.mut, declCat: anyCat(s.value, s.cat), floaty: hasFloat(s.value) });
      return one(`${s.mut ? "mut" : "let"} ${name} := ${v.t}`, v.c + 1);
    }
    case "declFn": {
      st.feature("closure");
      const p = st.fresh("p");
      const body = renderExpr(s.body, withFrame(ctx, [{ name: p, cat: "num", mutable: false }], { calls: false, lambdas: false, loops: 0 }), st);
      const name = st.fresh("v");
      declare(ctx, { name, cat: "fn", mutable: false });
      return one(`let ${name} := func(${p}) { return ${body.t} }`, 2);
    }
    case "assign":
      return assign(s.cat, s.pick, s.value, ctx, st);
    case "compound": {
      const target = s.cat === "num" ? resolveMutable(ctx, "num", s.pick) : resolveMutable(ctx, s.cat, s.pick);
      if (target === null) return assign(s.cat, s.pick, s.value, ctx, st);
      const v = ex(s.value);
      if (s.cat === "str") return { lines: guarded(`len(${target.name}) < 120`, [`${target.name} += ${v.t}`]), c: v.c + 3 };
      noteTypeChange(target, s.value, st);
      return one(`${target.name} ${s.op} ${v.t}`, v.c + 1);
    }
    case "setIndex": {
      const { v: a, pre } = storeTarget("arr", s.pick, ctx, st);
      st.feature("index-assign");
      const i = ex(s.i);
      const v = ex(s.value);
      const idx = s.raw ? i.t : `(${i.t} % len(${a.name}))`;
      return { lines: [...pre, `${a.name}[${idx}] := ${v.t}`], c: i.c + v.c + 2 };
    }
    case "setKey": {
      const { v: d, pre } = storeTarget("dict", s.pick, ctx, st);
      st.feature("dict");
      const v = ex(s.value);
      return { lines: [...pre, `${d.name}[${pickFrom(DICT_KEYS, s.key)}] := ${v.t}`], c: v.c + 2 };
    }
    case "setField": {
      const { v: p, pre } = storeTarget("struct", s.pick, ctx, st);
      st.feature("struct");
      const v = ex(s.value);
      return { lines: [...pre, `${p.name}.${s.f} := ${v.t}`], c: v.c + 2 };
    }
    case "setGrid": {
      const { v: g, pre } = storeTarget("grid", s.pick, ctx, st);
      st.feature("nested-assign");
      const i = ex(s.i);
      const j = ex(s.j);
      const v = ex(s.value);
      return { lines: [...pre, `${g.name}[(${i.t} % len(${g.name}))][(${j.t} % len(${g.name}[0]))] := ${v.t}`], c: i.c + j.c + v.c + 4 };
    }
    case "push": {
      const { v: a, pre } = storeTarget("arr", s.pick, ctx, st);
      st.feature("array");
      const v = ex(s.value);
      return { lines: [...pre, ...guarded(`len(${a.name}) < 300`, [`${a.name} := push(${a.name}, ${v.t})`])], c: v.c + 3 };
    }
    case "print": {
      const rs = s.args.map(ex);
      return one(`print(${rs.map((r) => r.t).join(", ")})`, rs.reduce<number>((n, r) => n + r.c, COST.print));
    }
    case "if": {
      const cond = ex(s.cond);
      const then = renderBlock(s.then, ctx, st);
      const lines = [`if (${cond.t}) {`, ...indent(then.lines)];
      let c = cond.c + then.c;
      if (s.else !== null) {
        const els = renderBlock(s.else, ctx, st);
        lines.push("} else {", ...indent(els.lines));
        c = Math.max(c, cond.c + els.c);
      }
      lines.push("}");
      return { lines, c: c + 1 };
    }
    case "loop":
      return renderLoop(s, ctx, st);
    case "jump": {
      if (ctx.loops === 0) return printVar(s.cond === null ? 0 : 1, ctx, st);
      st.feature(s.op);
      if (s.cond === null) return one(s.op, 1);
      const cond = ex(s.cond);
      return { lines: guarded(cond.t, [s.op]), c: cond.c + 1 };
    }
    case "try": {
      st.feature("try");
      const body = renderBlock(s.body, ctx, st);
      const err = st.fresh("e");
      const errVar: VarInfo = { name: err, cat: "err", mutable: false };
      const shown = s.show ? [`print("caught", ${err}.message)`] : [];
      const handler = renderBlock(s.handler, ctx, st, [errVar]);
      return { lines: ["try {", ...indent(body.lines), `} except ${err} {`, ...indent([...shown, ...handler.lines]), "}"], c: body.c + handler.c + 2 };
    }
    case "throw": {
      st.feature("throw");
      const cond = ex(s.cond);
      const msg = ex(s.msg);
      return { lines: guarded(cond.t, [`throw(${msg.t})`]), c: cond.c + msg.c + 2 };
    }
    case "fatal": {
      const fatal = FATALS[s.kind % FATALS.length];
      st.feature(fatal.name === "exit" ? "exit" : "fatal-error");
      const cond = ex(s.cond);
      return { lines: guarded(cond.t, [fatal.source]), c: cond.c + 2 };
    }
    case "callStmt": {
      const r = ex(s.call);
      if (/^[A-Za-z_][A-Za-z0-9_]*\(/.test(r.t) && r.t.endsWith(")")) return one(r.t, r.c);
      const name = st.fresh("v");
      const cat = s.call.k === "call" ? s.call.cat : "any";
      declare(ctx, { name, cat, mutable: false, declCat: cat });
      return one(`let ${name} := ${r.t}`, r.c + 1);
    }
    case "recur":
      return renderRecur(s, ctx, st);
    case "feed": {
      const target = resolveMutable(ctx, "num", s.pick);
      const call = renderIcall(s.call, ctx, st, target?.name);
      if (target === null) {
        const name = st.fresh("v");
        declare(ctx, { name, cat: "num", mutable: true, declCat: "num" });
        return one(`mut ${name} := ${call.t}`, call.c + 1);
      }
      target.floaty = true;
      return one(`${target.name} := ${call.t}`, call.c + 1);
    }
    case "hot": {
      const lines: string[] = [];
      let c = 0;
      const names: string[] = [];
      for (const d of s.decls) {
        const v = ex(d.value);
        const name = st.fresh("h");
        declare(ctx, { name, cat: d.cat, mutable: true, declCat: anyCat(d.value, d.cat), floaty: hasFloat(d.value) });
        lines.push(`mut ${name} := ${clipped(d.cat, d.value, v.t)}`);
        names.push(name);
        c += v.c + 1;
      }
      for (const f of s.fns ?? []) lines.push(renderFnDecl(f, ctx, st));
      // A while/loop counter is declared in its own scope, inside the `try` when caught.
      const loop = renderLoop(s.loop, withFrame(ctx), st);
      if (s.caught) {
        st.feature("try");
        const err = st.fresh("e");
        lines.push("try {", ...indent(loop.lines), `} except ${err} {`, `${IND}print("caught", ${err}.message)`, "}");
      } else lines.push(...loop.lines);
      return { lines: [...lines, `print("hot", ${names.join(", ")})`], c: c + loop.c + COST.print };
    }
    case "ret": {
      if (ctx.fn === null) return printVar(s.pick, ctx, st);
      const ret = ctx.fn.sig.ret;
      const cond = ex(s.cond);
      const v = resolveVar(ctx, ret, s.pick)?.name ?? defaultOf(ret, st);
      return { lines: guarded(cond.t, [`return ${v}`]), c: cond.c + 1 };
    }
  }
}

/** Statements that do not apply here print a variable instead. */
function printVar(pick: number, ctx: Ctx, st: RenderState): Lines {
  return one(`print(${resolveVar(ctx, "any", pick)?.name ?? defaultOf("any", st)})`, COST.print);
}

/** The variable a store writes to; with none in scope, a fresh one is declared first. */
function storeTarget(cat: Cat, pick: number, ctx: Ctx, st: RenderState): { v: VarInfo; pre: string[] } {
  const found = resolveMutable(ctx, cat, pick);
  if (found !== null) return { v: found, pre: [] };
  const init = defaultOf(cat, st);
  const v = declare(ctx, { name: st.fresh("v"), cat, mutable: true, declCat: cat });
  return { v, pre: [`mut ${v.name} := ${init}`] };
}

function noteTypeChange(target: VarInfo, value: Expr, st: RenderState): void {
  if (target.cat === "num" && !target.floaty && hasFloat(value)) {
    st.feature("type-change");
    target.floaty = true;
  }
}

/** Strings and arrays stored in loops or returned by recursion could double every time:
 *  keep them short unless the value is a leaf that cannot grow. */
export function clipped(cat: Cat, value: Expr | null, text: string): string {
  const inner = value?.k === "anyOf" ? value.e : value;
  if (inner !== null && ["var", "str", "arrLit"].includes(inner.k) && !(inner.k === "arrLit" && inner.spread !== null)) return text;
  if (cat === "str") return `substring(${text}, 0, 120)`;
  if (cat === "arr") return `slice(${text}, 0, 200)`;
  return text;
}

function assign(cat: Cat, pick: number, value: Expr, ctx: Ctx, st: RenderState): Lines {
  const v = renderExpr(value, ctx, st);
  const target = resolveTarget(ctx, cat, pick);
  const valueCat = anyCat(value, cat);
  const clip = clipped(valueCat, value, v.t);
  if (target === null) {
    const name = st.fresh("v");
    declare(ctx, { name, cat, mutable: true, declCat: valueCat, floaty: hasFloat(value) });
    return one(`mut ${name} := ${clip}`, v.c + 1);
  }
  if (target.cat === "any" && target.declCat !== valueCat) st.feature("type-change");
  noteTypeChange(target, value, st);
  if (["arr", "dict", "struct", "grid"].includes(valueCat) && value.k === "var") st.feature("value-copy");
  return one(`${target.name} := ${clip}`, v.c + 1);
}

function renderLoop(s: Extract<Stmt, { k: "loop" }>, ctx: Ctx, st: RenderState): Lines {
  const cap = COST.loopCap / ctx.costScale;
  const snap = st.snapshot(ctx);
  let r = loopWithTrips(s, s.n, ctx, st);
  if (r.trips * (r.body + 2) > cap && r.trips > 1) {
    const trips = Math.max(1, Math.floor(cap / (r.body + 2)));
    st.restore(ctx, snap);
    r = loopWithTrips(s, Math.min(trips, s.n), ctx, st);
  }
  st.feature(`loop-${s.form === "count" ? "for" : s.form}`);
  if (r.trips >= 100) st.feature("hot-loop");
  if (ctx.loops > 0) st.feature("nested-loop");
  return { lines: r.lines, c: r.trips * (r.body + 2) };
}

function loopWithTrips(s: Extract<Stmt, { k: "loop" }>, trips: number, ctx: Ctx, st: RenderState): { lines: string[]; body: number; trips: number } {
  const inLoop = { ...ctx, loops: ctx.loops + 1 };
  if (s.form === "each") {
    const src = resolveVar(ctx, s.eachCat, s.pick);
    if (src !== null) {
      const x = st.fresh("x");
      const elem: VarInfo = { name: x, cat: s.eachCat === "arr" ? "num" : "str", mutable: false };
      const body = renderBlock(s.body, inLoop, st, [elem]);
      const n = s.eachCat === "arr" ? COST.arrTrips : s.eachCat === "dict" ? COST.dictTrips : COST.strTrips;
      const iter = s.eachCat === "arr" && trips < n ? `take(${src.name}, ${trips})` : src.name;
      return { lines: [`for ${x} in ${iter} {`, ...indent(body.lines), "}"], body: body.c, trips: Math.min(n, trips) };
    }
  }
  if (s.form === "for" || s.form === "count" || s.form === "each") {
    const i = st.fresh("i");
    const body = renderBlock(s.body, inLoop, st, [{ name: i, cat: "int", mutable: false, trips }]);
    const iter = s.form === "count" ? String(trips) : `range(${trips})`;
    return { lines: [`for ${i} in ${iter} {`, ...indent(body.lines), "}"], body: body.c, trips };
  }
  const w = st.fresh("w");
  const counter = declare(ctx, { name: w, cat: "int", mutable: false, trips: trips + 1 });
  const body = renderBlock(s.body, inLoop, st);
  counter.trips = trips + 1;
  const head = s.form === "while"
    ? [`while (${w} < ${trips}) {`, `${IND}${w} += 1`]
    : ["loop {", ...indent(guarded(`${w} >= ${trips}`, ["break"])), `${IND}${w} += 1`];
  return { lines: [`mut ${w} := 0`, ...head, ...indent(body.lines), "}"], body: body.c + 2, trips };
}

function renderRecur(s: Extract<Stmt, { k: "recur" }>, ctx: Ctx, st: RenderState): Lines {
  const fn = ctx.fn;
  if (fn === null || fn.sig.group.length === 0 || ctx.loops > 0 || fn.recurSites >= 2) return printVar(s.pick, ctx, st);
  const others = fn.sig.group.filter((i) => i !== fn.sig.index);
  const targetIndex = s.partner && others.length > 0 ? others[0] : fn.sig.index;
  const sig = st.sigs[targetIndex];
  fn.recurSites++;
  st.feature(targetIndex === fn.sig.index ? "recursion" : "mutual-recursion");
  const call = `${sig.name}(${["(d - 1)", ...callArgs(sig.params, s.args, ctx, st)].join(", ")})`;
  const target = resolveTarget(ctx, sig.ret, s.pick);
  const line = target === null ? call : `${target.name} := ${clipped(sig.ret, null, call)}`;
  return { lines: guarded("d > 0", [line]), c: 3 };
}
