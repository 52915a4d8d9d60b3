// The abstract program tree that the fast-check arbitraries generate and render.ts prints
// as Ruff source. Names are not in the tree: variables, counters and functions are
// picked by index at render time among those in scope, so every shrunk tree still
// prints a well-formed, terminating program.

/** Value categories. `num` holds an int or a float (its kind may change at run time);
 *  `any` holds a value of any category but `fn` (it may change category). */
export type Cat = "int" | "num" | "str" | "bool" | "arr" | "dict" | "struct" | "grid" | "any";

export const CATS: readonly Cat[] = ["int", "num", "str", "bool", "arr", "dict", "struct", "grid", "any"];

/** Categories a function parameter or result can have. */
export type ParamCat = "int" | "num" | "str" | "bool" | "arr" | "dict" | "struct";

export type Expr =
  | { k: "int"; v: bigint }
  | { k: "float"; i: number }
  | { k: "str"; i: number }
  | { k: "key"; i: number }
  | { k: "bool"; v: boolean }
  /** A variable of category `cat` in scope (falls back to a literal). */
  | { k: "var"; cat: Cat; pick: number }
  /** An int: a loop counter, minus an offset that puts zero inside the loop's range. */
  | { k: "ctr"; pick: number; permille: number }
  /** A bool that flips after a number of iterations: a loop counter against a threshold. */
  | { k: "flip"; pick: number; permille: number; form: number }
  | { k: "arith"; op: "+" | "-" | "*"; l: Expr; r: Expr }
  | { k: "div"; op: "/" | "%"; l: Expr; r: Expr }
  | { k: "neg"; e: Expr }
  | { k: "cmp"; op: "<" | "<=" | ">" | ">="; l: Expr; r: Expr }
  | { k: "eq"; op: "==" | "!="; l: Expr; r: Expr }
  | { k: "logic"; op: "&&" | "||"; l: Expr; r: Expr }
  | { k: "not"; e: Expr }
  | { k: "concat"; l: Expr; r: Expr }
  | { k: "interp"; parts: Expr[] }
  /** A builtin call whose argument categories come from BUILTINS (literals.ts). */
  | { k: "builtin"; name: string; args: Expr[] }
  | { k: "index"; a: Expr; i: Expr; raw: boolean }
  | { k: "gridIndex"; g: Expr; i: Expr; j: Expr }
  | { k: "dget"; d: Expr; key: number; dflt: Expr }
  | { k: "dindex"; d: Expr; key: number }
  | { k: "field"; s: Expr; f: "x" | "y" }
  | { k: "method"; s: Expr; m: "sum" | "moved"; arg: Expr }
  | { k: "structAdd"; l: Expr; r: Expr }
  | { k: "arrLit"; elems: Expr[]; spread: Expr | null }
  | { k: "dictLit"; entries: { key: number; value: Expr }[] }
  | { k: "structLit"; x: Expr; y: Expr }
  | { k: "gridLit"; rows: Expr[][] }
  /** A value of category `cat` used where any value is accepted. */
  | { k: "anyOf"; cat: Cat; e: Expr }
  /** Call of a closure variable (num -> num); falls back to the argument. */
  | { k: "callFn"; pick: number; arg: Expr }
  /** map/filter/any/all/reduce with an inline lambda. */
  | { k: "hof"; name: "map" | "filter" | "reduce" | "any" | "all"; a: Expr; body: Expr; init: Expr }
  /** Call of a generated function returning `cat`; args pick variables; depth 0-5 is a
   *  literal recursion budget, 6 a loop counter modulo 6, 7 the caller's own budget. */
  | { k: "call"; cat: Cat; pick: number; args: number[]; depth: number }
  /** Call of a small traceable function (`TFunc`, arb-inline.ts) that traces inline:
   *  `iargs`/`nargs` are the arguments for its int/num parameters (by position), `budget`
   *  the recursion budget of a recursive one (0-5 a literal, 6+ a loop counter modulo
   *  `budget - 4`). Falls back to an argument when no such function is in reach. */
  | { k: "icall"; cat: "int" | "num"; pick: number; iargs: Expr[]; nargs: Expr[]; budget: number };

/** `for i in range(K)`, `for i in K`, `while`, `loop`, `for x in VAR`. */
export type LoopForm = "for" | "count" | "while" | "loop" | "each";

