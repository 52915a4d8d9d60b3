// The trace IR's definitions as data (LuaJIT IRDEF style): value types, and one row per
// opcode with its operand kinds, result type rule, flags and exact meaning. Opcode
// numbers, names and lookup arrays are all derived from IR_DEFS; nothing else lists ops.

// ---------------------------------------------------------------------------
// Value types

/** name, wasm representation, meaning. The order defines the type codes. */
const IR_TYPE_DEFS = [
  ["int", "i64", "Ruff int known exact with |v| <= 2^53-1: a JS number, never -0 (i64 in wasm; f64 where a trace meets JS: parameters, exit area, helper calls)"],
  ["float", "f64", "Ruff float: an f64 (unboxed; the interpreter boxes it as RFloat)"],
  ["bool", "i32", "Ruff bool"],
  ["ref", "externref", "a JS object (array, dict, struct, function) held by reference"],
  ["none", null, "no value: guards, stores and markers"],
] as const;

type IndexByName<T extends readonly (readonly [string, ...unknown[]])[]> = {
  readonly [K in keyof T & `${number}` as T[K][0]]: K extends `${infer N extends number}` ? N : never;
};

function indexByName<T extends readonly (readonly [string, ...unknown[]])[]>(rows: T): IndexByName<T> {
  const out: Record<string, number> = {};
  rows.forEach((row, i) => (out[row[0]] = i));
  return Object.freeze(out) as IndexByName<T>;
}

export type IrTypeName = (typeof IR_TYPE_DEFS)[number][0];
/** Type codes by name: IrType.int, IrType.float, ... */
export const IrType = indexByName(IR_TYPE_DEFS);
export type IrType = (typeof IrType)[keyof typeof IrType];
export const IR_TYPE_NAMES: readonly IrTypeName[] = IR_TYPE_DEFS.map((row) => row[0]);
/** The wasm value type of each IR type (null: none). */
export const IR_TYPE_WASM: readonly ("i64" | "f64" | "i32" | "externref" | null)[] = IR_TYPE_DEFS.map((row) => row[1]);

// ---------------------------------------------------------------------------
// Operand kinds, result rules, flags

/**
 * Operand kinds. Reference operands hold the ref of an earlier instruction whose type
 * must match: int, float, num (int or float), bool, ref, any, eq (both num or both
 * bool), any? (may be NO_REF). Literal operands (#...) hold a plain non-negative number:
 * #slot interpreter slot, #depth frame depth (0 = the trace's entry frame), #knum index
 * into trace.numConsts, #kref index into trace.refConsts, #bool 0/1, #helper index into
 * trace.helpers, #field struct value slot, #layout StructLayout.id, #kind a RefKind,
 * #callee index into trace.callees, #fields index into trace.objectFields (a list of refs),
 * #elem an ElemKind (what a packed array holds, src/interp/packed.ts), #loopcall index
 * into trace.loopCalls.
 */
export type OperandKind =
  | "int" | "float" | "num" | "bool" | "ref" | "any" | "eq" | "any?"
  | "#slot" | "#depth" | "#knum" | "#kref" | "#bool" | "#helper" | "#field" | "#layout" | "#kind" | "#callee" | "#fields" | "#elem"
  | "#loopcall";

/** Result type: a fixed type, "given" by the emitter (SLOAD, loads, calls), or that of the "left" operand (PHI). */
export type ResultRule = IrTypeName | "given" | "left";

/**
 * pure: the value depends only on the operands and the op has no effect besides a
 *   possible exit, so it may be CSE'd (and DCE'd when it is no guard).
 * guard: may leave the trace; carries a snapshot id; never removed by DCE.
 * commutative: a op b == b op a (operands are put in a canonical order for CSE).
 * sideeffect: writes memory or calls out; never CSE'd or removed; ends CSE of loads.
 * load: reads mutable memory; CSE'd only when no sideeffect op lies in between.
 * control: structure of the trace (LOOP, PHI, EXIT).
 */
export const IrFlag = { pure: 1, guard: 2, commutative: 4, sideeffect: 8, load: 16, control: 32 } as const;
type FlagName = keyof typeof IrFlag;

/** core: the first backend must support it. next: needed by the recorder soon after. */
export type IrTier = "core" | "next";

/** Kinds of JS object a GUARD_KIND checks for (RefKind values are the #kind literal). */
export const RefKind = { array: 0, dict: 1, struct: 2, function: 3 } as const;
export type RefKind = (typeof RefKind)[keyof typeof RefKind];
export const REF_KIND_NAMES: readonly string[] = Object.keys(RefKind);

