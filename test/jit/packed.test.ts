// Packed arrays (src/interp/packed.ts): the representation itself (pack, in-place
// access, unpack on a store of another kind, growth, the shared flag mirrored for
// traces, reset), the reference IR interpreter's packed ops, and trace shapes: handles
// taken once before LOOP, inline loads and stores instead of helpers, and the exits
// that keep the trace right when an array is copied, unpacked or changes kind.

import { describe, expect, it } from "vitest";
import { run, runWithoutJit, sieveSource, summaryOf, tracesOf } from "./support";
import { printTrace } from "../../src/ir/printer";
import { ElemKind, HANDLE_DEAD, HANDLE_FIELDS, HANDLE_SCRATCH, HANDLE_SHARED, MAX_UNPACKS, PackedHeap, ParkedBlock } from "../../src/interp/packed";
import { RArray, RFloat, cloneArray, share, type Value } from "../../src/interp/value";
import { builder } from "../ir/support";
import { IrOp, IrType } from "../../src/ir/ops";
import { runTrace } from "../../src/ir/interp";
import { hoistedHandles } from "../../src/trace/assemble";
import { traceHelpersFor } from "../../src/backend/trace-helpers";
import { toWat, validateWasm } from "../../src/backend/binaryen-tools";

const floats = (...xs: number[]): RArray => new RArray(xs.map((x) => new RFloat(x)));
const word = (heap: { i32: Int32Array }, entry: number, field: number): number => heap.i32[(entry + field) >> 2];

