// The JS helpers as entries of the shared function table (src/backend/helper-table.ts):
// bridged once each, called from a module through call_indirect, and trees compiled by
// the JIT import no functions at all (the import wrappers V8 would compile per module).

import { describe, expect, it } from "vitest";
import { HelperTable } from "../../src/backend/helper-table";
import { tableHelpers } from "../../src/backend/emit-body";
import { CodeWriter, ModuleBuilder } from "../../src/backend/wasm-encoder";
import { IrOp, IrType, type IrOpcode } from "../../src/ir/ops";
import { Trace } from "../../src/ir/trace";
import { run, sieveSource } from "../jit/support";
import { MAIN } from "../ir/support";
import { expectValid } from "./wasm-test-helpers";

function table(): { fns: WebAssembly.Table; helpers: HelperTable; allocated: number[] } {
  const fns = new WebAssembly.Table({ element: "anyfunc", initial: 2 });
  const allocated: number[] = [];
  const newSlot = (): number => {
    const slot = allocated.length + 1; // slot 0 stays someone else's
    if (slot >= fns.length) fns.grow(4);
    allocated.push(slot);
    return slot;
  };
  const fmod = (a: number, b: number): number => a % b;
  const alen = (): number => 42;
  return { fns, helpers: new HelperTable(fns, { fmod, alen } as never, newSlot), allocated };
}

/** A trace whose one instruction calls the helper of `op` (FMOD or ALEN). */
function traceCalling(op: IrOpcode): Trace {
  const t = new Trace({ id: 1, kind: "root", startProto: MAIN, startPc: 0 });
  t.append(op, op === IrOp.FMOD ? IrType.float : IrType.int, 0, 0, 0, 0, -1);
  return t;
}

describe("HelperTable", () => {
  it("bridges each helper once, to a slot of its own", () => {
    const { fns, helpers, allocated } = table();
    const first = helpers.slotsOf(["fmod"]);
    expect(allocated).toEqual([1]);
    const second = helpers.slotsOf(["alen", "fmod"]);
    expect(allocated).toEqual([1, 2]);
    expect(second("fmod")).toBe(first("fmod"));
    expect(second("alen")).toBe(2);
    expect(fns.get(first("fmod"))).not.toBeNull();
    expect(() => first("aget_int")).toThrow(/not bridged/);
  });

  it("a module calls a bridged helper through the table, importing no function", async () => {
    const { fns, helpers } = table();
    const mod = new ModuleBuilder();
    const fnTable = mod.importTable("rt", "fns", { element: "funcref", min: 1 });
    const w = new CodeWriter();
    const callHelper = tableHelpers(mod, w, [traceCalling(IrOp.FMOD)], fnTable, (names) => helpers.slotsOf(names));
    w.local_get(0).local_get(1);
    callHelper("fmod");
    mod.exportFunction("f", mod.addFunction(mod.addType(["f64", "f64"], ["f64"]), [], w));
    const bytes = mod.finish();
    await expectValid(bytes);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module).filter((i) => i.kind === "function")).toEqual([]);
    const { f } = new WebAssembly.Instance(module, { rt: { fns } }).exports as { f: (a: number, b: number) => number };
    expect(f(7.5, 2)).toBe(1.5);
    expect(f(-7, 3)).toBe(-1);
  });
});

describe("trees the JIT compiles", () => {
  it("import no functions: helpers (array handles, growth, string concatenation) go through the table", () => {
    const source = `${sieveSource(3000)}
mut s := ""
for i in 200 { s = s + "ab" }
print(len(s))
`;
    const r = run(source, { hotloop: 2, hotexit: 2 });
    expect(r.out).toBe("430\n400\n");
    expect(r.jit.compiled.length).toBeGreaterThanOrEqual(3);
    for (const c of r.jit.compiled) {
      const imports = WebAssembly.Module.imports(new WebAssembly.Module(c.bytes));
      expect(imports.filter((i) => i.kind === "function")).toEqual([]);
      expect(imports.map((i) => `${i.module}.${i.name}`)).toContain("rt.fns");
    }
  });
});