// ---------------------------------------------------------------------------
// The opcode table. ORDER IR: the opcode numbers follow this order.
// Ruff semantics: int ops work on exact safe ints and exit where the interpreter would
// leave the safe range (it then goes to bigints, or raises); x/0 and x%0 exit (the
// interpreter raises "Division by zero" / "Modulo by zero"). Int results are never -0.

const IR_DEFS = [
  // name            operands                    result    flags                      tier     meaning
  ["KINT",           ["#knum"],                  "int",    "pure",                    "core", "int constant numConsts[a]"],
  ["KFLOAT",         ["#knum"],                  "float",  "pure",                    "core", "float constant numConsts[a] (-0.0 and NaN are distinct constants)"],
  ["KBOOL",          ["#bool"],                  "bool",   "pure",                    "core", "bool constant a != 0"],
  ["KREF",           ["#kref"],                  "ref",    "pure",                    "core", "object constant refConsts[a]"],
  ["SLOAD",          ["#slot", "#depth"],        "given",  "pure",                    "core", "slot a of frame depth b as it was at trace entry; its type was checked by the caller"],

  ["ADD",            ["int", "int"],             "int",    "pure guard commutative",  "core", "a + b; exits unless |result| <= 2^53-1"],
  ["SUB",            ["int", "int"],             "int",    "pure guard",              "core", "a - b; exits unless |result| <= 2^53-1"],
  ["MUL",            ["int", "int"],             "int",    "pure guard commutative",  "core", "a * b (0 for -0); exits unless |result| <= 2^53-1 (f64 rounding is monotone, so the check is exact)"],
  ["DIV",            ["int", "int"],             "int",    "pure guard",              "core", "trunc(a / b) (0 for -0); exits when b == 0"],
  ["MOD",            ["int", "int"],             "int",    "pure guard",              "core", "a - trunc(a / b) * b, sign of a (0 for -0); exits when b == 0"],
  ["NEG",            ["int"],                    "int",    "pure",                    "core", "-a (0 for 0); cannot leave the safe range"],
  ["ADD_SAFE",       ["int", "int"],             "int",    "pure commutative",        "core", "a + b where range facts (src/ir/ranges.ts) show |result| <= 2^53-1: no check"],
  ["SUB_SAFE",       ["int", "int"],             "int",    "pure",                    "core", "a - b where range facts show |result| <= 2^53-1: no check"],

  ["FADD",           ["float", "float"],         "float",  "pure commutative",        "core", "a + b in f64"],
  ["FSUB",           ["float", "float"],         "float",  "pure",                    "core", "a - b in f64"],
  ["FMUL",           ["float", "float"],         "float",  "pure commutative",        "core", "a * b in f64"],
  ["FDIV",           ["float", "float"],         "float",  "pure guard",              "core", "a / b in f64; exits when b is 0.0 or -0.0"],
  ["FMOD",           ["float", "float"],         "float",  "pure guard",              "core", "fmod(a, b) (JS %); exits when b is 0.0 or -0.0"],
  ["FNEG",           ["float"],                  "float",  "pure",                    "core", "-a in f64 (-0.0 for 0.0)"],
  ["CONV_INT_FLOAT", ["int"],                    "float",  "pure",                    "core", "a as a float (exact: |a| <= 2^53-1)"],

  ["LT",             ["num", "num"],             "bool",   "pure",                    "core", "a < b on f64 values (ints are exact there); false if either is NaN"],
  ["LE",             ["num", "num"],             "bool",   "pure",                    "core", "a <= b; false if either is NaN"],
  ["GT",             ["num", "num"],             "bool",   "pure",                    "core", "a > b; false if either is NaN"],
  ["GE",             ["num", "num"],             "bool",   "pure",                    "core", "a >= b; false if either is NaN"],
  ["EQ",             ["eq", "eq"],               "bool",   "pure commutative",        "core", "Ruff ==: bools exactly; numbers by floatEquals (NaN never equal, infinities exact, else |a - b| < 2^-52), which is exact equality when both are ints"],
  ["NE",             ["eq", "eq"],               "bool",   "pure commutative",        "core", "!(a == b) with EQ's meaning (true when either is NaN)"],
  ["NOT",            ["bool"],                   "bool",   "pure",                    "core", "logical not of a bool"],

  ["GUARD_TRUE",     ["bool"],                   "none",   "pure guard",              "core", "exits unless a"],
  ["GUARD_FALSE",    ["bool"],                   "none",   "pure guard",              "core", "exits if a"],
  ["EXIT",           [],                         "none",   "guard control",           "core", "always exits: ends a trace that does not loop"],

  ["FSQRT",          ["float"],                  "float",  "pure guard",              "core", "sqrt(a); exits when a < 0 (Ruff: domain error); sqrt(-0.0) = -0.0, sqrt(NaN) = NaN"],
  ["FABS",           ["float"],                  "float",  "pure",                    "core", "|a|"],
  ["FFLOOR",         ["float"],                  "float",  "pure",                    "core", "floor(a) (a float, as Ruff's floor returns)"],
  ["FCEIL",          ["float"],                  "float",  "pure",                    "core", "ceil(a) (a float)"],
  ["FTOI",           ["float"],                  "int",    "pure guard",              "core", "trunc(a) as an int (to_int); exits when a is NaN or |trunc(a)| > 2^53-1 (the interpreter gives 0, or a bigint)"],
  ["FMIN",           ["float", "float"],         "float",  "pure",                    "core", "min(a, b) as Ruff's (Rust's f64::min): a when a < b or b is NaN, else b; so min(+0, -0) = -0, min(-0, +0) = +0"],
  ["FMAX",           ["float", "float"],         "float",  "pure",                    "core", "max(a, b): a when a > b or b is NaN, else b"],

  ["LOOP",           [],                         "none",   "control",                 "core", "the loop starts after this; instructions before it run once"],
  ["PHI",            ["any", "any", "any?"],     "left",   "control",                 "core", "a loop-carried variable a (defined before LOOP): it takes c's value on entering the loop when c is set (a peeled loop's first-iteration value, defined before LOOP too), and b's at the back edge; the PHIs end the trace and move all at once"],

  ["GUARD_KIND",     ["ref", "#kind"],           "none",   "pure guard",              "next", "exits unless a is an object of RefKind b"],
  ["GUARD_LAYOUT",   ["ref", "#layout"],         "none",   "pure guard",              "next", "exits unless a is a struct whose layout id is b"],
  ["ALEN",           ["ref"],                    "int",    "load",                    "next", "length of array a"],
  ["AGET",           ["ref", "int"],             "given",  "load guard",              "next", "element b of array a unboxed to the given type; exits unless 0 <= b < length and the element has that type"],
  ["ASET",           ["ref", "int", "any"],      "none",   "sideeffect guard",        "next", "a[b] = c (floats boxed, refs marked shared); exits unless 0 <= b < length and a is unshared"],
  ["FLOAD",          ["ref", "#field"],          "given",  "load guard",              "next", "value slot b of struct a (layout guarded before) unboxed to the given type; exits if the value has another type"],
  ["NEWSTRUCT",      ["#kref", "#fields"],       "ref",    "sideeffect",              "next", "a new struct of layout refConsts[a] with the field values objectFields[b]: one the trace made (a VOBJECT until then), allocated where it escapes (pushed onto an array); its object fields are marked shared, as the interpreter's NEWSTRUCT marks them"],
  ["VOBJECT",        ["#kref", "#fields"],       "ref",    "pure",                    "next", "an object the trace never allocates: a struct of layout refConsts[a] with the field values objectFields[b], the array of elements objectFields[b] when refConsts[a] is VIRTUAL_ARRAY, or a Result or Option with the payload objectFields[b] when it is a VIRTUAL_TAGGED tag; only snapshots use it, and an exit makes the object (allocation sinking)"],
  ["CALLH",          ["#helper", "any?", "any?", "any?"], "given", "sideeffect guard", "next", "helpers[a](b, c, d) with the given result type; exits (before any effect) when the helper reports failure"],
  ["CALLT",          ["#callee", "any?", "any?", "any?"], "given", "sideeffect guard", "next", "the entry trace of function callees[a] with arguments b, c, d; when it leaves for the interpreter, the caller exits too: before the call (too deep) or with the call pending (the callee's frames go on top)"],
  ["CALLL",          ["#loopcall", "#fields"],   "given",  "sideeffect guard",        "next", "run the loop tree of the header loopCalls[a] in the snapshot's innermost frame (an inlined call's), its slots loopCalls[a].slots holding the values objectFields[b]; gives what the function returns when the tree returns from it; when the tree leaves for the interpreter, the caller exits too, its frames (the innermost at the header) under the tree's"],

  // Packed arrays (src/interp/packed.ts): a handle is the byte address of the array's
  // entry in the handle table; every access re-reads the entry's base and length there.
  ["AHANDLE",        ["ref", "#elem"],           "int",    "pure guard",              "next", "the handle of array a packed as ElemKind b (packing it now if needed); exits when it cannot be: an element of another kind, packed as another kind, no room"],
  ["PALEN",          ["int"],                    "int",    "load guard",              "next", "length of the packed array with handle a; exits if the handle is dead (the array was unpacked)"],
  ["PAGET",          ["int", "int"],             "given",  "load guard",              "next", "element b of the packed array with handle a, as the given type (its kind's); exits unless 0 <= b < length (never for a dead handle: its length is 0)"],
  ["PASET",          ["int", "int", "any"],      "none",   "sideeffect guard",        "next", "element b of the packed array with handle a = c (of its kind); exits unless 0 <= b < length and the array is unshared"],
  ["PAPUSH",         ["int", "any"],             "none",   "sideeffect guard",        "next", "append b (of its kind) to the packed array with handle a, moving it to a bigger block when full; exits if it is shared or cannot grow"],
] as const satisfies readonly (readonly [string, readonly OperandKind[], ResultRule, string, IrTier, string])[];

