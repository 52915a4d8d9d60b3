// The WebAssembly opcode table, as data: text name, encoding and immediate kind of every
// instruction the trace backend may emit (MVP + sign-ext, saturating truncation, bulk
// memory, reference types, tail calls). Everything else (OPCODE, types, methods) derives from it.

/**
 * What follows the opcode in the binary:
 * - `none`: nothing (all numeric ops, drop, select, return, ...)
 * - `memarg`: align (log2) and offset; the row's 4th field is the natural alignment (log2)
 * - `memidx`: fixed zero memory-index bytes; the row's 4th field is how many (memory.size: 1, memory.copy: 2)
 * - `blocktype`, `else`, `end`: structured control (they move the writer's control depth)
 * - `label`, `br_table`, `func`, `call_indirect`, `local`, `global`, `table`, `heaptype`,
 *   `valtypes`, `i32`, `i64`, `f32`, `f64`: the immediate their name says
 */
export type ImmediateKind =
  | "none" | "memarg" | "memidx" | "blocktype" | "else" | "end" | "label" | "br_table"
  | "func" | "call_indirect" | "local" | "global" | "table" | "heaptype" | "valtypes"
  | "i32" | "i64" | "f32" | "f64";

/** [text name, code, immediate kind, extra]. Codes above 0xff are `prefix << 8 | sub-opcode`. */
export type OpcodeRow = readonly [name: string, code: number, immediate: ImmediateKind, extra?: number];

/** Prefix byte of the "misc" instructions (saturating truncation, bulk memory, table ops). */
export const MISC_PREFIX = 0xfc;
const M = MISC_PREFIX << 8;

