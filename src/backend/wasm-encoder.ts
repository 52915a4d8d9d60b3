// The JIT's WebAssembly encoder (hot path, no dependencies): CodeWriter (one method per
// instruction, derived from the opcode table in wasm-opcodes.ts, plus control-depth labels)
// and ModuleBuilder (types, imports, functions, exports, segments -> module bytes).

import {
  BINARY, EXTERNAL_KIND, HEAPTYPE, OPCODE, OPCODE_TABLE, SECTION_ID, VALTYPE, methodNameOf,
  type ExternalKind, type HeapType, type MemoryIndexOpName, type MemoryOpName, type MethodName,
  type OpName, type PlainOpName, type RefType, type ValType,
} from "./wasm-opcodes";

import { ByteWriter, u32LebSize } from "./wasm-bytes";

export { ByteWriter, u32LebSize };
export type { ExternalKind, HeapType, OpName, PlainOpName, MemoryOpName, RefType, ValType };

// Opcodes the hand-written methods use, as plain constants (the table object is a slow lookup).
const {
  block: BLOCK, br: BR, br_if: BR_IF, br_table: BR_TABLE, call: CALL, call_indirect: CALL_INDIRECT,
  else: ELSE, end: END, "f32.const": F32_CONST, "f64.const": F64_CONST, "global.get": GLOBAL_GET,
  "global.set": GLOBAL_SET, "i32.const": I32_CONST, "i64.const": I64_CONST, if: IF, "local.get": LOCAL_GET,
  "local.set": LOCAL_SET, "local.tee": LOCAL_TEE, loop: LOOP, "ref.func": REF_FUNC, "ref.null": REF_NULL,
  return_call: RETURN_CALL, return_call_indirect: RETURN_CALL_INDIRECT, select_typed: SELECT_TYPED,
  "table.fill": TABLE_FILL, "table.get": TABLE_GET, "table.grow": TABLE_GROW, "table.set": TABLE_SET,
  "table.size": TABLE_SIZE,
} = OPCODE;

/** Block result: `"void"`, one value type, or a function type index (multi-value / params). */
export type BlockType = "void" | ValType | number;
/** An absolute control depth, as returned by `CodeWriter.depth` right after opening a block. */
export type Label = number;

const enum ControlKind { Block, Loop, If, Else }

type PlainOpMethods = { [K in PlainOpName as MethodName<K>]: () => CodeWriter };
type MemoryOpMethods = {
  [K in MemoryOpName as MethodName<K>]: (offset?: number, alignLog2?: number) => CodeWriter;
};
type MemoryIndexOpMethods = { [K in MemoryIndexOpName as MethodName<K>]: () => CodeWriter };

// The methods above are made from OPCODE_TABLE and installed under CodeWriter.prototype (end of file).
export interface CodeWriter extends PlainOpMethods, MemoryOpMethods, MemoryIndexOpMethods {}

/**
 * Writes one function body (without its final `end`, which ModuleBuilder.addFunction adds).
 * Method names follow the wasm text format with "." -> "_": `i64_add()`, `local_get(0)`,
 * `f64_load(offset)`, `br_if(depth)`. Every method returns `this`.
 * Labels: after `block()`/`loop()`/`if()`, `depth` is that construct's label; branch to it
 * from anywhere inside with `br_to(label)` / `br_if_to(label)` (label 0 = the function body).
 */
export class CodeWriter extends ByteWriter {
  private readonly controlStack: ControlKind[] = [];

  override reset(): void {
    super.reset();
    this.controlStack.length = 0;
  }

  /** Number of open block/loop/if constructs; the label of the innermost one. */
  get depth(): number {
    return this.controlStack.length;
  }

  /** The relative branch depth from the current position to `label`. */
  relativeDepth(label: Label): number {
    const depth = this.controlStack.length;
    if (!(label >= 0 && label <= depth)) throw new RangeError(`label ${label} is not open (depth ${depth})`);
    return depth - label;
  }