describe("packed array representation", () => {
  it("packs elements of one kind, reads and writes them in place, boxes them again on demand", () => {
    const heap = new PackedHeap();
    const xs = floats(1.5, -2, 3);
    const entry = xs.pack(heap, ElemKind.float);
    expect(entry).toBeGreaterThan(0);
    expect(xs.pack(heap, ElemKind.float)).toBe(entry); // already packed: same handle
    expect(xs.pack(heap, ElemKind.int)).toBe(-1); // not as another kind
    expect(word(heap, entry, HANDLE_FIELDS.len)).toBe(3);
    expect(xs.length).toBe(3);
    expect(xs.at(1)).toEqual(new RFloat(-2));
    xs.put(2, new RFloat(0.25));
    xs.append(new RFloat(9));
    expect(xs.heap).toBe(heap);
    expect(xs.items).toEqual([new RFloat(1.5), new RFloat(-2), new RFloat(0.25), new RFloat(9)]);
    expect(xs.heap).toBeNull(); // items unpacked it
    expect(word(heap, entry, HANDLE_FIELDS.len)).toBe(0);
    expect(word(heap, entry, HANDLE_FIELDS.flags)).toBe(HANDLE_SHARED | HANDLE_DEAD);
  });

  it("keeps a bool one byte (0/1) and an int or float eight, every block 8-aligned", () => {
    const heap = new PackedHeap();
    const bools = new RArray(Array.from({ length: 20 }, (_, i) => i % 3 === 0));
    const ints = new RArray([5, 6]);
    const b = bools.pack(heap, ElemKind.bool);
    const n = ints.pack(heap, ElemKind.int);
    const boolBase = word(heap, b, HANDLE_FIELDS.base);
    expect(word(heap, n, HANDLE_FIELDS.base)).toBe(boolBase + 24); // 20 bytes, rounded up to 8
    expect(Array.from(heap.u8.subarray(boolBase, boolBase + 4))).toEqual([1, 0, 0, 1]);
    bools.put(1, true);
    expect(heap.u8[boolBase + 1]).toBe(1);
    // Grows by moving (the int block follows it), by bytes: the elements come along.
    for (let i = 20; i < 40; i++) bools.append(i % 2 === 0);
    expect(word(heap, b, HANDLE_FIELDS.base) % 8).toBe(0);
    expect(word(heap, b, HANDLE_FIELDS.base)).toBeGreaterThan(word(heap, n, HANDLE_FIELDS.base));
    expect(bools.items).toEqual([...Array.from({ length: 20 }, (_, i) => i % 3 === 0 || i === 1), ...Array.from({ length: 20 }, (_, i) => i % 2 === 0)]);
    expect(ints.items).toEqual([5, 6]);
  });

  it("stays boxed after MAX_UNPACKS unpacks of its own (a reset parks it: not counted)", () => {
    const heap = new PackedHeap();
    const xs = new RArray([1, 2, 3]);
    for (let k = 0; k < 3; k++) {
      expect(xs.pack(heap, ElemKind.int)).toBeGreaterThan(0);
      xs.park(heap); // what a reset does
    }
    expect(xs.unpacks).toBe(0);
    for (let k = 0; k < MAX_UNPACKS; k++) {
      expect(xs.pack(heap, ElemKind.int)).toBeGreaterThan(0);
      xs.unpack();
      xs.unpack(); // not packed any more: no effect
    }
    expect(xs.unpacks).toBe(MAX_UNPACKS);
    expect(xs.pack(heap, ElemKind.int)).toBe(-1);
    expect(xs.items).toEqual([1, 2, 3]);
  });

  it("a copy (copy-on-write of a shared array) leaves the original packed: copying is no use that unpacks", () => {
    const heap = new PackedHeap();
    const a = new RArray([1, 2, 3]);
    expect(a.pack(heap, ElemKind.int)).toBeGreaterThan(0);
    for (let k = 0; k < MAX_UNPACKS + 2; k++) {
      const copy = cloneArray(a);
      expect(copy.items).toEqual([1, 2, 3]);
      copy.put(0, 9);
    }
    expect(a.heap).toBe(heap);
    expect(a.unpacks).toBe(0);
    expect(a.at(0)).toBe(1);
  });

  it("refuses arrays of mixed kinds and unpacks on a store of another kind", () => {
    const heap = new PackedHeap();
    expect(new RArray([1, new RFloat(2)]).pack(heap, ElemKind.int)).toBe(-1);
    expect(new RArray([1, 2 ** 60 === 0 ? 0 : BigInt(2) ** BigInt(60)]).pack(heap, ElemKind.int)).toBe(-1);
    const flags = new RArray([true, false]);
    const entry = flags.pack(heap, ElemKind.bool);
    expect(flags.at(0)).toBe(true);
    flags.put(1, 7);
    expect(flags.heap).toBeNull();
    expect(flags.items).toEqual([true, 7]);
    expect(word(heap, entry, HANDLE_FIELDS.flags) & HANDLE_DEAD).toBe(HANDLE_DEAD);
    // A new pack takes a new entry: a trace holding the old one keeps exiting.
    const again = new RArray([1, 2]);
    expect(again.pack(heap, ElemKind.int)).not.toBe(entry);
  });

  it("grows in place while its block ends the arena, else by moving the elements; the handle stays", () => {
    const heap = new PackedHeap();
    const xs = new RArray([]);
    const entry = xs.pack(heap, ElemKind.int);
    const firstBase = word(heap, entry, HANDLE_FIELDS.base);
    for (let i = 0; i < 100; i++) xs.append(i * 7);
    expect(xs.entry).toBe(entry);
    expect(word(heap, entry, HANDLE_FIELDS.base)).toBe(firstBase);
    expect(word(heap, entry, HANDLE_FIELDS.cap)).toBeGreaterThanOrEqual(100);
    // Another array's block now follows: growing further moves xs past it.
    const ys = new RArray([1, 2]);
    const other = ys.pack(heap, ElemKind.int);
    const cap = word(heap, entry, HANDLE_FIELDS.cap);
    for (let i = 100; i <= cap; i++) xs.append(i * 7);
    expect(xs.entry).toBe(entry);
    expect(word(heap, entry, HANDLE_FIELDS.base)).toBeGreaterThan(word(heap, other, HANDLE_FIELDS.base));
    expect(Array.from({ length: cap + 1 }, (_, i) => xs.at(i))).toEqual(Array.from({ length: cap + 1 }, (_, i) => i * 7));
    expect([ys.at(0), ys.at(1)]).toEqual([1, 2]);
  });

  it("mirrors the copy-on-write flag in the handle entry, where traces check it", () => {
    const heap = new PackedHeap();
    const xs = floats(1, 2);
    share(xs);
    const entry = xs.pack(heap, ElemKind.float);
    expect(word(heap, entry, HANDLE_FIELDS.flags)).toBe(HANDLE_SHARED);
    const ys = floats(1, 2);
    const e2 = ys.pack(heap, ElemKind.float);
    expect(word(heap, e2, HANDLE_FIELDS.flags)).toBe(0);
    share(ys);
    expect(word(heap, e2, HANDLE_FIELDS.flags)).toBe(HANDLE_SHARED);
  });

  it("reset parks every array in a block of its own (nothing boxed), only while no tree runs; parked arrays work and pack back", () => {
    const heap = new PackedHeap();
    const arrays: RArray[] = [];
    // Enough packed bytes to pass the reset threshold (64 MiB).
    for (let k = 0; k < 9; k++) {
      const xs = new RArray(new Array<Value>(1 << 20).fill(k));
      expect(xs.pack(heap, ElemKind.int)).toBeGreaterThan(0);
      arrays.push(xs);
    }
    const bools = new RArray([true, false, true]);
    const entry = bools.pack(heap, ElemKind.bool);
    share(bools);
    heap.activeTrees = 1;
    heap.maybeReset();
    expect(arrays.every((a) => a.heap === heap)).toBe(true);
    expect(heap.parked).toBe(0);
    heap.activeTrees = 0;
    heap.maybeReset();
    expect(heap.parked).toBe(10);
    expect([...arrays, bools].every((a) => a.heap instanceof ParkedBlock && a.unpacks === 0)).toBe(true);
    expect(arrays[8].boxed).toEqual([]); // still unboxed
    expect(arrays[8].at((1 << 20) - 1)).toBe(8);
    expect(word(bools.heap as ParkedBlock, 0, HANDLE_FIELDS.flags)).toBe(HANDLE_SHARED); // copy-on-write state kept
    // The interpreter's reads, writes and appends (the block grows) on a parked array.
    const ys = arrays[3];
    ys.put(5, 99);
    for (let i = 0; i < 5; i++) ys.append(-i - 1);
    expect(ys.length).toBe((1 << 20) + 5);
    expect([ys.at(4), ys.at(5), ys.at(1 << 20), ys.at((1 << 20) + 4)]).toEqual([3, 99, -1, -5]);
    // A trace takes it back: a new entry in the heap, the same elements, one copy.
    const back = ys.pack(heap, ElemKind.int);
    expect(back).toBeGreaterThan(0);
    expect(ys.heap).toBe(heap);
    expect(word(heap, back, HANDLE_FIELDS.len)).toBe((1 << 20) + 5);
    expect([ys.at(5), ys.at((1 << 20) + 4)]).toEqual([99, -5]);
    expect(ys.pack(heap, ElemKind.float)).toBe(-1); // still ints
    // Parked and asked for as another kind: boxed again, not an unpack of its own; an
    // empty one then packs as the new kind.
    const empty = new RArray([]);
    empty.pack(heap, ElemKind.int);
    empty.park(heap);
    expect(empty.pack(heap, ElemKind.float)).toBeGreaterThan(0);
    expect([empty.kind, empty.unpacks]).toEqual([ElemKind.float, 0]);
    const again = bools.pack(heap, ElemKind.bool);
    expect(again).not.toBe(entry);
    expect(word(heap, again, HANDLE_FIELDS.flags)).toBe(HANDLE_SHARED);
    expect(bools.items).toEqual([true, false, true]);
    expect(bools.unpacks).toBe(1); // the unpack by its own use (items) counts
  });
});