export type IrOpName = (typeof IR_DEFS)[number][0];
/** Opcode numbers by name: IrOp.ADD, ... */
export const IrOp = indexByName(IR_DEFS);
export type IrOpcode = (typeof IrOp)[keyof typeof IrOp];

export const IR_OP_COUNT = IR_DEFS.length;
export const IR_OP_NAMES: readonly IrOpName[] = IR_DEFS.map((row) => row[0]);
export const IR_OPERANDS: readonly (readonly OperandKind[])[] = IR_DEFS.map((row) => row[1]);
export const IR_RESULT: readonly ResultRule[] = IR_DEFS.map((row) => row[2]);
export const IR_FLAGS: readonly number[] = IR_DEFS.map((row) => parseFlags(row[0], row[3]));
export const IR_TIER: readonly IrTier[] = IR_DEFS.map((row) => row[4]);
export const IR_DOC: readonly string[] = IR_DEFS.map((row) => row[5]);

/** The most operands an instruction has (columns a b c d of a trace). */
export const MAX_OPERANDS = 4;

function parseFlags(op: string, words: string): number {
  let mask = 0;
  for (const word of words.split(" ")) {
    if (!(word in IrFlag)) throw new Error(`IR table: unknown flag ${word} on ${op}`);
    mask |= IrFlag[word as FlagName];
  }
  return mask;
}

