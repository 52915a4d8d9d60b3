// The stable text form of a trace (golden tests and --trace-log=ir assert on it). The
// format is documented below; change it only together with the goldens.
//
//   ---- trace 3 root main pc 12            header: id, kind, start function and pc
//                                           (side traces add "from 1/4": parent/exit)
//   0001 int   SLOAD        #0 @0           ref, type, op, operands
//   .... snap 0 pc 40 [frame main base 0: 0=0001 2=0005]
//   0004 int   ADD          0001 0003  >snap 0
//
// Instruction lines: the ref as 4 digits; the result type padded to 5 ("none" for no
// value); the op name padded to 12; the operands separated by one space; guards end
// with "  >snap N". Operands: refs as 4 digits ("----" for an empty optional operand,
// trailing empty ones omitted); #slot "#3"; #depth "@0"; KINT values as decimal;
// KFLOAT values always with a "." or exponent ("1.0", "-0.0", "NaN", "-Infinity");
// #bool "true"/"false"; #kref "k0"; #helper the helper's name; #field ".2"; #layout
// "L5"; #kind and #elem the kind name. A snapshot line "snap N pc P [...]" comes right before the
// first instruction emitted after it was taken, one bracket per frame, outermost first:
// "frame NAME base B" (outer frames add "pc P"), then ": slot=ref ..." by slot order.
// Lines have no trailing spaces.

import { IR_OPERANDS, IR_OP_NAMES, IR_TYPE_NAMES, IrOp, REF_KIND_NAMES, isRefOperand, type IrOpcode, type OperandKind } from "./ops";
import { ELEM_KIND_NAMES } from "../interp/packed";
import { FIRST_REF, NO_REF, NO_SNAPSHOT, type Ref, type Snapshot, type Trace } from "./trace";

const ref4 = (r: Ref): string => String(r).padStart(4, "0");

/** A float constant that always reads as a float. */
export function formatFloatLiteral(v: number): string {
  if (Object.is(v, -0)) return "-0.0";
  const s = String(v);
  return /^-?\d+$/.test(s) ? s + ".0" : s;
}

/** One instruction line. */
export function printInstruction(trace: Trace, ref: Ref): string {
  const op = trace.op[ref] as IrOpcode;
  const kinds = IR_OPERANDS[op];
  const values = [trace.a[ref], trace.b[ref], trace.c[ref], trace.d[ref]];
  const parts: string[] = [];
  for (let i = 0; i < kinds.length; i++) parts.push(formatOperand(trace, op, kinds[i], values[i]));
  while (parts.length > 0 && parts[parts.length - 1] === "----") parts.pop();
  let line = `${ref4(ref)} ${IR_TYPE_NAMES[trace.type[ref]].padEnd(5)} ${IR_OP_NAMES[op].padEnd(12)} ${parts.join(" ")}`;
  line = line.trimEnd();
  const snap = trace.snap[ref];
  if (snap !== NO_SNAPSHOT) line += `  >snap ${snap}`;
  return line;
}

function formatOperand(trace: Trace, op: IrOpcode, kind: OperandKind, v: number): string {
  if (isRefOperand(kind)) return v === NO_REF ? "----" : ref4(v);
  switch (kind) {
    case "#slot": return `#${v}`;
    case "#depth": return `@${v}`;
    case "#knum": {
      const n = trace.numConsts[v];
      return op === IrOp.KFLOAT ? formatFloatLiteral(n) : String(n);
    }
    case "#bool": return v !== 0 ? "true" : "false";
    case "#kref": return `k${v}`;
    case "#helper": return trace.helpers[v] ?? `helper${v}`;
    case "#callee": return trace.callees[v]?.name ?? `callee${v}`;
    case "#loopcall": {
      const call = trace.loopCalls[v];
      return call === undefined ? `loop${v}` : `${call.proto.name}@${call.pc}[${call.slots.map((s) => `#${s}`).join(" ")}]`;
    }
    case "#fields": return `{${(trace.objectFields[v] ?? []).map(ref4).join(" ")}}`;
    case "#field": return `.${v}`;
    case "#layout": return `L${v}`;
    case "#kind": return REF_KIND_NAMES[v] ?? `kind${v}`;
    case "#elem": return ELEM_KIND_NAMES[v] ?? `elem${v}`;
  }
  return String(v);
}

/** One snapshot line (without the leading "...."). */
export function printSnapshot(s: Snapshot): string {
  const last = s.frames.length - 1;
  const frames = s.frames.map((f, i) => {
    let head = `frame ${f.proto.name} base ${f.base}`;
    if (i < last) head += ` pc ${f.pc}`;
    if (f.slots.length === 0) return `[${head}]`;
    const entries = f.slots.map((slot, k) => `${slot}=${ref4(f.refs[k])}`);
    return `[${head}: ${entries.join(" ")}]`;
  });
  return `snap ${s.id} pc ${s.pc} ${frames.join(" ")}`;
}

/** The header line. */
export function printHeader(trace: Trace): string {
  const m = trace.meta;
  let line = `---- trace ${m.id} ${m.kind} ${m.startProto.name} pc ${m.startPc}`;
  if (m.parent !== undefined) line += ` from ${m.parent.trace}/${m.parent.exit}`;
  return line;
}

/** The whole trace as lines: header, instructions, snapshots where they were taken. */
export function traceLines(trace: Trace): string[] {
  const lines = [printHeader(trace)];
  const byAtRef = [...trace.snapshots].sort((x, y) => x.atRef - y.atRef || x.id - y.id);
  let next = 0;
  const flush = (ref: Ref): void => {
    for (; next < byAtRef.length && byAtRef[next].atRef <= ref; next++) lines.push(`.... ${printSnapshot(byAtRef[next])}`);
  };
  for (let ref = FIRST_REF; ref < trace.end; ref++) {
    flush(ref);
    lines.push(printInstruction(trace, ref));
  }
  flush(trace.end);
  return lines;
}

export function printTrace(trace: Trace): string {
  return traceLines(trace).join("\n");
}