describe("the packing helpers", () => {
  it("ahandle4 takes up to four handles in one call, leaves them in the scratch words, and refuses as a whole", () => {
    const heap = new PackedHeap();
    const h = traceHelpersFor(heap);
    const xs = floats(1, 2);
    const ys = new RArray([1, 2, 3]);
    expect(h.ahandle4(xs, ElemKind.float, ys, ElemKind.int, null, 0, null, 0)).toBe(1);
    expect(heap.i32[HANDLE_SCRATCH >> 2]).toBe(xs.entry);
    expect(heap.i32[(HANDLE_SCRATCH >> 2) + 1]).toBe(ys.entry);
    expect(h.ahandle4(xs, ElemKind.float, ys, ElemKind.float, null, 0, null, 0)).toBe(0); // ys holds ints
    expect(h.ahandle4(ys, ElemKind.bool, null, 0, null, 0, null, 0)).toBe(0);
    expect(h.ahandle4(null, 0, ys, ElemKind.int, null, 0, null, 0)).toBe(1);
    expect(heap.i32[(HANDLE_SCRATCH >> 2) + 1]).toBe(ys.entry);
  });
});

describe("packed ops in the reference IR interpreter", () => {
  it("AHANDLE packs, PALEN/PAGET/PASET/PAPUSH work in place and exit on bounds, shared and dead handles", () => {
    const b = builder();
    const t = b.trace;
    const snap = 0;
    const arr = b.sload(0, 0, IrType.ref);
    const i = b.sload(1, 0, IrType.int);
    const h = b.emit(IrOp.AHANDLE, IrType.int, arr, ElemKind.float, 0, 0, snap);
    const v = b.emit(IrOp.PAGET, IrType.float, h, i, 0, 0, snap);
    b.emit(IrOp.PAPUSH, IrType.none, h, v, 0, 0, snap);
    b.emit(IrOp.PASET, IrType.none, h, i, b.kfloat(0.5), 0, snap);
    b.emit(IrOp.PALEN, IrType.int, h, 0, 0, 0, snap);
    b.emit(IrOp.EXIT, IrType.none, 0, 0, 0, 0, snap);
    const heap = new PackedHeap();
    const xs = floats(1, 2, 3, 4);
    expect(runTrace(t, [[xs, 1]], { heap }).guardRef).toBe(t.end - 1); // ran to the EXIT
    expect(xs.items).toEqual([new RFloat(1), new RFloat(0.5), new RFloat(3), new RFloat(4), new RFloat(2)]);
    expect(runTrace(t, [[floats(1), 5]], { heap }).guardRef).toBe(v); // out of bounds
    expect(runTrace(t, [[new RArray([1, 2]), 0]], { heap }).guardRef).toBe(h); // ints: not packable as float
    const shared = floats(1, 2);
    share(shared);
    const r = runTrace(t, [[shared, 0]], { heap });
    expect(t.op[r.guardRef]).toBe(IrOp.PAPUSH); // copy-on-write: no store
    expect(shared.items).toEqual([new RFloat(1), new RFloat(2)]);
  });
});

