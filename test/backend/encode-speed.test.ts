// Encoding speed of a trace-sized function: prints (does not assert) the time to encode a
// ~300-instruction guarded body and a whole module around it, 1000 times each. Binaryen is
// deliberately not loaded in this file: it would slow every wasm compile in the process.

import { expect, it } from "vitest";
import { CodeWriter, ModuleBuilder } from "../../src/backend/wasm-encoder";

const UNITS = 15; // 20 instructions each

/** (a i64, b i64) -> i64: repeat { a += b with overflow guard; mem[24] = x * 1.5 } until overflow. */
function emitGuardedBody(c: CodeWriter): void {
  const [a, b, r, x] = [0, 1, 2, 3];
  const exit = c.block().depth;
  const top = c.loop().depth;
  for (let unit = 0; unit < UNITS; unit++) {
    c.local_get(a).local_get(b).i64_add().local_tee(r);
    c.local_get(a).i64_xor();
    c.local_get(r).local_get(b).i64_xor().i64_and();
    c.i64_const(0).i64_lt_s().br_if_to(exit);
    c.local_get(r).local_set(a);
    c.i32_const(8).local_get(x).f64_const(1.5).f64_mul().f64_store(16);
  }
  c.br_to(top).end().end();
  c.local_get(a);
}

function buildModule(code: CodeWriter, builder = new ModuleBuilder(), exportName = "trace"): Uint8Array {
  builder.reset();
  builder.importMemory("env", "memory", { min: 1 });
  builder.importTable("env", "links", { element: "funcref", min: 4 });
  builder.importFunction("env", "helper", builder.addType(["f64"], ["f64"]));
  const type = builder.addType(["i64", "i64"], ["i64"]);
  code.reset();
  emitGuardedBody(code);
  builder.exportFunction(exportName, builder.addFunction(type, ["i64", "f64"], code));
  return builder.finish();
}

/** Microseconds per call: the first (cold) call, then the best mean of 10 rounds of `iterations` calls. */
function microsecondsPer(iterations: number, action: () => void): { cold: number; warm: number } {
  let start = process.hrtime.bigint();
  action();
  const cold = Number(process.hrtime.bigint() - start) / 1000;
  let warm = Infinity;
  for (let round = 0; round < 10; round++) {
    start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) action();
    warm = Math.min(warm, Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  return { cold, warm };
}

it("encodes a 300-instruction body in microseconds (printed, not asserted)", () => {
  const code = new CodeWriter();
  const bytes = buildModule(code);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const links = new WebAssembly.Table({ element: "anyfunc", initial: 4 });
  const imports = { env: { memory, links, helper: (v: number) => v } };
  const { trace } = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<string, any>;
  expect(trace(1n, 2n ** 62n)).toBe(2n ** 62n + 1n); // the second add overflows: guard exit

  const body = microsecondsPer(1000, () => {
    code.reset();
    emitGuardedBody(code);
  });
  const freshModule = microsecondsPer(1000, () => buildModule(code));
  const reused = new ModuleBuilder();
  const reusedModule = microsecondsPer(1000, () => buildModule(code, reused));
  let salt = 0; // a new export name each time: unique bytes, so V8's module cache does not answer
  const compile = microsecondsPer(20, () => new WebAssembly.Module(buildModule(code, reused, `trace${salt++}`)));
  const show = (t: { cold: number; warm: number }) => `${t.warm.toFixed(2)} us (first call ${t.cold.toFixed(0)} us)`;
  console.log(
    `[wasm-encoder] per encode, best mean of 10 x 1000: ${UNITS * 20 + 6}-instruction body: ${show(body)}; ` +
      `whole module (${bytes.length} bytes), new builder: ${show(freshModule)}; reused builder: ${show(reusedModule)}; ` +
      `for scale, V8 new WebAssembly.Module: ${show(compile)}`,
  );
});