export type Stmt =
  | { k: "decl"; cat: Cat; mut: boolean; value: Expr }
  /** `let vN := func(p) { return body }` */
  | { k: "declFn"; body: Expr }
  | { k: "assign"; cat: Cat; pick: number; value: Expr }
  | { k: "compound"; op: "+=" | "-=" | "*="; cat: "int" | "num" | "str"; pick: number; value: Expr }
  | { k: "setIndex"; pick: number; i: Expr; value: Expr; raw: boolean }
  | { k: "setKey"; pick: number; key: number; value: Expr }
  | { k: "setField"; pick: number; f: "x" | "y"; value: Expr }
  | { k: "setGrid"; pick: number; i: Expr; j: Expr; value: Expr }
  | { k: "push"; pick: number; value: Expr }
  | { k: "print"; args: Expr[] }
  | { k: "if"; cond: Expr; then: Stmt[]; else: Stmt[] | null }
  /** A bounded loop; `n` is the nominal trip count, `each` iterates a variable of `eachCat`. */
  | { k: "loop"; form: LoopForm; n: number; body: Stmt[]; pick: number; eachCat: "arr" | "dict" | "str" }
  | { k: "jump"; op: "break" | "continue"; cond: Expr | null }
  | { k: "try"; body: Stmt[]; handler: Stmt[]; show: boolean }
  | { k: "throw"; cond: Expr; msg: Expr }
  /** A runtime error (kind indexes FATALS) or `exit`, under a condition. */
  | { k: "fatal"; kind: number; cond: Expr }
  | { k: "callStmt"; call: Expr }
  /** Recursive call to the function itself or its mutual partner, with budget `d - 1`. */
  | { k: "recur"; partner: boolean; pick: number; args: number[] }
  /** Early return (functions only) of a variable of the function's result category. */
  | { k: "ret"; cond: Expr; pick: number }
  /** A hot numeric loop (arb-stmt.ts hotLoop): accumulators and arrays declared just
   *  before it, a body a loop trace can compile, and a print of the accumulators after it;
   *  `caught`: the loop runs inside `try`, so an error raised in its trace ends only the loop. */
  | { k: "hot"; decls: { cat: "int" | "num" | "arr"; value: Expr }[]; loop: Extract<Stmt, { k: "loop" }>; caught: boolean; fns?: FnDecl[] }
  /** `target := tK(.., target, ..)`: an accumulator fed back through a traceable function
   *  (its value grows inside the callee, e.g. crosses 2^53 or overflows there). */
  | { k: "feed"; pick: number; call: Extract<Expr, { k: "icall" }> };

/** Closures declared before an inlining hot loop: a lambda, or one made by a `Maker`
 *  (so it captures the maker's locals). */
export type FnDecl = { k: "lambda"; body: Expr } | { k: "make"; pick: number; arg: Expr };

/** A guard inside a traceable function that starts failing after some calls: the exit
 *  leaves through the inlined frames (a deopt rebuilding two or more frames). `param`
 *  picks the parameter it watches (a loop counter at most call sites); `t` is the
 *  threshold. */
export type Trigger =
  /** A branch on the parameter that changes direction at `t`. */
  | { k: "branch"; param: number; t: number; form: number; then: Stmt[]; else: Stmt[] | null }
  /** The local result becomes a float once the parameter reaches `t` (num results). */
  | { k: "float"; param: number; t: number; f: number }
  /** `r := r + p * G` with G = 2^53 / t: crosses 2^53 at p = t (a bigint from then on). */
  | { k: "grow"; param: number; t: number }
  /** `r := (q * 2) + p` on another (fed back) parameter: crosses 2^53, then overflows i64. */
  | { k: "double"; param: number; other: number }
  /** A global array read at the parameter, unchecked: out of bounds at p = len. */
  | { k: "index"; param: number; pick: number }
  /** A divisor `p - t` that reaches zero (int division or modulo by zero). */
  | { k: "div"; param: number; t: number; mod: boolean }
  /** An early return once p passes t. */
  | { k: "ret"; param: number; t: number; value: Expr }
  /** A throw (or a fatal error) once p equals t. */
  | { k: "throw"; param: number; t: number; fatal: number };

/** A small function whose body a trace records (numbers, bools, branches, array
 *  elements, calls of earlier traceable functions): what hot loops call to get calls
 *  inlined and guards failing in the callee. */
export interface TFunc {
  /** Parameter categories (after the recursion budget `n` of a recursive one). */
  params: ("int" | "num")[];
  ret: "int" | "num";
  /** `self`: recursion through `n`; `mutual`: with the next traceable function. */
  rec: "none" | "self" | "mutual";
  /** Sees no globals (entry traces of recursive functions may not read them). */
  pure: boolean;
  init: Expr;
  body: Stmt[];
  triggers: Trigger[];
  /** Where the recursive call goes among the body statements. */
  recurAt: number;
  recurArgs: { iargs: Expr[]; nargs: Expr[] };
  result: Expr;
}

/** `func mkN(a) { mut q := init; return func(x) { [q := (q + x)] return (q + body) } }`. */
export interface Maker {
  init: Expr;
  /** The closure writes its captured cell before returning (a counter). */
  mutate: boolean;
  body: Expr;
}

export interface Func {
  params: ParamCat[];
  ret: ParamCat;
  rec: "none" | "self" | "mutual";
  body: Stmt[];
  /** Recursive calls (used when `rec` is not none), inserted before body statement `recurAt`. */
  recur: Extract<Stmt, { k: "recur" }>[];
  recurAt: number;
  result: Expr;
}

export interface GlobalDecl {
  cat: Cat;
  value: Expr;
}

export interface GenProgram {
  /** The generator profile (arb-expr.ts): whole language or numeric kernel. */
  profile: "general" | "kernel";
  globals: GlobalDecl[];
  funcs: Func[];
  main: Stmt[];
  /** Traceable functions and closure makers (absent in programs without them). */
  tfuncs?: TFunc[];
  makers?: Maker[];
  /** Length of a global int table `tb := range(L)` read by traceable functions. */
  table?: number;
}
