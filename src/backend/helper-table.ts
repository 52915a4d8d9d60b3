// The JS helpers traces call, as entries of the shared function table. A wasm module
// that imports a JS function gets an import wrapper compiled with it by V8 (11.x, Node
// 20: the wrapper cache belongs to the module), every time: measured 0.15-0.25 ms a
// module for one helper signature and 0.4-0.5 ms for three, most of a small tree's
// compile, paid again at each recompile. So a bridge module imports helpers once and
// puts them in the table, and trees reach them with call_indirect (a module calling one
// helper that way compiled in 0.09 ms against 0.33 ms importing it; the calls
// themselves ran no slower).

import { ModuleBuilder } from "./wasm-encoder";
import { TRACE_IMPORTS, type ImportName } from "./emit-body";

export class HelperTable {
  private readonly slots = new Map<ImportName, number>();

  /**
   * `newSlot` hands out a free slot of `fns` (growing it first when needed); the helpers
   * are the JS functions by name, those of TRACE_IMPORTS.
   */
  constructor(
    private readonly fns: WebAssembly.Table,
    private readonly helpers: Readonly<Record<string, (...args: never[]) => unknown>>,
    private readonly newSlot: () => number,
  ) {}

  /**
   * The table slot of each of these helpers. Those not in the table yet are bridged now,
   * all in one module (its instantiation writes them to their slots).
   */
  slotsOf(names: Iterable<ImportName>): (name: ImportName) => number {
    const missing = [...names].filter((name) => !this.slots.has(name));
    if (missing.length > 0) this.bridge(missing);
    return (name) => {
      const slot = this.slots.get(name);
      if (slot === undefined) throw new Error(`trace helper ${name} called but not bridged (helpersOf misses it)`);
      return slot;
    };
  }

  private bridge(names: readonly ImportName[]): void {
    const mod = new ModuleBuilder();
    const funcs = names.map((name) => {
      const [params, results] = TRACE_IMPORTS[name];
      return mod.importFunction("env", name, mod.addType(params, results));
    });
    const table = mod.importTable("rt", "fns", { element: "funcref", min: 1 });
    const slots = names.map(() => this.newSlot());
    names.forEach((_, i) => mod.addActiveElements(table, slots[i], [funcs[i]]));
    new WebAssembly.Instance(new WebAssembly.Module(mod.finish()), { env: this.helpers, rt: { fns: this.fns } });
    names.forEach((name, i) => this.slots.set(name, slots[i]));
  }
}
