// Recording of data: array and dict indexing (int and string keys), in-place push, `for x in` over a
// count or an array, and structs. An array that can pack (RArray.packable) gets one
// AHANDLE per trace, then PAGET/PASET/PALEN/PAPUSH on the handle; a constant array, one
// that cannot pack, or one wanted as two kinds takes the boxed ops and helpers. Dicts
// always go through helpers, int keys and string keys (the key text as the interpreter
// stores it: dictKeyOf). Structs and arrays the trace makes stay virtual
// (RecordedTrace.virtuals): a field or element read takes the value it was made with,
// len is a constant. An instruction's effect (a store, an append) comes after
// every check that may abort it: after an abort the interpreter executes it itself.

import { RArray, RDict, RNative, RStruct, RTagged, StructLayout, cloneArray, share, type Value } from "../interp/value";
import { dictKeyOf } from "../interp/dict";
import { getIndex as getIndexOf, iterationSource, matchesPattern, matchPayload } from "../interp/access";
import { VIRTUAL_ARRAY, VIRTUAL_TAGGED, virtualTag, type TaggedName } from "../ir/trace";
import { ELEM_KIND_NAMES, ElemKind } from "../interp/packed";
import { TraceAbort } from "./abort";
import { kindOf } from "./record-kind";
import { ELEMENT_CLASSES } from "../backend/trace-helpers";
import type { RecordCore } from "./recorder";

/**
 * A struct, array, Result or Option the trace made and never allocates (VOBJECT): the
 * struct's layout, VIRTUAL_ARRAY or the tag's VIRTUAL_TAGGED, and the refs of its field
 * values, elements or payload.
 */
export interface VirtualObject {
  layout: StructLayout | typeof VIRTUAL_ARRAY | (typeof VIRTUAL_TAGGED)[TaggedName];
  fields: number[];
}

/** What a virtual object is called in abort reasons. */
export function virtualName(v: VirtualObject): string {
  return v.layout === VIRTUAL_ARRAY ? "an array" : virtualTag(v.layout) !== undefined ? "a Result or Option" : "a struct";
}

export class DataRecorder {
  /** Array ref -> the AHANDLE of it and the kind it packs as (one per array per trace). */
  private readonly handles = new Map<number, { ref: number; kind: ElemKind }>();
  /** Placeholders of the structs and arrays the trace made -> what they were made of (see RecordedTrace.virtuals). */
  readonly virtuals = new Map<number, VirtualObject>();

  constructor(private readonly core: RecordCore) {}

  /** The constant class code (ELEMENT_CLASSES) of an array element that is an array, dict, struct or string. */
  private elementClass(v: Value): number {
    const name = v instanceof RArray ? "array" : v instanceof RDict ? "dict" : v instanceof RStruct ? "struct" : typeof v === "string" ? "string" : null;
    if (name === null) throw new TraceAbort("nyi_value", "an array element that is not a number, a bool, an array, a dict, a struct or a string");
    return this.core.constant("int", ELEMENT_CLASSES.indexOf(name));
  }