  /** Any opcode by its numeric code (`prefix << 8 | sub` for prefixed ones, sub < 256). */
  emitOpcode(code: number): this {
    if (code <= 0xff) {
      this.writeByte(code);
    } else {
      this.writeByte(code >>> 8);
      this.writeU32(code & 0xff);
    }
    return this;
  }

  /** An instruction without immediates, by text name: `op("i64.add")`. */
  op(name: PlainOpName): this {
    return this.emitOpcode(OPCODE[name]);
  }

  /** A load or store by text name; alignment defaults to the natural one. */
  memoryOp(name: MemoryOpName, offset = 0, alignLog2?: number): this {
    const naturalAlignLog2 = NATURAL_ALIGN_LOG2.get(name)!;
    return this.emitMemoryAccess(OPCODE[name], naturalAlignLog2, offset, alignLog2 ?? naturalAlignLog2);
  }

  /** Opcode + memarg (alignment as log2, then offset). */
  emitMemoryAccess(code: number, naturalAlignLog2: number, offset: number, alignLog2: number): this {
    if (alignLog2 > naturalAlignLog2) throw new RangeError(`alignment 2^${alignLog2} exceeds the natural 2^${naturalAlignLog2}`);
    this.writeByte(code);
    this.writeU32(alignLog2);
    this.writeU32(offset);
    return this;
  }

  writeBlockType(type: BlockType): void {
    if (type === "void") this.writeByte(BINARY.emptyBlockType);
    else if (typeof type === "number") this.writeS32(type); // s33 type index, non-negative
    else this.writeByte(VALTYPE[type]);
  }

  private open(code: number, kind: ControlKind, type: BlockType): this {
    this.writeByte(code);
    this.writeBlockType(type);
    this.controlStack.push(kind);
    return this;
  }

  block(type: BlockType = "void"): this { return this.open(BLOCK, ControlKind.Block, type); }
  loop(type: BlockType = "void"): this { return this.open(LOOP, ControlKind.Loop, type); }
  if(type: BlockType = "void"): this { return this.open(IF, ControlKind.If, type); }

  else(): this {
    const top = this.controlStack.length - 1;
    if (this.controlStack[top] !== ControlKind.If) throw new Error("else() outside an if() block");
    this.controlStack[top] = ControlKind.Else;
    this.writeByte(ELSE);
    return this;
  }

  /** Close the innermost block/loop/if. */
  end(): this {
    if (this.controlStack.length === 0) {
      throw new Error("end() with no open block (the function's own end is added by ModuleBuilder.addFunction)");
    }
    this.controlStack.pop();
    this.writeByte(END);
    return this;
  }

  br(relativeDepth: number): this { this.writeByteAndU32(BR, relativeDepth); return this; }
  br_if(relativeDepth: number): this { this.writeByteAndU32(BR_IF, relativeDepth); return this; }
  br_to(label: Label): this { return this.br(this.relativeDepth(label)); }
  br_if_to(label: Label): this { return this.br_if(this.relativeDepth(label)); }

  br_table(relativeDepths: readonly number[], defaultDepth: number): this {
    this.writeByte(BR_TABLE);
    this.writeU32(relativeDepths.length);
    for (const depth of relativeDepths) this.writeU32(depth);
    this.writeU32(defaultDepth);
    return this;
  }

  call(funcIndex: number): this { this.writeByteAndU32(CALL, funcIndex); return this; }
  return_call(funcIndex: number): this { this.writeByteAndU32(RETURN_CALL, funcIndex); return this; }

  call_indirect(typeIndex: number, tableIndex = 0): this {
    this.writeByte(CALL_INDIRECT);
    this.writeU32(typeIndex);
    this.writeU32(tableIndex);
    return this;
  }

  return_call_indirect(typeIndex: number, tableIndex = 0): this {
    this.writeByte(RETURN_CALL_INDIRECT);
    this.writeU32(typeIndex);
    this.writeU32(tableIndex);
    return this;
  }

