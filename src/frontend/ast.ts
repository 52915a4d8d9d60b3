// The Ruff abstract syntax tree: what the parser produces and the compiler consumes.
// Every node carries the source position of its first token (1-based line and column),
// which the compiler copies into the bytecode's position table for runtime errors.

export interface Pos {
  line: number;
  col: number;
}

// ---------------------------------------------------------------------------
// Expressions

export type Expr =
  | IntLit
  | FloatLit
  | StrLit
  | InterpStr
  | BoolLit
  | NullLit
  | Ident
  | SelfExpr
  | ArrayLit
  | DictLit
  | StructLit
  | FuncExpr
  | Unary
  | Binary
  | Logical
  | Call
  | MethodCall
  | Index
  | Field
  | OptField
  | TryOp
  | Tagged
  | EnumCtor
  | ThrowExpr
  | YieldExpr
  | AwaitExpr;

/** Int literal; value is the exact i64 as a bigint when it does not fit a safe JS integer. */
export interface IntLit extends Pos { kind: "Int"; value: number | bigint }
export interface FloatLit extends Pos { kind: "Float"; value: number }
export interface StrLit extends Pos { kind: "Str"; value: string }
/** `"a ${e} b"`: parts alternate freely between literal text and expressions. */
export interface InterpStr extends Pos { kind: "Interp"; parts: (string | Expr)[] }
export interface BoolLit extends Pos { kind: "Bool"; value: boolean }
export interface NullLit extends Pos { kind: "Null" }
export interface Ident extends Pos { kind: "Ident"; name: string }
export interface SelfExpr extends Pos { kind: "Self" }

/** Element of an array literal; `spread` marks `...e`. */
export interface ArrayElem { spread: boolean; value: Expr }
export interface ArrayLit extends Pos { kind: "Array"; elems: ArrayElem[] }

/** Entry of a dict literal: `key: value`, or `...e` when key is null. */
export interface DictEntry { key: Expr | null; value: Expr }
export interface DictLit extends Pos { kind: "Dict"; entries: DictEntry[] }

export interface StructLit extends Pos {
  kind: "StructLit";
  name: string;
  fields: { name: string; value: Expr; line: number; col: number }[];
}

export interface Param { name: string; line: number; col: number }

/** A function body shared by `func` statements, lambdas and struct methods. */
export interface FuncDef extends Pos {
  /** Declared name; "<lambda>" for lambdas; "Type.method" for methods. */
  name: string;
  params: Param[];
  /** True when the first declared parameter was `self` (methods only); it is not in params. */
  hasSelf: boolean;
  isGenerator: boolean;
  isAsync: boolean;
  body: Stmt[];
}
export interface FuncExpr extends Pos { kind: "Func"; def: FuncDef }

export type UnaryOp = "-" | "!";
export interface Unary extends Pos { kind: "Unary"; op: UnaryOp; operand: Expr }

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "<" | "<=" | ">" | ">=";
export interface Binary extends Pos { kind: "Binary"; op: BinaryOp; left: Expr; right: Expr }

/** Short-circuit operators. `&&`/`||` produce bools; `??` yields right only when left is null. */
export type LogicalOp = "&&" | "||" | "??";
export interface Logical extends Pos { kind: "Logical"; op: LogicalOp; left: Expr; right: Expr }

/** `f(args)`; `x |> f(a)` is desugared by the parser to `f(x, a)`. */
export interface Call extends Pos { kind: "Call"; callee: Expr; args: Expr[] }
/** `obj.name(args)`: struct method, field holding a function, or array helper (`xs.map(f)`). */
export interface MethodCall extends Pos { kind: "MethodCall"; object: Expr; name: string; args: Expr[] }
export interface Index extends Pos { kind: "Index"; object: Expr; index: Expr }
export interface Field extends Pos { kind: "Field"; object: Expr; name: string }
/** `obj?.name`: null when obj is null, else a field read (dict: value or null). */
export interface OptField extends Pos { kind: "OptField"; object: Expr; name: string }
/** Postfix `e?`: unwrap Ok/Some, or return Err/None from the current function. */
export interface TryOp extends Pos { kind: "TryOp"; operand: Expr }
/**
 * Result/Option constructors: `Ok(e)`, `Err(e)`, `Some(e)`, `None`; the qualified forms
 * `Result::Ok(e)`, `Option::None` ... produce the same node. value is null for None.
 */
export interface Tagged extends Pos { kind: "Tagged"; tag: "Ok" | "Err" | "Some" | "None"; value: Expr | null }
/** `Enum::Variant` or `Enum::Variant(args)` of a user enum. */
export interface EnumCtor extends Pos { kind: "EnumCtor"; enumName: string; variant: string; args: Expr[] }
export interface ThrowExpr extends Pos { kind: "Throw"; value: Expr }
export interface YieldExpr extends Pos { kind: "Yield"; value: Expr | null }
export interface AwaitExpr extends Pos { kind: "Await"; value: Expr }