export const OPCODE_TABLE = [
  // control
  ["unreachable", 0x00, "none"], ["nop", 0x01, "none"],
  ["block", 0x02, "blocktype"], ["loop", 0x03, "blocktype"], ["if", 0x04, "blocktype"],
  ["else", 0x05, "else"], ["end", 0x0b, "end"],
  ["br", 0x0c, "label"], ["br_if", 0x0d, "label"], ["br_table", 0x0e, "br_table"],
  ["return", 0x0f, "none"],
  ["call", 0x10, "func"], ["call_indirect", 0x11, "call_indirect"],
  ["return_call", 0x12, "func"], ["return_call_indirect", 0x13, "call_indirect"],
  // parametric
  ["drop", 0x1a, "none"], ["select", 0x1b, "none"], ["select_typed", 0x1c, "valtypes"],
  // variables and tables
  ["local.get", 0x20, "local"], ["local.set", 0x21, "local"], ["local.tee", 0x22, "local"],
  ["global.get", 0x23, "global"], ["global.set", 0x24, "global"],
  ["table.get", 0x25, "table"], ["table.set", 0x26, "table"],
  ["table.grow", M | 15, "table"], ["table.size", M | 16, "table"], ["table.fill", M | 17, "table"],
  // memory
  ["i32.load", 0x28, "memarg", 2], ["i64.load", 0x29, "memarg", 3],
  ["f32.load", 0x2a, "memarg", 2], ["f64.load", 0x2b, "memarg", 3],
  ["i32.load8_s", 0x2c, "memarg", 0], ["i32.load8_u", 0x2d, "memarg", 0],
  ["i32.load16_s", 0x2e, "memarg", 1], ["i32.load16_u", 0x2f, "memarg", 1],
  ["i64.load8_s", 0x30, "memarg", 0], ["i64.load8_u", 0x31, "memarg", 0],
  ["i64.load16_s", 0x32, "memarg", 1], ["i64.load16_u", 0x33, "memarg", 1],
  ["i64.load32_s", 0x34, "memarg", 2], ["i64.load32_u", 0x35, "memarg", 2],
  ["i32.store", 0x36, "memarg", 2], ["i64.store", 0x37, "memarg", 3],
  ["f32.store", 0x38, "memarg", 2], ["f64.store", 0x39, "memarg", 3],
  ["i32.store8", 0x3a, "memarg", 0], ["i32.store16", 0x3b, "memarg", 1],
  ["i64.store8", 0x3c, "memarg", 0], ["i64.store16", 0x3d, "memarg", 1], ["i64.store32", 0x3e, "memarg", 2],
  ["memory.size", 0x3f, "memidx", 1], ["memory.grow", 0x40, "memidx", 1],
  ["memory.copy", M | 10, "memidx", 2], ["memory.fill", M | 11, "memidx", 1],
  // constants
  ["i32.const", 0x41, "i32"], ["i64.const", 0x42, "i64"], ["f32.const", 0x43, "f32"], ["f64.const", 0x44, "f64"],
  // i32 comparisons
  ["i32.eqz", 0x45, "none"], ["i32.eq", 0x46, "none"], ["i32.ne", 0x47, "none"],
  ["i32.lt_s", 0x48, "none"], ["i32.lt_u", 0x49, "none"], ["i32.gt_s", 0x4a, "none"], ["i32.gt_u", 0x4b, "none"],
  ["i32.le_s", 0x4c, "none"], ["i32.le_u", 0x4d, "none"], ["i32.ge_s", 0x4e, "none"], ["i32.ge_u", 0x4f, "none"],
  // i64 comparisons
  ["i64.eqz", 0x50, "none"], ["i64.eq", 0x51, "none"], ["i64.ne", 0x52, "none"],
  ["i64.lt_s", 0x53, "none"], ["i64.lt_u", 0x54, "none"], ["i64.gt_s", 0x55, "none"], ["i64.gt_u", 0x56, "none"],
  ["i64.le_s", 0x57, "none"], ["i64.le_u", 0x58, "none"], ["i64.ge_s", 0x59, "none"], ["i64.ge_u", 0x5a, "none"],
  // float comparisons
  ["f32.eq", 0x5b, "none"], ["f32.ne", 0x5c, "none"], ["f32.lt", 0x5d, "none"],
  ["f32.gt", 0x5e, "none"], ["f32.le", 0x5f, "none"], ["f32.ge", 0x60, "none"],
  ["f64.eq", 0x61, "none"], ["f64.ne", 0x62, "none"], ["f64.lt", 0x63, "none"],
  ["f64.gt", 0x64, "none"], ["f64.le", 0x65, "none"], ["f64.ge", 0x66, "none"],
  // i32 arithmetic
  ["i32.clz", 0x67, "none"], ["i32.ctz", 0x68, "none"], ["i32.popcnt", 0x69, "none"],
  ["i32.add", 0x6a, "none"], ["i32.sub", 0x6b, "none"], ["i32.mul", 0x6c, "none"],
  ["i32.div_s", 0x6d, "none"], ["i32.div_u", 0x6e, "none"], ["i32.rem_s", 0x6f, "none"], ["i32.rem_u", 0x70, "none"],
  ["i32.and", 0x71, "none"], ["i32.or", 0x72, "none"], ["i32.xor", 0x73, "none"],
  ["i32.shl", 0x74, "none"], ["i32.shr_s", 0x75, "none"], ["i32.shr_u", 0x76, "none"],
  ["i32.rotl", 0x77, "none"], ["i32.rotr", 0x78, "none"],
  // i64 arithmetic
  ["i64.clz", 0x79, "none"], ["i64.ctz", 0x7a, "none"], ["i64.popcnt", 0x7b, "none"],
  ["i64.add", 0x7c, "none"], ["i64.sub", 0x7d, "none"], ["i64.mul", 0x7e, "none"],
  ["i64.div_s", 0x7f, "none"], ["i64.div_u", 0x80, "none"], ["i64.rem_s", 0x81, "none"], ["i64.rem_u", 0x82, "none"],
  ["i64.and", 0x83, "none"], ["i64.or", 0x84, "none"], ["i64.xor", 0x85, "none"],
  ["i64.shl", 0x86, "none"], ["i64.shr_s", 0x87, "none"], ["i64.shr_u", 0x88, "none"],
  ["i64.rotl", 0x89, "none"], ["i64.rotr", 0x8a, "none"],
  // f32 arithmetic
  ["f32.abs", 0x8b, "none"], ["f32.neg", 0x8c, "none"], ["f32.ceil", 0x8d, "none"], ["f32.floor", 0x8e, "none"],
  ["f32.trunc", 0x8f, "none"], ["f32.nearest", 0x90, "none"], ["f32.sqrt", 0x91, "none"],
  ["f32.add", 0x92, "none"], ["f32.sub", 0x93, "none"], ["f32.mul", 0x94, "none"], ["f32.div", 0x95, "none"],
  ["f32.min", 0x96, "none"], ["f32.max", 0x97, "none"], ["f32.copysign", 0x98, "none"],
  // f64 arithmetic
  ["f64.abs", 0x99, "none"], ["f64.neg", 0x9a, "none"], ["f64.ceil", 0x9b, "none"], ["f64.floor", 0x9c, "none"],
  ["f64.trunc", 0x9d, "none"], ["f64.nearest", 0x9e, "none"], ["f64.sqrt", 0x9f, "none"],
  ["f64.add", 0xa0, "none"], ["f64.sub", 0xa1, "none"], ["f64.mul", 0xa2, "none"], ["f64.div", 0xa3, "none"],
  ["f64.min", 0xa4, "none"], ["f64.max", 0xa5, "none"], ["f64.copysign", 0xa6, "none"],
  // conversions
  ["i32.wrap_i64", 0xa7, "none"],
  ["i32.trunc_f32_s", 0xa8, "none"], ["i32.trunc_f32_u", 0xa9, "none"],
  ["i32.trunc_f64_s", 0xaa, "none"], ["i32.trunc_f64_u", 0xab, "none"],
  ["i64.extend_i32_s", 0xac, "none"], ["i64.extend_i32_u", 0xad, "none"],
  ["i64.trunc_f32_s", 0xae, "none"], ["i64.trunc_f32_u", 0xaf, "none"],
  ["i64.trunc_f64_s", 0xb0, "none"], ["i64.trunc_f64_u", 0xb1, "none"],
  ["f32.convert_i32_s", 0xb2, "none"], ["f32.convert_i32_u", 0xb3, "none"],
  ["f32.convert_i64_s", 0xb4, "none"], ["f32.convert_i64_u", 0xb5, "none"], ["f32.demote_f64", 0xb6, "none"],
  ["f64.convert_i32_s", 0xb7, "none"], ["f64.convert_i32_u", 0xb8, "none"],
  ["f64.convert_i64_s", 0xb9, "none"], ["f64.convert_i64_u", 0xba, "none"], ["f64.promote_f32", 0xbb, "none"],
  ["i32.reinterpret_f32", 0xbc, "none"], ["i64.reinterpret_f64", 0xbd, "none"],
  ["f32.reinterpret_i32", 0xbe, "none"], ["f64.reinterpret_i64", 0xbf, "none"],
  // sign extension
  ["i32.extend8_s", 0xc0, "none"], ["i32.extend16_s", 0xc1, "none"],
  ["i64.extend8_s", 0xc2, "none"], ["i64.extend16_s", 0xc3, "none"], ["i64.extend32_s", 0xc4, "none"],
  // reference types
  ["ref.null", 0xd0, "heaptype"], ["ref.is_null", 0xd1, "none"], ["ref.func", 0xd2, "func"],
  // saturating (non-trapping) float-to-int truncation
  ["i32.trunc_sat_f32_s", M | 0, "none"], ["i32.trunc_sat_f32_u", M | 1, "none"],
  ["i32.trunc_sat_f64_s", M | 2, "none"], ["i32.trunc_sat_f64_u", M | 3, "none"],
  ["i64.trunc_sat_f32_s", M | 4, "none"], ["i64.trunc_sat_f32_u", M | 5, "none"],
  ["i64.trunc_sat_f64_s", M | 6, "none"], ["i64.trunc_sat_f64_u", M | 7, "none"],
] as const satisfies readonly OpcodeRow[];