  /** `select` with an explicit result type (required for reference types). */
  select_typed(type: ValType): this {
    this.writeByte(SELECT_TYPED);
    this.writeByte(1);
    this.writeByte(VALTYPE[type]);
    return this;
  }

  local_get(index: number): this { this.writeByteAndU32(LOCAL_GET, index); return this; }
  local_set(index: number): this { this.writeByteAndU32(LOCAL_SET, index); return this; }
  local_tee(index: number): this { this.writeByteAndU32(LOCAL_TEE, index); return this; }
  global_get(index: number): this { this.writeByteAndU32(GLOBAL_GET, index); return this; }
  global_set(index: number): this { this.writeByteAndU32(GLOBAL_SET, index); return this; }

  table_get(tableIndex = 0): this { this.emitOpcode(TABLE_GET); this.writeU32(tableIndex); return this; }
  table_set(tableIndex = 0): this { this.emitOpcode(TABLE_SET); this.writeU32(tableIndex); return this; }
  table_size(tableIndex = 0): this { this.emitOpcode(TABLE_SIZE); this.writeU32(tableIndex); return this; }
  table_grow(tableIndex = 0): this { this.emitOpcode(TABLE_GROW); this.writeU32(tableIndex); return this; }
  table_fill(tableIndex = 0): this { this.emitOpcode(TABLE_FILL); this.writeU32(tableIndex); return this; }

  ref_null(heapType: HeapType): this { this.writeByte(REF_NULL); this.writeByte(HEAPTYPE[heapType]); return this; }
  /** The function must also be declared (ModuleBuilder.declareFunctionRefs) or be in an element segment. */
  ref_func(funcIndex: number): this { this.writeByteAndU32(REF_FUNC, funcIndex); return this; }

  /** Accepts [-2^31, 2^32); values >= 2^31 are taken as their unsigned bit pattern. */
  i32_const(value: number): this {
    if (!(value >= -0x80000000 && value <= 0xffffffff && Number.isInteger(value))) {
      throw new RangeError(`not a 32-bit integer: ${value}`);
    }
    this.writeByte(I32_CONST);
    this.writeS32(value | 0);
    return this;
  }

  /** A number (exact up to 2^53) or a bigint; bigints in [2^63, 2^64) wrap to their i64 pattern. */
  i64_const(value: number | bigint): this { this.writeByte(I64_CONST); this.writeS64(value); return this; }
  f32_const(value: number): this { this.writeByte(F32_CONST); this.writeF32(value); return this; }
  f64_const(value: number): this { this.writeByte(F64_CONST); this.writeF64(value); return this; }
}

function installDerivedMethods(): void {
  // They go on an object of their own, put between CodeWriter.prototype and
  // ByteWriter.prototype once it is full: adding ~200 properties to a prototype already
  // in use costs V8 ~9 us each (about 2 ms of the JIT's first load), to a fresh object ~2.
  const proto = CodeWriter.prototype as unknown as Record<string, unknown>;
  const derived = Object.create(Object.getPrototypeOf(proto) as object) as Record<string, unknown>;
  const install = (name: string, method: unknown) => {
    if (Object.prototype.hasOwnProperty.call(proto, name) || Object.prototype.hasOwnProperty.call(derived, name)) throw new Error(`duplicate CodeWriter method ${name}`);
    derived[name] = method;
  };
  for (const row of OPCODE_TABLE) {
    const [name, code, kind] = row;
    const extra = row.length > 3 ? (row as readonly unknown[])[3] as number : 0;
    if (kind === "none") {
      install(methodNameOf(name), code <= 0xff
        ? function (this: CodeWriter) { this.writeByte(code); return this; }
        : function (this: CodeWriter) { return this.emitOpcode(code); });
    } else if (kind === "memarg") {
      const naturalAlignLog2 = extra;
      install(methodNameOf(name), function (this: CodeWriter, offset = 0, alignLog2 = naturalAlignLog2) {
        return this.emitMemoryAccess(code, naturalAlignLog2, offset, alignLog2);
      });
    } else if (kind === "memidx") {
      const memoryIndexBytes = extra;
      install(methodNameOf(name), function (this: CodeWriter) {
        this.emitOpcode(code);
        for (let i = 0; i < memoryIndexBytes; i++) this.writeByte(0);
        return this;
      });
    }
  }
  Object.setPrototypeOf(proto, derived);
}
installDerivedMethods();

