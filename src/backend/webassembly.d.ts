// Types of the WebAssembly JS API as Node 20 provides it (tsconfig's lib is ES2022 without DOM,
// and @types/node declares no WebAssembly values). Global, for the backend, its users and tests.
// Modelled on TypeScript's lib.dom.d.ts; extend here rather than declaring it a second time.

declare namespace WebAssembly {
  type ValueType = "i32" | "i64" | "f32" | "f64" | "v128" | "externref" | "anyfunc";
  type TableKind = "anyfunc" | "externref";
  type ImportExportKind = "function" | "global" | "memory" | "table" | "tag";
  type ExportValue = ((...args: any[]) => any) | Global | Memory | Table;
  type ImportValue = ExportValue | number | bigint;
  type Exports = Record<string, ExportValue>;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;
  type BufferSource = ArrayBufferView | ArrayBuffer;

  interface MemoryDescriptor { initial: number; maximum?: number; shared?: boolean }
  interface TableDescriptor { element: TableKind; initial: number; maximum?: number }
  interface GlobalDescriptor { value: ValueType; mutable?: boolean }
  interface ModuleExportDescriptor { name: string; kind: ImportExportKind }
  interface ModuleImportDescriptor { module: string; name: string; kind: ImportExportKind }
  interface WebAssemblyInstantiatedSource { module: Module; instance: Instance }

  class Module {
    constructor(bytes: BufferSource);
    static exports(module: Module): ModuleExportDescriptor[];
    static imports(module: Module): ModuleImportDescriptor[];
    static customSections(module: Module, sectionName: string): ArrayBuffer[];
  }

  class Instance {
    constructor(module: Module, importObject?: Imports);
    readonly exports: Exports;
  }

  class Memory {
    constructor(descriptor: MemoryDescriptor);
    /** An ArrayBuffer, or a SharedArrayBuffer for shared memories (typed as lib.dom does). */
    readonly buffer: ArrayBuffer;
    grow(deltaPages: number): number;
  }

  class Table {
    constructor(descriptor: TableDescriptor, value?: unknown);
    readonly length: number;
    get(index: number): any;
    set(index: number, value?: unknown): void;
    grow(delta: number, value?: unknown): number;
  }

  class Global {
    constructor(descriptor: GlobalDescriptor, value?: unknown);
    value: any;
    valueOf(): any;
  }

  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}

  function validate(bytes: BufferSource): boolean;
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, importObject?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(module: Module, importObject?: Imports): Promise<Instance>;
}
