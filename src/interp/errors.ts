// Runtime error plumbing: the position and call stack attached to a RuffError when it
// leaves an instruction, the `Error` struct that `except` binds, and the uncaught-error
// diagnostic (`[RUFVM001] [vm] Runtime Error: ...`).

import { RArray, RStruct, RuffError, layoutFor, type Value } from "./value";
import { debugForm } from "./format";

export interface ErrorSite {
  file: string;
  line: number;
  col: number;
  /** Names of the active user functions, innermost first (no `<main>`). */
  callStack: string[];
}

const siteOf = new WeakMap<RuffError, ErrorSite>();

export function attachSite(err: RuffError, site: ErrorSite): void {
  if (!siteOf.has(err)) siteOf.set(err, site);
}

export function errorSite(err: RuffError): ErrorSite | undefined {
  return siteOf.get(err);
}

/** Message of `throw(v)`: strings as is, a struct's `message` field, else debug text. */
export function thrownMessage(v: Value): string {
  if (typeof v === "string") return v;
  if (v instanceof RStruct) {
    const slot = v.layout.index.get("message");
    if (slot !== undefined) {
      const m = v.values[slot];
      if (typeof m === "string") return m;
    }
  }
  return debugForm(v);
}

const ERROR_LAYOUT = layoutFor("Error", ["line", "message", "stack"]);
const ERROR_LAYOUT_CAUSE = layoutFor("Error", ["line", "message", "stack", "cause"]);

/** The struct bound by `except err`: message, stack (outermost first), line, cause. */
export function errorStruct(err: RuffError): RStruct {
  const site = siteOf.get(err);
  const stack = new RArray(site ? site.callStack.slice().reverse() : []);
  const line = site ? site.line : 0;
  const thrown = err.thrown;
  if (thrown instanceof RStruct) {
    const causeSlot = thrown.layout.index.get("cause");
    if (causeSlot !== undefined) return new RStruct(ERROR_LAYOUT_CAUSE, [line, err.message, stack, thrown.values[causeSlot]]);
  }
  return new RStruct(ERROR_LAYOUT, [line, err.message, stack]);
}

const MAX_STACK_LINES = 20;

/** The uncaught runtime error diagnostic, as printed on stderr. */
export function formatRuntimeError(err: RuffError): string {
  const site = siteOf.get(err);
  const lines = [`[RUFVM001] [vm] Runtime Error: ${err.message}`];
  if (site) {
    lines.push(`  --> ${site.file}:${site.line}:${site.col}`);
    if (site.callStack.length > 0) lines.push("", "Call stack:", ...callStackLines(site.callStack));
  }
  return lines.join("\n") + "\n";
}

/** Innermost first; runs of one function (recursion) collapse into a count. */
function callStackLines(names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < names.length && out.length < MAX_STACK_LINES; ) {
    let j = i + 1;
    while (j < names.length && names[j] === names[i]) j++;
    out.push(`  ${i} at ${names[i]}`);
    if (j - i > 2) out.push(`  ... ${names[i]} repeated ${j - i - 1} more times`);
    else if (j - i === 2) out.push(`  ${i + 1} at ${names[i]}`);
    i = j;
  }
  return out;
}

/**
 * What a host's `exit` callback throws to end the program (the CLI's, the tests'): it
 * unwinds everything, the JIT's recorder included (a call it runs may exit).
 */
export class ProgramExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