const NATURAL_ALIGN_LOG2: ReadonlyMap<string, number> = new Map(
  OPCODE_TABLE.filter((row) => row[2] === "memarg").map((row) => [row[0], (row as readonly unknown[])[3] as number]),
);

export interface Limits { min: number; max?: number }
export interface MemoryLimits extends Limits { shared?: boolean }
export interface TableLimits extends Limits { element: RefType }

const SECTION_ORDER = [
  SECTION_ID.type, SECTION_ID.import, SECTION_ID.function, SECTION_ID.table, SECTION_ID.memory,
  SECTION_ID.global, SECTION_ID.export, SECTION_ID.start, SECTION_ID.element, SECTION_ID.code, SECTION_ID.data,
] as const;

/**
 * Assembles a module; entries are encoded as they are added. Declare the imports of a kind
 * before defining entities of that kind (imports come first in each index space). Methods that
 * create an entity (type, import, function, table, memory, global) return its index; the
 * others return `this`. `reset()` starts over and keeps the buffers.
 */
export class ModuleBuilder {
  /** Section contents (entries only) and entry counts, indexed by section id. */
  private readonly sectionBodies: (ByteWriter | undefined)[] = new Array<ByteWriter | undefined>(13).fill(undefined);
  private readonly sectionCounts: number[] = new Array<number>(13).fill(0);
  private readonly typeIndexByKey = new Map<string, number>();
  private functionCount = 0;
  private tableCount = 0;
  private memoryCount = 0;
  private globalCount = 0;
  private definedFunctions = false;
  private definedTables = false;
  private definedMemories = false;
  private definedGlobals = false;
  private startFunction = -1;

  /** Start a new module, keeping the buffers: the JIT can reuse one builder for every trace. */
  reset(): void {
    for (const body of this.sectionBodies) body?.reset();
    this.sectionCounts.fill(0);
    this.typeIndexByKey.clear();
    this.functionCount = this.tableCount = this.memoryCount = this.globalCount = 0;
    this.definedFunctions = this.definedTables = this.definedMemories = this.definedGlobals = false;
    this.startFunction = -1;
  }

  private entry(sectionId: number): ByteWriter {
    this.sectionCounts[sectionId]!++;
    return (this.sectionBodies[sectionId] ??= new ByteWriter(sectionId === SECTION_ID.code ? 1024 : 64));
  }

  get typeCount(): number { return this.typeIndexByKey.size; }
  get counts(): { functions: number; tables: number; memories: number; globals: number } {
    return { functions: this.functionCount, tables: this.tableCount, memories: this.memoryCount, globals: this.globalCount };
  }