// ---------------------------------------------------------------------------
// Patterns (binding forms of let/mut/const, destructuring assignment)

export type Pattern = NamePat | IgnorePat | ArrayPat | DictPat;
export interface NamePat extends Pos { kind: "NamePat"; name: string }
export interface IgnorePat extends Pos { kind: "IgnorePat" }
/** `[a, b, ...rest]`; rest is null when absent. */
export interface ArrayPat extends Pos { kind: "ArrayPat"; elems: Pattern[]; rest: string | null }
/** `{a, b, ...rest}`: keys are the bound names. */
export interface DictPat extends Pos { kind: "DictPat"; keys: string[]; rest: string | null }

// ---------------------------------------------------------------------------
// Statements

export type Stmt =
  | LetStmt
  | AssignStmt
  | DestructureStmt
  | ExprStmt
  | FuncStmt
  | ReturnStmt
  | IfStmt
  | WhileStmt
  | LoopStmt
  | ForStmt
  | BreakStmt
  | ContinueStmt
  | MatchStmt
  | TryStmt
  | StructStmt
  | EnumStmt
  | ImportStmt
  | ExportStmt
  | SpawnStmt
  | TestStmt
  | BlockStmt;

export type DeclKind = "let" | "mut" | "const";
export interface LetStmt extends Pos { kind: "Let"; decl: DeclKind; pattern: Pattern; value: Expr }

/** Assignment target: a name, `obj[i]`, `obj.f`, or nested combinations (`a[i].f[j]`). */
export type Target = Ident | Index | Field;
/** `target = value` / `:=`; op is set for compound `+=` etc. (then value is the right operand). */
export interface AssignStmt extends Pos {
  kind: "Assign";
  target: Target;
  op: "+" | "-" | "*" | "/" | "%" | null;
  value: Expr;
}
/** `[a, b] := e` / `{a, b} := e` at statement start: binds like `let`. */
export interface DestructureStmt extends Pos { kind: "Destructure"; pattern: ArrayPat | DictPat; value: Expr }
export interface ExprStmt extends Pos { kind: "ExprStmt"; expr: Expr }
export interface FuncStmt extends Pos { kind: "FuncStmt"; def: FuncDef }
export interface ReturnStmt extends Pos { kind: "Return"; value: Expr | null }
/** `else if` chains are nested IfStmt in elseBody. */
export interface IfStmt extends Pos { kind: "If"; cond: Expr; then: Stmt[]; else: Stmt[] | null }
export interface WhileStmt extends Pos { kind: "While"; cond: Expr; body: Stmt[] }
/** `loop { }`; `loop while c { }` is a WhileStmt. */
export interface LoopStmt extends Pos { kind: "Loop"; body: Stmt[] }
export interface ForStmt extends Pos { kind: "For"; name: string; iter: Expr; body: Stmt[] }
export interface BreakStmt extends Pos { kind: "Break" }
export interface ContinueStmt extends Pos { kind: "Continue" }

/**
 * `case P: { body }`. pattern is the tag/name text as written (`Ok`, `Result::Ok`, `None`,
 * `Color::Red`, `hello`, `1.5`); binding is the single name in `case Ok(x):`, else null.
 */
export interface MatchCase extends Pos { pattern: string; binding: string | null; body: Stmt[] }
export interface MatchStmt extends Pos { kind: "Match"; subject: Expr; cases: MatchCase[]; default: Stmt[] | null }
export interface TryStmt extends Pos { kind: "Try"; body: Stmt[]; errName: string; handler: Stmt[] }
export interface StructStmt extends Pos { kind: "Struct"; name: string; fields: string[]; methods: FuncDef[] }
export interface EnumStmt extends Pos { kind: "Enum"; name: string; variants: string[] }
/** `import a.b` (names null: everything exported) or `from a.b import x, y`. */
export interface ImportStmt extends Pos { kind: "Import"; path: string[]; names: string[] | null }
export interface ExportStmt extends Pos { kind: "Export"; stmt: Stmt }
export interface SpawnStmt extends Pos { kind: "Spawn"; body: Stmt[] }
/** `test`, `test_group`, `test_setup`, `test_teardown` blocks: skipped by `ruff run`. */
export interface TestStmt extends Pos { kind: "Test"; body: Stmt[] }
/** A bare `{ ... }` block is not Ruff syntax; used internally by desugarings. */
export interface BlockStmt extends Pos { kind: "Block"; body: Stmt[] }

export interface Program {
  file: string;
  body: Stmt[];
}