  getIndex(pc: number, a: number, b: number, c: number): number {
    const { stack, base } = this.core;
    const o = stack[base + b];
    const k = stack[base + c];
    if (o instanceof RDict && (typeof k === "number" || typeof k === "string")) {
      const elem = typeof k === "number" ? o.getIntKey(k) : o.get(dictKeyOf(k));
      if (elem === undefined) throw new TraceAbort("nyi_value", "a missing dict key");
      const kind = kindOf(elem);
      if (kind === "ref") throw new TraceAbort("nyi_value", "a dict of objects");
      const helper = typeof k === "number" ? `dget_${kind}` : `dget_s_${kind}`;
      this.core.write(a, this.core.callHelper(helper, kind, [this.core.read(b), this.core.read(c)]), elem);
      return pc + 4;
    }
    if (typeof o === "string" && typeof k === "number") {
      // A character: through a helper that refuses out of range (the interpreter raises the error).
      if (this.core.typeOfRef(this.core.read(c)) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
      const ch = this.core.concrete(() => getIndexOf(o, k));
      this.core.write(a, this.core.callHelper("str_index", "ref", [this.core.read(b), this.core.read(c)]), ch);
      return pc + 4;
    }
    if (!(o instanceof RArray) || typeof k !== "number") throw new TraceAbort("nyi_value", "indexing something other than an array, a dict or a string by an int");
    if (k < 0 || k >= o.length) throw new TraceAbort("nyi_value", "an index outside the array");
    const made = this.virtuals.get(this.core.read(b));
    if (made !== undefined) {
      // An array the trace made: the element it was made with, at this index (a
      // variable index is guarded to be this one).
      const index = this.core.read(c);
      if (this.core.ops[index].op !== "KINT") {
        if (this.core.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
        this.core.emit("GUARD_TRUE", "none", [this.core.emit("EQ", "bool", [index, this.core.constant("int", k)])], true);
      }
      this.core.write(a, made.fields[k], o.at(k));
      return pc + 4;
    }
    const elem = o.at(k);
    const kind = kindOf(elem);
    if (typeof elem === "string") {
      // A string element: read through a helper from the boxed elements (packed arrays hold numbers and bools).
      if (this.core.typeOfRef(this.core.read(c)) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
      this.core.write(a, this.core.callHelper("aget_str", "ref", [this.core.read(b), this.core.read(c)]), elem);
      return pc + 4;
    }
    if (kind === "ref") {
      // An array, dict or struct element: read through a helper that returns only one of
      // the class seen here (it is trusted downstream, as a checked slot's is).
      if (this.core.typeOfRef(this.core.read(c)) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
      this.core.write(a, this.core.callHelper("aget_ref", "ref", [this.core.read(b), this.core.read(c), this.elementClass(elem)]), elem);
      return pc + 4;
    }
    const arr = this.core.read(b);
    const index = this.core.read(c);
    if (this.core.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
    const h = this.packedHandle(arr, o, kind);
    this.core.write(a, h !== null ? this.core.emit("PAGET", kind, [h, index], true) : this.core.emit("AGET", kind, [arr, index], true), elem);
    return pc + 4;
  }

  setIndex(pc: number, a: number, b: number, c: number): number {
    const { stack, base } = this.core;
    const o = stack[base + a];
    const k = stack[base + b];
    const v = stack[base + c];
    if (o instanceof RDict && (typeof k === "number" || typeof k === "string")) {
      if (o.shared) throw new TraceAbort("nyi_value", "a store into a shared dict (copy-on-write)");
      const kind = kindOf(v);
      if (kind === "ref") throw new TraceAbort("nyi_value", "storing an object into a dict");
      this.core.callHelper(typeof k === "number" ? `dset_${kind}` : `dset_s_${kind}`, "none", [this.core.read(a), this.core.read(b), this.core.read(c)]);
      if (typeof k === "number") o.setIntKey(k, v);
      else o.set(dictKeyOf(k), v);
      return pc + 4;
    }
    if (!(o instanceof RArray) || typeof k !== "number") throw new TraceAbort("nyi_value", "storing into something other than an array by an int");
    if (this.virtuals.has(this.core.read(a))) throw new TraceAbort("nyi_value", "a store into an array made in the trace");
    if (k < 0 || k >= o.length) throw new TraceAbort("nyi_value", "an index outside the array");
    const kind = kindOf(v);
    if (kind === "ref") throw new TraceAbort("nyi_value", "storing an array into an array");
    let arr = this.core.read(a);
    const index = this.core.read(b);
    if (this.core.typeOfRef(index) !== "int") throw new TraceAbort("nyi_value", "a non-int index");
    let target = o;
    if (o.shared) {
      // A root loop's iterations would all make the call, and take the array's handle
      // after it, not once before the loop: the loop is recorded again when it is not shared.
      if (this.core.inRootLoop) throw new TraceAbort("nyi_value", "a store into a shared array (copy-on-write) in the loop's own iterations");
      // Copy-on-write, as the interpreter makes it: the register takes an array of its
      // own (own_array: a copy while the array is shared, the array itself once it is not).
      target = cloneArray(o);
      arr = this.core.callHelper("own_array", "ref", [arr]);
      this.core.write(a, arr, target);
    }
    this.refuseOtherKind(arr, kind);
    const h = this.packedHandle(arr, target, kind);
    if (h !== null) this.core.emit("PASET", "none", [h, index, this.core.read(c)], true);
    else this.core.emit("ASET", "none", [arr, index, this.core.read(c)], true);
    target.put(k, v);
    return pc + 4;
  }

  /**
   * FORPREP it src of a count, an array, a string or a dict: the iterator register takes
   * the count or the array, or a JS array of the string's characters or the dict's keys
   * (a "list", made by a helper as the interpreter makes it); the position starts at 0.
   * The array gains a holder for the loop (the interpreter's hold is counted and given
   * back at the loop's end; the trace's share stays: always safe). Always share_obj, a
   * constant array too (not shareHolder): the hold the recording took may be given back
   * before the trace runs.
   */
  forPrep(pc: number, it: number, src: number): number {
    const { stack, base } = this.core;
    const source = stack[base + src];
    let ref = this.core.read(src);
    if (source instanceof RArray) {
      if (this.virtuals.has(ref)) throw new TraceAbort("nyi_value", "a for loop over an array made in the trace");
      this.core.callHelper("share_obj", "none", [ref]);
    } else if (typeof source === "string" || source instanceof RDict) {
      ref = this.core.callHelper(typeof source === "string" ? "str_chars" : "dict_keys", "ref", [ref]);
    } else if (typeof source !== "number" || this.core.typeOfRef(ref) !== "int") {
      throw new TraceAbort("nyi_value", "a for loop over something other than a count, an array, a string or a dict");
    }
    this.core.write(it, ref, iterationSource(source) as Value);
    this.core.write(it + 1, this.core.constant("int", 0), 0);
    return pc + 4;
  }

  /**
   * `for x in N` (a count) and `for x in array`: the iterator register holds the count
   * or the array (shared: the loop walks a snapshot), the next one the position.
   */
  forIteration(pc: number, it: number, varReg: number, body: number): number {
    const { stack, base } = this.core;
    const source = stack[base + it];
    const position = stack[base + it + 1] as number;
    const src = this.core.read(it);
    const pos = this.core.read(it + 1);
    let more: boolean;
    let limit: number;
    if (typeof source === "number") {
      more = position < source;
      limit = src;
    } else if (source instanceof RArray) {
      more = position < source.length;
      limit = this.arrayLength(src, source);
    } else if (Array.isArray(source)) {
      // A string's characters or a dict's keys (strings): through helpers.
      more = position < source.length;
      limit = this.core.callHelper("list_len", "int", [src]);
    } else {
      throw new TraceAbort("nyi_value", "a for loop over something other than a count, an array, a string or a dict");
    }
    const before = this.core.snapshot();
    const cond = this.core.emit("LT", "bool", [pos, limit]);
    this.core.emit(more ? "GUARD_TRUE" : "GUARD_FALSE", "none", [cond], before);
    if (!more) return pc + 4;
    let value: Value = position;
    let valueRef = pos;
    if (Array.isArray(source)) {
      value = source[position] as Value;
      valueRef = this.core.callHelper("list_get", "ref", [src, pos]);
    } else if (source instanceof RArray) {
      value = source.at(position);
      const kind = kindOf(value);
      if (kind === "ref") {
        // Objects and strings (boxed elements) through a helper, of the class seen here;
        // it shares the value, as FORITER does.
        valueRef = this.core.callHelper("aiter_ref", "ref", [src, pos, this.elementClass(value)]);
      } else {
        const h = this.packedHandle(src, source, kind);
        valueRef = h !== null ? this.core.emit("PAGET", kind, [h, pos], before) : this.core.emit("AGET", kind, [src, pos], before);
      }
    }
    this.core.write(varReg, valueRef, value);
    this.core.write(it + 1, this.core.emit("ADD", "int", [pos, this.core.constant("int", 1)], before), position + 1);
    return body;
  }

  /** `R[a] = push(R[a], R[v])` (PUSHVAR, fn in R[f]): an in-place append of the unshared array. */
  pushInPlace(pc: number, a: number, f: number, v: number): number {
    const { stack, base } = this.core;
    const fn = stack[base + f];
    const fnRef = this.core.read(f);
    if (!this.core.isObject(fnRef) || !(fn instanceof RNative) || (fn.name !== "push" && fn.name !== "append")) {
      throw new TraceAbort("call_native", "a push through something other than the push builtin");
    }
    const arr = stack[base + a];
    if (!(arr instanceof RArray) || arr.shared) throw new TraceAbort("nyi_value", "a push onto a shared array or a non-array");
    const value = stack[base + v];
    const kind = kindOf(value);
    const arrRef = this.core.read(a);
    if (this.virtuals.has(arrRef)) throw new TraceAbort("nyi_value", "a push onto an array made in the trace");
    if (this.core.isObject(arrRef)) throw new TraceAbort("nyi_value", "a push onto a constant");
    if (kind === "ref") {
      // An object or a string: appended boxed by a helper (which shares it, as push does).
      // One the trace made has no value in wasm to append.
      let valueRef = this.core.read(v);
      const made = this.virtuals.get(valueRef);
      if (made !== undefined) valueRef = this.allocate(made);
      if (this.handles.has(arrRef)) throw new TraceAbort("type_unstable", "an object or string pushed onto an array this trace packs");
      this.core.callHelper("apush_ref", "none", [arrRef, valueRef]);
      arr.append(share(value));
      return pc + 4;
    }
    this.refuseOtherKind(arrRef, kind);
    const h = this.packedHandle(arrRef, arr, kind);
    if (h !== null) this.core.emit("PAPUSH", "none", [h, this.core.read(v)], true);
    else this.core.callHelper(`apush_${kind}`, "none", [arrRef, this.core.read(v)]);
    arr.append(value);
    return pc + 4;
  }

  /**
   * A struct the trace made, allocated where it escapes (NEWSTRUCT), of numbers and bools
   * (traces make no struct holding an object). An array, a Result or an Option the trace
   * made is not allocated (yet): those escapes abort.
   */
  private allocate(made: VirtualObject): number {
    if (!(made.layout instanceof StructLayout)) throw new TraceAbort("nyi_value", `pushing ${virtualName(made)} the trace made`);
    if (made.fields.some((f) => this.core.typeOfRef(f) === "ref")) throw new TraceAbort("nyi_value", "pushing a struct the trace made holding an object");
    return this.core.push({ op: "NEWSTRUCT", type: "ref", args: [...made.fields], snap: -1, object: made.layout });
  }

  /**
   * A store of another kind into an array this trace packs would unpack it at every
   * iteration, and every later entry would refuse at the handle: abort instead. The
   * interpreter makes the store, so the next recording finds the array mixed and uses
   * the boxed helpers.
   */
  private refuseOtherKind(arr: number, kind: "int" | "float" | "bool"): void {
    const known = this.handles.get(arr);
    if (known !== undefined && known.kind !== ElemKind[kind]) throw new TraceAbort("type_unstable", `a ${kind} stored into an array this trace packs as ${ELEM_KIND_NAMES[known.kind]}`);
  }

  /** len(arr) of the array ref arr (its value now: o). */
  arrayLength(arr: number, o: RArray): number {
    if (this.virtuals.has(arr)) return this.core.constant("int", o.length);
    const known = this.handles.get(arr);
    if (known !== undefined) return this.core.emit("PALEN", "int", [known.ref], true);
    const kind = o.length > 0 ? kindOf(o.at(0)) : null;
    const h = kind !== null && kind !== "ref" ? this.packedHandle(arr, o, kind) : null;
    return h !== null ? this.core.emit("PALEN", "int", [h], true) : this.core.emit("ALEN", "int", [arr]);
  }

  /**
   * The handle of the array ref arr (its value now: o) packed as kind, emitting its
   * AHANDLE the first time; null when the trace should use the boxed helpers instead: a
   * constant array, elements of another kind, or the same array wanted as another kind.
   */
  private packedHandle(arr: number, o: RArray, kind: "int" | "float" | "bool"): number | null {
    const elem = ElemKind[kind];
    const known = this.handles.get(arr);
    if (known !== undefined) return known.kind === elem ? known.ref : null;
    if (this.core.isObject(arr) || !o.packable(elem)) return null;
    const entryLoad = this.core.ops[arr].op === "SLOAD"; // SLOADs are only ever entry loads
    const ref = this.core.push({ op: "AHANDLE", type: "int", args: [arr], snap: this.core.snapshot(), elem, hoistSnap: entryLoad && this.core.headerSnap >= 0 ? this.core.headerSnap : undefined });
    this.handles.set(arr, { ref, kind: elem });
    return ref;
  }

  /** NEWSTRUCT: made for real, recorded as a placeholder whose fields are known. */
  newStruct(a: number, b: number, layout: StructLayout): void {
    const fields = layout.fields.map((_, k) => this.core.read(b + k));
    // Arrays in fields would be marked shared by the struct (copy-on-write): a trace that
    // never makes the struct could not do that.
    if (fields.some((f) => this.core.typeOfRef(f) === "ref")) throw new TraceAbort("nyi_value", "a struct holding an array, dict, struct, string or function");
    const struct = new RStruct(layout, layout.fields.map((_, k) => this.core.stack[this.core.base + b + k]));
    const ref = this.core.push({ op: "KREF", type: "ref", args: [], snap: -1, object: struct });
    this.virtuals.set(ref, { layout, fields });
    this.core.write(a, ref, struct);
  }

  /**
   * NEWTAGGED: Ok, Err, Some or None of R[b], made for real and recorded as a placeholder
   * (a match on it takes the branch its tag takes, with no code; the payload is its
   * field). A number, bool or string payload only: an object would be marked shared.
   */
  newTagged(a: number, b: number, tag: TaggedName): void {
    const fields: number[] = [];
    let payload: Value = null;
    if (tag !== "None") {
      payload = this.core.stack[this.core.base + b];
      const ref = this.core.read(b);
      if (this.core.typeOfRef(ref) === "ref" && typeof payload !== "string") throw new TraceAbort("nyi_value", `${tag} of an array, dict, struct or function`);
      fields.push(ref);
    }
    const tagged = new RTagged(tag, payload);
    const ref = this.core.push({ op: "KREF", type: "ref", args: [], snap: -1, object: tagged });
    this.virtuals.set(ref, { layout: VIRTUAL_TAGGED[tag], fields });
    this.core.write(a, ref, tagged);
  }

  /**
   * MATCHTAG of a Result or Option the trace made: its tag is known, so the pattern
   * matches or not with no code. A value from outside the trace: not yet.
   */
  matchTag(pc: number, a: number, pattern: string, target: number): number {
    this.madeTagged(a, "a match");
    return matchesPattern(this.core.stack[this.core.base + a], pattern) ? pc + 4 : target;
  }

  /**
   * TRYOP (`e?`) of a Result or Option the trace made: the payload of an Ok or Some
   * (no code), or -1 for an Err or None, which the function returns (the caller records
   * the return).
   */
  tryOp(pc: number, a: number, b: number): number {
    const made = this.madeTagged(b, "a ?");
    const v = this.core.stack[this.core.base + b] as RTagged;
    if (v.tag !== "Ok" && v.tag !== "Some") return -1;
    this.core.write(a, made.fields[0], v.value);
    return pc + 4;
  }

  /** The placeholder of the Result or Option the trace made in R[r]; `what` of anything else aborts. */
  private madeTagged(r: number, what: string): VirtualObject {
    const made = this.virtuals.get(this.core.read(r));
    if (made === undefined || virtualTag(made.layout) === undefined) throw new TraceAbort("nyi_value", `${what} of a value the trace did not make, or not a Result or Option`);
    return made;
  }

  /** MATCHBIND of a Result or Option the trace made: its payload. */
  matchBind(a: number, b: number): void {
    const made = this.madeTagged(b, "a payload");
    if (made.fields.length === 0) throw new TraceAbort("nyi_value", "a payload of None");
    this.core.write(a, made.fields[0], matchPayload(this.core.stack[this.core.base + b]));
  }

  /** NEWARRAY of c values from R[b]: made for real, recorded as a placeholder whose elements are known. */
  newArray(a: number, b: number, c: number): void {
    const fields: number[] = [];
    for (let k = 0; k < c; k++) fields.push(this.core.read(b + k));
    // Objects as elements would be marked shared by the array (copy-on-write): a trace
    // that never makes the array could not do that.
    if (fields.some((f) => this.core.typeOfRef(f) === "ref")) throw new TraceAbort("nyi_value", "an array of arrays, dicts, structs, strings or functions made in the trace");
    const items: Value[] = [];
    for (let k = 0; k < c; k++) items.push(share(this.core.stack[this.core.base + b + k]));
    const arr = new RArray(items);
    const ref = this.core.push({ op: "KREF", type: "ref", args: [], snap: -1, object: arr });
    this.virtuals.set(ref, { layout: VIRTUAL_ARRAY, fields });
    this.core.write(a, ref, arr);
  }

  /**
   * GETFIELD: of a struct the trace made, the field's value with no code; of another
   * struct, a helper that checks the layout and the value's type (else the trace exits).
   */
  getField(a: number, b: number, name: string): void {
    const ref = this.core.read(b);
    const v = this.virtuals.get(ref);
    const o = this.core.stack[this.core.base + b];
    if (!(o instanceof RStruct)) throw new TraceAbort("nyi_value", "a field of something other than a struct");
    const slot = o.layout.index.get(name);
    if (slot === undefined) throw new TraceAbort("nyi_op", `${name} of a struct is not a field`);
    if (v !== undefined) {
      this.core.write(a, v.fields[slot], o.values[slot]);
      return;
    }
    const value = o.values[slot];
    const kind = kindOf(value);
    if (kind === "ref") throw new TraceAbort("nyi_value", "a struct field holding an object");
    this.core.write(a, this.core.callHelper(`sget_${kind}`, kind, [ref, this.core.constant("int", o.layout.id), this.core.constant("int", slot)]), value);
  }
}
