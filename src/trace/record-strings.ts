// Recording of strings: constants, concatenation (`+` of two strings, and CONCAT, which
// string interpolation compiles to), to_string / TOSTR of ints, floats, bools and
// strings, len, and comparisons of two strings (==, !=, and ordering by code points).
// All of it goes through helpers (src/backend/trace-helpers.ts): a string is a JS string
// the trace holds through an externref and never looks inside. Each helper formats,
// joins or compares exactly as the interpreter does, with the same functions.

import { RFloat, type Value } from "../interp/value";
import { formatValue } from "../interp/format";
import { internString } from "../backend/trace-helpers";
import { TraceAbort } from "./abort";
import type { RecordCore } from "./recorder";

export class StringRecorder {
  constructor(private readonly core: RecordCore) {}

  /** LOADK of a string: R[a] = the constant, through its index in the helpers' pool. */
  constant(a: number, s: string): void {
    this.core.write(a, this.helper("kstr", [this.core.constant("int", internString(s))]), s);
  }

  /** R[a] = left + right, both strings (refs of them: the helper checks, and refuses otherwise). */
  add(a: number, left: number, right: number, x: string, y: string): void {
    this.core.write(a, this.helper("sconcat", [left, right]), x + y);
  }

  /** CONCAT: R[a] = R[b] + ... + R[b+c-1], strings all (the compiler converted each part). */
  concat(a: number, b: number, c: number): void {
    const { stack, base } = this.core;
    let text = "";
    let ref = -1;
    for (let k = 0; k < c; k++) {
      const part = stack[base + b + k];
      if (typeof part !== "string") throw new TraceAbort("nyi_value", "interpolation of something other than strings");
      const r = this.core.read(b + k);
      ref = ref < 0 ? r : this.helper("sconcat", [ref, r]);
      text += part;
    }
    if (ref < 0) ref = this.helper("kstr", [this.core.constant("int", internString(""))]);
    this.core.write(a, ref, text);
  }

  /** R[a] = to_string(R[b]) (TOSTR, and the builtin): ints, floats and bools by helpers, a string as itself. */
  toStringOf(a: number, b: number): void {
    const v: Value = this.core.stack[this.core.base + b];
    const ref = this.core.read(b);
    if (typeof v === "string") {
      this.core.write(a, ref, v);
      return;
    }
    const kind = this.core.typeOfRef(ref);
    if (kind === "ref" || (kind === "int" && typeof v !== "number") || (kind === "float" && !(v instanceof RFloat))) {
      throw new TraceAbort("nyi_value", "to_string of something other than a number, bool or string");
    }
    this.core.write(a, this.helper(`tostr_${kind}`, [ref]), formatValue(v));
  }

  /** len(R[b]) of a string, in code points (as the interpreter counts). */
  length(b: number): number {
    return this.core.callHelper("slen", "int", [this.core.read(b)]);
  }

  /** The bool ref of left == right, two strings (seq; it refuses anything else). */
  equal(left: number, right: number): number {
    return this.core.callHelper("seq", "bool", [left, right]);
  }

  /** The int ref of the code-point order of left and right (-1, 0, 1), two strings (scmp; it refuses anything else). */
  compare(left: number, right: number): number {
    return this.core.callHelper("scmp", "int", [left, right]);
  }

  /** A helper call returning a string (null: it refused, and the trace exits before any effect). */
  private helper(name: string, args: number[]): number {
    return this.core.callHelper(name, "ref", args);
  }
}