describe("packed arrays in traces", () => {
  it("arrays outlive the heap's resets: parked (not boxed), changed by the interpreter, taken back by traces", () => {
    // Each call packs a fresh 20k-float array (160 KB); with packreset=1 the heap resets
    // every few calls while earlier arrays are garbage, one is kept, and flags (bools) is
    // written between resets by the interpreter and read by a trace afterwards.
    const src = `
func build(n, k) {
    mut xs := []
    mut i := 0
    while i < n {
        xs = push(xs, i * 0.5 + k)
        i += 1
    }
    return xs
}
func total(xs) {
    mut s := 0.0
    mut i := 0
    while i < len(xs) {
        s = s + xs[i]
        i += 1
    }
    return s
}
mut flags := []
for i in 100 { flags = push(flags, i % 3 == 0) }
mut kept := []
mut t := 0.0
for k in 16 {
    let xs := build(20000, k)
    t = t + total(xs)
    if k == 5 { kept = xs }
    flags[k] = !flags[k]
}
mut trues := 0
for f in flags { if f { trues += 1 } }
print(t, total(kept), kept[19999], len(kept), trues)
`;
    const r = run(src, { packreset: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    const heap = r.jit["shared"].heap as PackedHeap;
    expect(heap.parked).toBeGreaterThanOrEqual(4);
    expect(r.jit.compiled.length).toBeGreaterThanOrEqual(2);
  });

  const nbodyLike = `
func step(xs, vs, n) {
    mut i := 0
    while i < n {
        let k := i % len(xs)
        vs[k] = vs[k] + xs[k] * 0.001
        xs[k] = xs[k] + vs[k] * 0.01
        i += 1
    }
}
mut xs := [1.0, 2.0, 3.0, 4.0]
mut vs := [0.0, 0.0, 0.0, 0.0]
step(xs, vs, 20000)
print(xs, vs)
`;

  it("takes each array's handle once before LOOP and indexes it inline: no helper in the loop", () => {
    const r = run(nbodyLike);
    expect(r.out).toBe(runWithoutJit(nbodyLike));
    expect(tracesOf(r, "root")).toHaveLength(1);
    expect(summaryOf(r).aborts).toEqual([]);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    const [before, after] = ir.split(/ LOOP\n/);
    expect(before.match(/ AHANDLE /g) ?? []).toHaveLength(2);
    expect(after).not.toMatch(/ (AHANDLE|CALLH|AGET|ASET|ALEN) /);
    expect(after.match(/ PAGET /g)?.length).toBeGreaterThanOrEqual(3);
    expect(after.match(/ PASET /g) ?? []).toHaveLength(2);
    expect(after).toMatch(/ PALEN /);
  });

  it("names the slots whose handle is taken before LOOP: side traces that change them exit instead of linking", () => {
    const r = run(nbodyLike);
    expect([...hoistedHandles(r.jit.compiled[0].tree.root.trace).slots].sort()).toEqual([0, 1]); // xs, vs
  });

  it("emits trees with packed ops (and their batched handles) that binaryen validates", async () => {
    const r = run(nbodyLike, { hotloop: 1, hotexit: 1 });
    expect(r.out).toBe(runWithoutJit(nbodyLike));
    expect(r.jit.compiled.length).toBeGreaterThanOrEqual(1);
    for (const c of r.jit.compiled) {
      const v = await validateWasm(c.bytes);
      expect(v.errors).toBe("");
      expect(v.ok).toBe(true);
    }
  });

  // Two inner loops per outer iteration over the same arrays, as in nbody: each inner
  // loop's tree is entered by a link from the other's side trace, every iteration.
  const twoLoops = (unpackEvery: number, kindChangeAt = -1): string => `
func run(xs, vs, steps) {
    mut step := 0
    while step < steps {
        mut i := 0
        while i < len(xs) {
            vs[i] = vs[i] + xs[i] * 0.001
            i += 1
        }
        if step % ${unpackEvery} == ${unpackEvery - 1} {
            vs = sort(vs)
        }
        if step == ${kindChangeAt} {
            vs[0] = 1
        }
        if step == ${kindChangeAt + 1} {
            vs[0] = 1.0
        }
        i = 0
        while i < len(xs) {
            xs[i] = xs[i] + vs[i] * 0.01
            i += 1
        }
        step += 1
    }
    print(xs, vs)
}
run([1.0, 2.0, 3.0, 4.0], [0.5, 0.0, -0.5, 0.25], 3000)
`;

  it("a link into a loop tree passes the handles the linker holds: JS is asked for none per iteration", () => {
    const src = twoLoops(1_000_000);
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const linked = r.jit.compiled.filter((c) => hoistedHandles(c.tree.root.trace).list.length === 2);
    expect(linked).toHaveLength(2); // both inner loops take xs and vs before LOOP
    // Without passing: two takes per inner-loop entry and one per `len(xs)` in each
    // side trace, 18000 in all; with it, only the entries from the interpreter (~200)
    // before both trees and their side traces are compiled.
    expect(r.jit.heap.takes).toBeLessThan(1000);
  });

  it("arrays changed between the linked loops (sorted; an element of another kind stored and then replaced): every mode agrees with the interpreter", () => {
    const src = twoLoops(7, 40);
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const forced = run(src, { hotloop: 1, hotexit: 1 });
    expect(forced.out).toBe(r.out);
  });

  it("reads each array's entry (base, length, flags) once per iteration when nothing in the loop can change it", async () => {
    const r = run(nbodyLike);
    expect(r.out).toBe(runWithoutJit(nbodyLike));
    const c = r.jit.compiled[0];
    expect(c.tree.traces).toHaveLength(1);
    const afterLoop = printTrace(c.tree.root.trace).split(/ LOOP\n/)[1];
    expect((afterLoop.match(/ (PAGET|PASET|PALEN) /g) ?? []).length).toBeGreaterThanOrEqual(7);
    // Lengths are read at offset 4 of an entry: once per handle at the loop top, not at
    // each bounds check.
    const wat = await toWat(c.bytes);
    expect(wat.match(/offset=4\b/g) ?? []).toHaveLength(2);
  });

  it("exits push their values and tail-call store functions, which hold every store of the records", async () => {
    const r = run(nbodyLike, { hotloop: 1, hotexit: 1 });
    expect(r.out).toBe(runWithoutJit(nbodyLike));
    const c = r.jit.compiled[0];
    const refSlots = [...c.tree.slots.values()].filter((t) => t === "ref").length;
    expect(refSlots).toBe(2); // xs, vs
    const functions = (await toWat(c.bytes)).split(/\n \(func /).slice(1);
    const treeFunction = functions.find((f) => f.startsWith("$0 "))!;
    const exits = treeFunction.match(/\(return_call \$\d+/g) ?? [];
    expect(exits.length).toBeGreaterThanOrEqual(5);
    // Exits with the same value types share one: fewer store functions than exits.
    expect(new Set(exits).size).toBeLessThan(exits.length);
    // Every record holds xs and vs: with the stores in each exit there would be
    // refSlots * exits table stores; the store functions hold them once.
    expect(treeFunction).not.toMatch(/table\.set/);
    const tableSets = functions.join("").match(/table\.set/g)?.length ?? 0;
    expect(tableSets).toBeGreaterThanOrEqual(refSlots);
    expect(tableSets).toBeLessThan(refSlots + exits.length);
  });

  it("a store of another kind between entries: the tree exits at the handle, the interpreter goes on", () => {
    const src = `
func bump(xs, n) {
    mut i := 0
    while i < n {
        xs[i % 3] = xs[i % 3] + 1.0
        i += 1
    }
    return xs
}
mut xs := [0.5, 1.5, 2.5]
mut round := 0
while round < 4 {
    xs = bump(xs, 300)
    if round == 1 {
        xs[2] = 1
    }
    round += 1
}
print(xs)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const bumpTree = r.jit.compiled.find((c) => / AHANDLE /.test(printTrace(c.tree.root.trace)))!.tree;
    const ir = printTrace(bumpTree.root.trace);
    const handleSnap = Number(/ AHANDLE .*>snap (\d+)/.exec(ir)![1]);
    // Rounds 2 and 3 find an int among the floats: the handle's exit, not a wrong answer.
    expect(bumpTree.root.exitCounts[handleSnap]).toBeGreaterThanOrEqual(1);
  });

  it("pushes grow the block inside the trace (no exit per growth) and a sieve marks bools inline", () => {
    const src = sieveSource(100000);
    const r = run(src);
    expect(r.out).toBe("9592\n");
    const pushTree = r.jit.compiled.find((c) => /PAPUSH/.test(printTrace(c.tree.root.trace)))!.tree;
    // 100000 pushes from an empty block: only the loop's end leaves the trace.
    expect(pushTree.root.exitCounts.reduce((s, n) => s + n, 0)).toBe(1);
    const marking = r.jit.compiled.filter((c) => / PASET /.test(printTrace(c.tree.root.trace)));
    expect(marking.length).toBeGreaterThanOrEqual(1);
  });

  it("a store of another kind into an array the trace packs aborts the recording; the next one uses the boxed helpers", () => {
    const src = `
func f(n) {
    mut xs := [1, 2, 3, 4]
    mut i := 0
    while i < n {
        xs[2 % len(xs)] = 9 * floor(1.5)
        i += 1
    }
    return xs
}
print(f(3000))
`;
    // Recorded in the first iteration, before the interpreter stored the first float.
    const r = run(src, { hotloop: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts.map((a) => [a.reason, a.count])).toEqual([["type_unstable", 1]]);
    expect(tracesOf(r, "root")).toHaveLength(1);
    const ir = printTrace(r.jit.compiled[0].tree.root.trace);
    expect(ir).not.toMatch(/ AHANDLE /);
    // One exit: the loop's end (no refusal at every entry).
    expect(r.jit.compiled[0].tree.root.exitCounts.reduce((s, n) => s + n, 0)).toBe(1);
  });

  it("a guard in the loop sharing the hoisted handle's snapshot grows a side trace there, not before LOOP", () => {
    const src = `
mut xs := [11, 10, 5, 1]
mut total := 0
for i in range(226) {
    if i < 70 {
        continue
    }
    total += xs[i % 4]
}
print(total)
`;
    const r = run(src, { hotloop: 1, hotexit: 1 });
    expect(r.out).toBe(runWithoutJit(src));
    expect(summaryOf(r).aborts.filter((a) => a.reason === "jit_error")).toEqual([]);
    expect(tracesOf(r, "side")).toHaveLength(1);
  });

  it("an array a builtin unpacks between entries stays boxed after a few unpacks; the tree that refuses at its handle retires", () => {
    const src = `
mut xs := range(0, 5000)
mut s := 0
mut k := 0
while k < 300 {
    s += slice(xs, k, k + 1)[0]
    mut j := 0
    while j < 20 {
        s += xs[j]
        j += 1
    }
    k += 1
}
print(s)
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
    const retired = r.events.filter((e) => e.event === "retire");
    expect(retired).toHaveLength(1);
    // The inner loop's first tree packed xs and then refused at every entry; the second
    // was recorded with xs boxed for good (helpers, no handle).
    const inner = r.jit.compiled.filter((c) => c.tree.pc === r.jit.compiled.find((d) => d.tree.root.id === retired[0].trace)!.tree.pc);
    expect(inner).toHaveLength(2);
    expect(printTrace(inner[1].tree.root.trace)).not.toMatch(/ AHANDLE /);
  });

  it("an array copied inside the loop is not written in place: the store exits and the copy keeps its values", () => {
    const src = `
func f(n) {
    mut xs := [0, 0, 0]
    mut kept := []
    mut i := 0
    while i < n {
        xs[i % 3] = xs[i % 3] + i
        if i % 50 == 49 {
            kept = push(kept, xs)
        }
        i += 1
    }
    return [xs, kept[0], kept[len(kept) - 1]]
}
print(f(1000))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
  });

  it("printing a packed array inside the loop unpacks it: the next access exits and the answer stays right", () => {
    const src = `
func f(n) {
    mut xs := [1.5, 2.5]
    mut i := 0
    while i < n {
        xs[i % 2] = xs[i % 2] * 1.5
        if i % 400 == 399 {
            print(xs)
        }
        i += 1
    }
    return xs
}
print(f(1200))
`;
    const r = run(src);
    expect(r.out).toBe(runWithoutJit(src));
  });
});
