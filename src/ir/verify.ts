// Structural checks of a finished trace, for tests and debug builds: operands and types
// agree with the op table, guards own valid snapshots, and the loop is well formed
// (one LOOP, PHIs last, no loop-carried value read through a stale pre-loop copy).

import { IR_OPERANDS, IR_OP_NAMES, IR_RESULT, IrOp, IrType, isGuard, isRefOperand, typeFitsOperand, type IrOpcode } from "./ops";
import { FIRST_REF, NO_REF, NO_SNAPSHOT, forEachRefOperand, hasRefList, type Ref, type Trace } from "./trace";

/** Problems found in trace, as readable sentences; empty when it is well formed. */
export function verifyTrace(trace: Trace): string[] {
  const problems: string[] = [];
  const say = (ref: Ref, what: string): void => {
    problems.push(`${String(ref).padStart(4, "0")} ${IR_OP_NAMES[trace.op[ref]] ?? "?"}: ${what}`);
  };
  let loops = 0;
  let phiSeen = false;
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    const op = trace.op[ref] as IrOpcode;
    if (op >= IR_OP_NAMES.length) {
      say(ref, `unknown opcode ${op}`);
      continue;
    }
    const kinds = IR_OPERANDS[op];
    forEachRefOperand(trace, ref, (r, i) => {
      if (r < FIRST_REF || r >= ref) say(ref, `operand ${i} (${r}) is not an earlier instruction`);
      else if (!typeFitsOperand(trace.type[r] as IrType, hasRefList(op) ? "any" : kinds[i])) say(ref, `operand ${r} does not fit ${kinds[i]}`);
    });
    for (let i = 0; i < kinds.length; i++) {
      if (isRefOperand(kinds[i]) && kinds[i] !== "any?" && operandAt(trace, ref, i) === NO_REF) say(ref, `operand ${i} missing`);
    }
    const rule = IR_RESULT[op];
    if (rule !== "given" && rule !== "left" && trace.type[ref] !== IrType[rule]) say(ref, `result type should be ${rule}`);
    if (rule === "left" && trace.type[ref] !== trace.type[trace.a[ref]]) say(ref, "result type differs from the left operand");

    const s = trace.snap[ref];
    if (isGuard(op)) {
      const snapshot = trace.snapshots[s];
      if (snapshot === undefined) say(ref, `snapshot ${s} does not exist`);
      else if (snapshot.atRef > ref) say(ref, `snapshot ${s} was taken after the guard`);
    } else if (s !== NO_SNAPSHOT) say(ref, "has a snapshot but is no guard");

    if (op === IrOp.LOOP && ++loops > 1) say(ref, "second LOOP");
    if (op === IrOp.PHI) {
      phiSeen = true;
      if (trace.loopRef === NO_REF || trace.a[ref] >= trace.loopRef) say(ref, "left operand not defined before LOOP");
      if (trace.type[trace.a[ref]] !== trace.type[trace.b[ref]]) say(ref, "operand types differ");
      const entry = trace.c[ref];
      if (entry !== NO_REF && (trace.loopRef === NO_REF || entry >= trace.loopRef)) say(ref, "entry value not defined before LOOP");
      else if (entry !== NO_REF && trace.type[entry] !== trace.type[trace.a[ref]]) say(ref, "entry value's type differs");
    } else if (phiSeen) say(ref, "follows a PHI (PHIs end the trace)");
    if (op === IrOp.EXIT && ref !== trace.end - 1) say(ref, "EXIT is not the last instruction");
  }
  if (trace.end > FIRST_REF && trace.loopRef === NO_REF && trace.op[trace.end - 1] !== IrOp.EXIT) {
    problems.push("a trace without LOOP must end with EXIT");
  }
  for (const s of trace.snapshots) {
    s.frames.forEach((f, depth) => {
      f.refs.forEach((r, k) => {
        if (r < FIRST_REF || r >= s.atRef) problems.push(`snap ${s.id} frame ${depth} slot ${f.slots[k]}: ref ${r} not below ${s.atRef}`);
        else if (trace.type[r] === IrType.none) problems.push(`snap ${s.id} frame ${depth} slot ${f.slots[k]}: ref ${r} has no value`);
      });
    });
  }
  problems.push(...staleLoopValues(trace));
  return problems;
}

function operandAt(trace: Trace, ref: Ref, i: number): number {
  return i === 0 ? trace.a[ref] : i === 1 ? trace.b[ref] : i === 2 ? trace.c[ref] : trace.d[ref];
}

/**
 * A pre-loop instruction computed from a PHI's left operand holds that variable's first
 * value only; the loop body must not read it (nor snapshot it) unless it is itself
 * carried by a PHI. This is the case loop peeling must turn into a new PHI.
 */
function staleLoopValues(trace: Trace): string[] {
  const loop = trace.loopRef;
  if (loop === NO_REF) return [];
  const phiRefs = trace.phis();
  const carried = new Set(phiRefs.map((p) => trace.a[p]));
  const stale = new Uint8Array(loop);
  for (let ref = FIRST_REF; ref < loop; ref++) {
    if (carried.has(ref)) continue;
    forEachRefOperand(trace, ref, (r) => {
      if (carried.has(r) || stale[r]) stale[ref] = 1;
    });
  }
  const problems: string[] = [];
  const phiSet = new Set(phiRefs);
  for (let ref = loop + 1; ref < trace.end; ref++) {
    forEachRefOperand(trace, ref, (r, i) => {
      // A PHI's left operand is the carried variable itself, its entry value is read before the loop.
      if (phiSet.has(ref) && i !== 1) return;
      if (r < loop && stale[r]) problems.push(`${String(ref).padStart(4, "0")} reads ${r}, a pre-loop value of a loop-carried variable`);
    });
    const s = trace.snap[ref];
    if (s !== NO_SNAPSHOT && trace.snapshots[s] !== undefined) {
      for (const f of trace.snapshots[s].frames) {
        for (const r of f.refs) if (r < loop && stale[r]) problems.push(`snap ${s} holds ${r}, a pre-loop value of a loop-carried variable`);
      }
    }
  }
  return problems;
}

/** Throw when trace is malformed (lists every problem). */
export function assertValidTrace(trace: Trace): void {
  const problems = verifyTrace(trace);
  if (problems.length > 0) throw new Error(`malformed trace:\n  ${problems.join("\n  ")}`);
}
