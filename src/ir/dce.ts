// Dead-code elimination: one backward pass marks what guards, stores, control and the
// snapshots of guards need; a forward pass copies the live instructions into a new,
// renumbered trace and keeps only the snapshots some guard uses (renumbered too).

import { IR_FLAGS, IR_OPERANDS, IrFlag, IrOp, isRefOperand, type IrOpcode, type IrType } from "./ops";
import { FIRST_REF, NO_SNAPSHOT, Trace, forEachRefOperand, hasRefList, type Ref, type Snapshot, type SnapshotFrame } from "./trace";

export interface DceResult {
  trace: Trace;
  /** Old ref -> new ref (NO_REF: removed). */
  refMap: Int32Array;
  /** Old snapshot id -> new id (-1: removed, no guard used it). */
  snapshotMap: Int32Array;
  /** Instructions removed. */
  removed: number;
}

/** Roots: instructions that must stay even when no other instruction uses them. */
const ROOT_FLAGS = IrFlag.guard | IrFlag.sideeffect | IrFlag.control;

/**
 * Remove pure instructions nobody needs. Kept: guards (an exit is behaviour), side
 * effects, LOOP, PHIs and their operands, and every ref in a snapshot some kept guard
 * uses. Snapshot entries whose value is unchanged since entry (an SLOAD of that very
 * slot and frame that no PHI updates) are dropped first, so they keep nothing alive.
 */
export function eliminateDeadCode(trace: Trace, keep: readonly Ref[] = []): DceResult {
  const end = trace.end;
  const phiLefts = new Set<Ref>(trace.phis().map((r) => trace.a[r]));
  const snapshots = trace.snapshots.map((s) => pruneUnchanged(trace, s, phiLefts));

  const live = new Uint8Array(end);
  for (const r of keep) live[r] = 1;
  const snapshotUsed = new Uint8Array(snapshots.length);
  for (let ref = end - 1; ref >= FIRST_REF; ref--) {
    const op = trace.op[ref] as IrOpcode;
    if (!live[ref] && !(IR_FLAGS[op] & ROOT_FLAGS)) continue;
    live[ref] = 1;
    forEachRefOperand(trace, ref, (r) => (live[r] = 1));
    const s = trace.snap[ref];
    if (s !== NO_SNAPSHOT && !snapshotUsed[s]) {
      snapshotUsed[s] = 1;
      for (const f of snapshots[s].frames) for (const r of f.refs) live[r] = 1;
    }
  }

  const out = new Trace({ ...trace.meta });
  out.numConsts.push(...trace.numConsts);
  out.refConsts.push(...trace.refConsts);
  out.helpers.push(...trace.helpers);
  out.callees.push(...trace.callees);
  out.loopCalls.push(...trace.loopCalls);
  const refMap = new Int32Array(end);
  const snapshotMap = new Int32Array(snapshots.length).fill(-1);
  let nextSnap = 0;
  for (let s = 0; s < snapshots.length; s++) if (snapshotUsed[s]) snapshotMap[s] = nextSnap++;
  const entrySnap = trace.meta.entrySnap;
  out.meta.entrySnap = entrySnap !== undefined && snapshotMap[entrySnap] >= 0 ? snapshotMap[entrySnap] : undefined;

  // Snapshots are placed once the instructions below their atRef have been copied.
  const pending = snapshots.filter((s) => snapshotUsed[s.id]).sort((x, y) => x.atRef - y.atRef || x.id - y.id);
  let p = 0;
  const placeSnapshotsBefore = (oldRef: Ref): void => {
    for (; p < pending.length && pending[p].atRef <= oldRef; p++) {
      const s = pending[p];
      out.snapshots[snapshotMap[s.id]] = {
        id: snapshotMap[s.id],
        pc: s.pc,
        atRef: out.end,
        frames: s.frames.map((f) => ({ ...f, refs: f.refs.map((r) => refMap[r]) })),
      };
    }
  };

  for (let ref = FIRST_REF; ref < end; ref++) {
    placeSnapshotsBefore(ref);
    if (!live[ref]) continue;
    const op = trace.op[ref] as IrOpcode;
    const kinds = IR_OPERANDS[op];
    const operand = (i: number, v: number): number => {
      if (i === 1 && hasRefList(op)) return out.objectFields.push(trace.objectFields[v].map((r) => refMap[r])) - 1;
      return i < kinds.length && isRefOperand(kinds[i]) ? refMap[v] : v;
    };
    const s = trace.snap[ref];
    refMap[ref] = out.append(
      op,
      trace.type[ref] as IrType,
      operand(0, trace.a[ref]),
      operand(1, trace.b[ref]),
      operand(2, trace.c[ref]),
      operand(3, trace.d[ref]),
      s === NO_SNAPSHOT ? NO_SNAPSHOT : snapshotMap[s],
    );
  }
  placeSnapshotsBefore(end);
  return { trace: out, refMap, snapshotMap, removed: trace.size - out.size };
}

/** s without the entries whose slot still holds its value from trace entry. */
function pruneUnchanged(trace: Trace, s: Snapshot, phiLefts: ReadonlySet<Ref>): Snapshot {
  const frames = s.frames.map((f, depth): SnapshotFrame => {
    const keep: number[] = [];
    for (let k = 0; k < f.slots.length; k++) {
      const r = f.refs[k];
      const unchanged =
        trace.op[r] === IrOp.SLOAD && trace.a[r] === f.slots[k] && trace.b[r] === depth && !phiLefts.has(r);
      if (!unchanged) keep.push(k);
    }
    if (keep.length === f.slots.length) return f;
    return { ...f, slots: keep.map((k) => f.slots[k]), refs: keep.map((k) => f.refs[k]) };
  });
  return { ...s, frames };
}