export function hasFlag(op: IrOpcode, flag: number): boolean {
  return (IR_FLAGS[op] & flag) !== 0;
}
export const isGuard = (op: IrOpcode): boolean => (IR_FLAGS[op] & IrFlag.guard) !== 0;
export const isPure = (op: IrOpcode): boolean => (IR_FLAGS[op] & IrFlag.pure) !== 0;
export const isLoad = (op: IrOpcode): boolean => (IR_FLAGS[op] & IrFlag.load) !== 0;
export const hasSideEffect = (op: IrOpcode): boolean => (IR_FLAGS[op] & IrFlag.sideeffect) !== 0;

/** Whether an operand kind names an earlier instruction (not a literal). */
export function isRefOperand(kind: OperandKind): boolean {
  return kind.charCodeAt(0) !== 35; // '#'
}

/** Whether a value of type t may fill an operand of the given reference kind. */
export function typeFitsOperand(t: IrType, kind: OperandKind): boolean {
  switch (kind) {
    case "int": return t === IrType.int;
    case "float": return t === IrType.float;
    case "num": return t === IrType.int || t === IrType.float;
    case "bool": return t === IrType.bool;
    case "ref": return t === IrType.ref;
    case "eq": return t === IrType.int || t === IrType.float || t === IrType.bool;
    case "any":
    case "any?": return t !== IrType.none;
    default: return false;
  }
}

/** The result type of op with the given operand types (for "given", the given type). */
export function resultType(op: IrOpcode, given: IrType, leftType: IrType): IrType {
  const rule = IR_RESULT[op];
  if (rule === "given") return given;
  if (rule === "left") return leftType;
  return IrType[rule];
}

/** The comparison with swapped operands: a < b == b > a. */
export const MIRRORED_COMPARE: Readonly<Partial<Record<IrOpcode, IrOpcode>>> = {
  [IrOp.LT]: IrOp.GT,
  [IrOp.GT]: IrOp.LT,
  [IrOp.LE]: IrOp.GE,
  [IrOp.GE]: IrOp.LE,
};

// Table invariants the builder relies on: CSE keys use only operands a and b.
for (let op = 0; op < IR_OP_COUNT; op++) {
  const cseable = (IR_FLAGS[op] & (IrFlag.pure | IrFlag.load)) !== 0;
  if (cseable && IR_OPERANDS[op].length > 2) throw new Error(`IR table: CSE-able ${IR_OP_NAMES[op]} has > 2 operands`);
  if (IR_OPERANDS[op].length > MAX_OPERANDS) throw new Error(`IR table: ${IR_OP_NAMES[op]} has too many operands`);
}