type Row = (typeof OPCODE_TABLE)[number];
/** Every instruction's text name ("i64.add", "local.get", ...). */
export type OpName = Row[0];
/** Instructions without immediates: emitted by `CodeWriter.op(name)` or the derived method. */
export type PlainOpName = Extract<Row, readonly [string, number, "none"]>[0];
/** Loads and stores (immediate: alignment and offset). */
export type MemoryOpName = Extract<Row, readonly [string, number, "memarg", number]>[0];
/** Instructions whose immediates are fixed zero memory indices (memory.size/grow/copy/fill). */
export type MemoryIndexOpName = Extract<Row, readonly [string, number, "memidx", number]>[0];

/** The method name derived from a text name: "i64.trunc_sat_f64_s" -> "i64_trunc_sat_f64_s". */
export type MethodName<S extends string> = S extends `${infer Head}.${infer Tail}` ? `${Head}_${MethodName<Tail>}` : S;
export const methodNameOf = (name: string): string => name.replace(/\./g, "_");

/** name -> code (`prefix << 8 | sub` for prefixed instructions). */
export const OPCODE: Readonly<Record<OpName, number>> = Object.fromEntries(
  OPCODE_TABLE.map((row) => [row[0], row[1]]),
) as Record<OpName, number>;

/** name -> its table row (immediate kind and extra field). */
export const OPCODE_ROW: ReadonlyMap<string, OpcodeRow> = new Map(OPCODE_TABLE.map((row) => [row[0], row]));

/** Value type bytes. */
export const VALTYPE = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b, funcref: 0x70, externref: 0x6f,
} as const;
export type ValType = keyof typeof VALTYPE;
export type RefType = "funcref" | "externref";
/** Heap types for `ref.null`. */
export const HEAPTYPE = { func: 0x70, extern: 0x6f } as const;
export type HeapType = keyof typeof HEAPTYPE;

/** Encoding bytes that are not instructions. */
export const BINARY = {
  magic: [0x00, 0x61, 0x73, 0x6d], version: [0x01, 0x00, 0x00, 0x00],
  functionType: 0x60, emptyBlockType: 0x40,
  limitsMin: 0x00, limitsMinMax: 0x01, limitsSharedMinMax: 0x03,
  constMutability: 0x00, varMutability: 0x01,
  /** Element segment flags: active in table 0 / active in an explicit table / declarative. */
  elementsActiveTable0: 0x00, elementsActiveExplicitTable: 0x02, elementsDeclarative: 0x03,
  elementKindFuncref: 0x00,
  /** Data segment flag: active in memory 0. */
  dataActiveMemory0: 0x00,
} as const;

export const SECTION_ID = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6,
  export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12,
} as const;

/** Import/export descriptor kinds. */
export const EXTERNAL_KIND = { func: 0, table: 1, memory: 2, global: 3 } as const;
export type ExternalKind = keyof typeof EXTERNAL_KIND;