  /** A function type; identical signatures share one index. */
  addType(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(",")}>${results.join(",")}`;
    const existing = this.typeIndexByKey.get(key);
    if (existing !== undefined) return existing;
    const out = this.entry(SECTION_ID.type);
    out.writeByte(BINARY.functionType);
    out.writeU32(params.length);
    for (const type of params) out.writeByte(VALTYPE[type]);
    out.writeU32(results.length);
    for (const type of results) out.writeByte(VALTYPE[type]);
    const index = this.typeIndexByKey.size;
    this.typeIndexByKey.set(key, index);
    return index;
  }

  private checkType(typeIndex: number): void {
    if (!(typeIndex >= 0 && typeIndex < this.typeIndexByKey.size)) throw new RangeError(`no type ${typeIndex}`);
  }

  private importEntry(module: string, name: string, kind: ExternalKind, definedAlready: boolean): ByteWriter {
    if (definedAlready) throw new Error(`import ${module}.${name}: imports of a kind must precede its definitions`);
    const out = this.entry(SECTION_ID.import);
    out.writeName(module);
    out.writeName(name);
    out.writeByte(EXTERNAL_KIND[kind]);
    return out;
  }

  importFunction(module: string, name: string, typeIndex: number): number {
    this.checkType(typeIndex);
    this.importEntry(module, name, "func", this.definedFunctions).writeU32(typeIndex);
    return this.functionCount++;
  }

  importTable(module: string, name: string, table: TableLimits): number {
    const out = this.importEntry(module, name, "table", this.definedTables);
    out.writeByte(VALTYPE[table.element]);
    writeLimits(out, table);
    return this.tableCount++;
  }

  importMemory(module: string, name: string, memory: MemoryLimits): number {
    writeLimits(this.importEntry(module, name, "memory", this.definedMemories), memory);
    return this.memoryCount++;
  }

  importGlobal(module: string, name: string, type: ValType, mutable: boolean): number {
    const out = this.importEntry(module, name, "global", this.definedGlobals);
    out.writeByte(VALTYPE[type]);
    out.writeByte(mutable ? BINARY.varMutability : BINARY.constMutability);
    return this.globalCount++;
  }

  /**
   * A defined function. `locals` lists the non-parameter locals in order (indices continue
   * after the parameters); `body` is the code without the final `end`.
   */
  addFunction(typeIndex: number, locals: readonly ValType[], body: CodeWriter | Uint8Array): number {
    this.checkType(typeIndex);
    if (body instanceof CodeWriter && body.depth !== 0) {
      throw new Error(`function body has ${body.depth} unclosed block(s)`);
    }
    this.definedFunctions = true;
    this.entry(SECTION_ID.function).writeU32(typeIndex);
    const out = this.entry(SECTION_ID.code);
    const mark = out.beginSized();
    let runs = 0;
    for (let i = 0; i < locals.length; i++) if (i === 0 || locals[i] !== locals[i - 1]) runs++;
    out.writeU32(runs);
    for (let start = 0; start < locals.length;) {
      let end = start + 1;
      while (end < locals.length && locals[end] === locals[start]) end++;
      out.writeU32(end - start);
      out.writeByte(VALTYPE[locals[start]!]);
      start = end;
    }
    if (body instanceof CodeWriter) out.writeContentsOf(body);
    else out.writeBytes(body);
    out.writeByte(END);
    out.endSized(mark);
    return this.functionCount++;
  }

  addTable(table: TableLimits): number {
    this.definedTables = true;
    const out = this.entry(SECTION_ID.table);
    out.writeByte(VALTYPE[table.element]);
    writeLimits(out, table);
    return this.tableCount++;
  }

  addMemory(memory: MemoryLimits): number {
    this.definedMemories = true;
    writeLimits(this.entry(SECTION_ID.memory), memory);
    return this.memoryCount++;
  }

  /** A defined global with a constant initial value (`null` for reference types). */
  addGlobal(type: ValType, mutable: boolean, initialValue: number | bigint | null): number {
    this.definedGlobals = true;
    const out = this.entry(SECTION_ID.global);
    out.writeByte(VALTYPE[type]);
    out.writeByte(mutable ? BINARY.varMutability : BINARY.constMutability);
    writeConstant(out, type, initialValue);
    out.writeByte(END);
    return this.globalCount++;
  }

  addExport(name: string, kind: ExternalKind, index: number): this {
    const out = this.entry(SECTION_ID.export);
    out.writeName(name);
    out.writeByte(EXTERNAL_KIND[kind]);
    out.writeU32(index);
    return this;
  }

  exportFunction(name: string, funcIndex: number): this {
    return this.addExport(name, "func", funcIndex);
  }

  setStart(funcIndex: number): this {
    this.startFunction = funcIndex;
    return this;
  }

  /** An active element segment: funcref table `tableIndex`[offset..] = functions. */
  addActiveElements(tableIndex: number, offset: number, funcIndices: readonly number[]): this {
    const out = this.entry(SECTION_ID.element);
    if (tableIndex === 0) {
      out.writeByte(BINARY.elementsActiveTable0);
    } else {
      out.writeByte(BINARY.elementsActiveExplicitTable);
      out.writeU32(tableIndex);
    }
    out.writeByte(I32_CONST);
    out.writeS32(offset);
    out.writeByte(END);
    if (tableIndex !== 0) out.writeByte(BINARY.elementKindFuncref);
    writeIndexVector(out, funcIndices);
    return this;
  }

  /** A declarative element segment: lets `ref.func` name these functions. */
  declareFunctionRefs(funcIndices: readonly number[]): this {
    const out = this.entry(SECTION_ID.element);
    out.writeByte(BINARY.elementsDeclarative);
    out.writeByte(BINARY.elementKindFuncref);
    writeIndexVector(out, funcIndices);
    return this;
  }

  /** An active data segment in memory 0 at a constant offset. */
  addData(offset: number, bytes: Uint8Array): this {
    const out = this.entry(SECTION_ID.data);
    out.writeByte(BINARY.dataActiveMemory0);
    out.writeByte(I32_CONST);
    out.writeS32(offset);
    out.writeByte(END);
    out.writeU32(bytes.length);
    out.writeBytes(bytes);
    return this;
  }

  /** The complete module binary. The builder stays usable (finish again after more additions). */
  finish(): Uint8Array {
    let total = 8;
    for (const id of SECTION_ORDER) {
      const contentSize = this.sectionContentSize(id);
      if (contentSize >= 0) total += 1 + u32LebSize(contentSize) + contentSize;
    }
    const out = new ByteWriter(total);
    out.writeBytes(BINARY.magic);
    out.writeBytes(BINARY.version);
    for (const id of SECTION_ORDER) {
      const contentSize = this.sectionContentSize(id);
      if (contentSize < 0) continue;
      out.writeByte(id);
      out.writeU32(contentSize);
      if (id === SECTION_ID.start) {
        out.writeU32(this.startFunction);
      } else {
        out.writeU32(this.sectionCounts[id]!);
        out.writeContentsOf(this.sectionBodies[id]!);
      }
    }
    return out.length === out.bytes.length ? out.bytes : out.toBytes();
  }

  /** Byte size of a section's contents, or -1 when the section is absent. */
  private sectionContentSize(id: number): number {
    if (id === SECTION_ID.start) return this.startFunction < 0 ? -1 : u32LebSize(this.startFunction);
    const count = this.sectionCounts[id]!;
    return count === 0 ? -1 : u32LebSize(count) + this.sectionBodies[id]!.length;
  }
}

function writeLimits(out: ByteWriter, limits: MemoryLimits): void {
  if (limits.shared) {
    if (limits.max === undefined) throw new Error("a shared memory needs a maximum");
    out.writeByte(BINARY.limitsSharedMinMax);
  } else {
    out.writeByte(limits.max === undefined ? BINARY.limitsMin : BINARY.limitsMinMax);
  }
  out.writeU32(limits.min);
  if (limits.max !== undefined) out.writeU32(limits.max);
}

function writeConstant(out: ByteWriter, type: ValType, value: number | bigint | null): void {
  if (type === "funcref" || type === "externref") {
    if (value !== null) throw new Error(`a ${type} global can only start as null`);
    out.writeByte(REF_NULL);
    out.writeByte(type === "funcref" ? HEAPTYPE.func : HEAPTYPE.extern);
    return;
  }
  if (value === null) throw new Error(`a ${type} global needs an initial value`);
  switch (type) {
    case "i32": out.writeByte(I32_CONST); out.writeS32(Number(value)); return;
    case "i64": out.writeByte(I64_CONST); out.writeS64(value); return;
    case "f32": out.writeByte(F32_CONST); out.writeF32(Number(value)); return;
    case "f64": out.writeByte(F64_CONST); out.writeF64(Number(value)); return;
    default: throw new Error(`no constant initialiser for ${type}`);
  }
}

function writeIndexVector(out: ByteWriter, indices: readonly number[]): void {
  out.writeU32(indices.length);
  for (const index of indices) out.writeU32(index);
}
