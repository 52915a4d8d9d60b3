// Renders a whole generated program as Ruff source: the struct used by struct
// expressions, the global prelude, the functions (with recursion groups and cost
// estimates), the main statements, and a final print of every top-level variable.

import { renderExpr } from "./render-expr";
import { COST, type Ctx, type FuncSig, RenderState, type VarInfo, declare } from "./render-scope";
import { renderMakers, renderTFuncs, renderTable } from "./render-inline";
import { clipped, renderSeq } from "./render-stmt";
import type { Func, GenProgram } from "./tree";

export interface RenderedProgram {
  source: string;
  /** Language features the program uses (see render-*.ts for the names). */
  features: Set<string>;
}

const STRUCT_P = `struct P {
    x,
    y,
    func sum(self) {
        return self.x + self.y
    }
    func moved(self, dx) {
        return P { x: self.x + dx, y: self.y }
    }
    func op_add(self, other) {
        return P { x: self.x + other.x, y: self.y + other.y }
    }
}`;

const IND = "    ";

export function renderProgram(p: GenProgram): RenderedProgram {
  const st = new RenderState();
  const globals: VarInfo[] = [];
  const prelude: string[] = [];
  const preludeCtx: Ctx = { frames: [globals], fn: null, loops: 0, calls: false, lambdas: false, costScale: 1 };
  for (const g of p.globals) {
    const v = renderExpr(g.value, preludeCtx, st);
    const name = st.fresh("g");
    declare(preludeCtx, { name, cat: g.cat, mutable: true, declCat: g.value.k === "anyOf" ? g.value.cat : g.cat });
    prelude.push(`mut ${name} := ${v.t}`);
  }

  // Traceable functions and closure makers come first: every function may call them.
  if (p.table !== undefined) prelude.push(renderTable(p.table, globals, st));
  const inline = [...renderTFuncs(p.tfuncs ?? [], globals, st), ...renderMakers(p.makers ?? [], globals, st)];

  st.sigs = signatures(p.funcs, st);
  const funcs: { lines: string[]; c: number; sites: number }[] = [];
  p.funcs.forEach((f, i) => {
    funcs.push(renderFunc(f, st.sigs[i], globals, st));
    finishCosts(st.sigs, funcs, i);
  });

  const mainFrame: VarInfo[] = [];
  const mainCtx: Ctx = { frames: [globals, mainFrame], fn: null, loops: 0, calls: true, lambdas: true, costScale: 1 };
  const main = renderSeq(p.main, mainCtx, st, COST.programCap);
  const shown = [...globals, ...mainFrame].filter((v) => v.cat !== "fn").map((v) => v.name);
  const end: string[] = [];
  for (let i = 0; i < shown.length; i += 4) end.push(`print("end", ${shown.slice(i, i + 4).join(", ")})`);

  const parts = [...(st.usesStruct ? [STRUCT_P] : []), ...prelude, ...inline, ...funcs.flatMap((f) => f.lines), ...main.lines, ...end];
  if (p.funcs.length > 0) st.feature("function");
  st.feature(`profile-${p.profile}`);
  return { source: parts.join("\n") + "\n", features: st.features };
}

/** Names, parameters and recursion groups: a `mutual` function pairs with the next one. */
function signatures(funcs: Func[], st: RenderState): FuncSig[] {
  const sigs: FuncSig[] = funcs.map((f, index) => ({
    index,
    name: `f${index}`,
    params: f.params,
    paramNames: f.params.map(() => st.fresh("p")),
    ret: f.ret,
    group: [],
    body: 1,
    sites: 0,
  }));
  for (let i = 0; i < funcs.length; i++) {
    if (sigs[i].group.length > 0) continue;
    if (funcs[i].rec === "mutual" && i + 1 < funcs.length && sigs[i + 1].group.length === 0) {
      sigs[i].group = [i, i + 1];
      sigs[i + 1].group = [i, i + 1];
    } else if (funcs[i].rec !== "none") {
      sigs[i].group = [i];
    }
  }
  return sigs;
}

function renderFunc(f: Func, sig: FuncSig, globals: VarInfo[], st: RenderState): { lines: string[]; c: number; sites: number } {
  const params: VarInfo[] = [
    { name: "d", cat: "int", mutable: false },
    ...sig.params.map((cat, i): VarInfo => ({ name: sig.paramNames[i], cat, mutable: true })),
  ];
  const recursive = sig.group.length > 0;
  const ctx: Ctx = {
    frames: [globals, params, []],
    fn: { sig, recurSites: 0 },
    loops: 0,
    calls: true,
    lambdas: true,
    costScale: recursive ? COST.recursionFactor : 1,
  };
  const stmts = recursive ? [...f.body.slice(0, f.recurAt), ...f.recur, ...f.body.slice(f.recurAt)] : f.body;
  const body = renderSeq(stmts, ctx, st, COST.funcCap / ctx.costScale);
  const result = renderExpr(f.result, ctx, st);
  const head = `func ${sig.name}(${["d", ...sig.paramNames].join(", ")}) {`;
  const lines = [head, ...[...body.lines, `return ${clipped(sig.ret, f.result, result.t)}`].map((l) => IND + l), "}"];
  return { lines, c: body.c + result.c + 2, sites: ctx.fn?.recurSites ?? 0 };
}

/** Once function `last` and its group are rendered, fix their cost (see callCost). */
function finishCosts(sigs: FuncSig[], funcs: { c: number; sites: number }[], last: number): void {
  const sig = sigs[last];
  if (sig.group.length === 0) {
    sig.body = funcs[last].c;
    return;
  }
  if (Math.max(...sig.group) !== last) return;
  for (const i of sig.group) {
    sigs[i].body = sig.group.reduce((n, j) => n + funcs[j].c, 0);
    sigs[i].sites = Math.max(...sig.group.map((j) => funcs[j].sites));
  }
}
