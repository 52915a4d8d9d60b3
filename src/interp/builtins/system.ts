// Process builtins: args() and exit() through the host, the env family (env, env_or,
// env_int, env_float, env_bool, env_required, env_set, env_list) and os_* helpers.

import { rmdirSync } from "node:fs";
import { RArray, RDict, RFloat, type Value, dictFromText } from "../value";
import { attempt } from "./files";
import { f64ToI64, fail, native, parseRustF64, parseRustI64, type BuiltinHost, type NativeSpec } from "./support";

function nameArg(name: string, v: Value): string {
  if (typeof v !== "string") fail(`${name} requires a string argument (variable name)`);
  return v;
}

/** The variable's value, or a catchable "not found" error. */
function requireVariable(name: string): string {
  const value = process.env[name];
  return value ?? fail(`Environment variable '${name}' not found`);
}

const BOOL_WORDS: Record<string, boolean> = {
  true: true,
  "1": true,
  yes: true,
  on: true,
  false: false,
  "0": false,
  no: false,
  off: false,
};

function envBuiltins(): NativeSpec[] {
  return [
    // Upstream returns "" for an unset variable (tests/test_stdlib_system.out relies on it).
    native("env", 1, 1, (a) => process.env[nameArg("env", a[0])] ?? ""),
    native("env_or", 2, 2, (a) => {
      if (typeof a[0] !== "string" || typeof a[1] !== "string") {
        fail("env_or requires two string arguments (variable name, default value)");
      }
      return process.env[a[0]] ?? a[1];
    }),
    native("env_int", 1, 1, (a) => {
      const name = nameArg("env_int", a[0]);
      const text = requireVariable(name);
      return parseRustI64(text) ?? fail(`Environment variable '${name}' value '${text}' is not a valid integer`);
    }),
    native("env_float", 1, 1, (a) => {
      const name = nameArg("env_float", a[0]);
      const text = requireVariable(name);
      const x = parseRustF64(text);
      return x === undefined ? fail(`Environment variable '${name}' value '${text}' is not a valid float`) : new RFloat(x);
    }),
    native("env_bool", 1, 1, (a) => {
      const name = nameArg("env_bool", a[0]);
      const text = requireVariable(name);
      return BOOL_WORDS[text.toLowerCase()] ?? fail(`Environment variable '${name}' value '${text}' is not a valid bool`);
    }),
    native("env_required", 1, 1, (a) => {
      const name = nameArg("env_required", a[0]);
      return process.env[name] ?? fail(`Required environment variable '${name}' is not set`);
    }),
    native("env_set", 2, 2, (a) => {
      if (typeof a[0] !== "string" || typeof a[1] !== "string") {
        fail("env_set requires two string arguments (variable name, value)");
      }
      process.env[a[0]] = a[1];
      return null;
    }),
    native(["env_list", "os_environ"], 0, 0, () => environment()),
  ];
}

function environment(): RDict {
  return dictFromText(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Rust `f as i32`: saturate at the i32 bounds. */
function saturateI32(x: number): number {
  return Math.max(-2147483648, Math.min(2147483647, x));
}

export function systemBuiltins(host: BuiltinHost): NativeSpec[] {
  return [
    ...envBuiltins(),
    native("args", 0, 0, () => new RArray(host.scriptArgs.slice())),
    native("exit", 0, 1, (a) => {
      const code = a.length === 0 ? 0 : a[0];
      // Rust `code as i32`: ints wrap, floats saturate.
      if (typeof code === "number" || typeof code === "bigint") return host.exit(Number(BigInt.asIntN(32, BigInt(code))));
      if (code instanceof RFloat) return host.exit(saturateI32(Number(f64ToI64(code.v))));
      return fail("exit() requires a numeric exit code when provided");
    }),
    native("os_getcwd", 0, 0, () => process.cwd()),
    native("os_chdir", 1, 1, (a) => {
      if (typeof a[0] !== "string") fail("os_chdir requires a string argument (path)");
      const path = a[0];
      attempt(`Cannot change directory to '${path}'`, () => process.chdir(path));
      return true;
    }),
    native("os_rmdir", 1, 1, (a) => {
      if (typeof a[0] !== "string") fail("os_rmdir requires a string argument (path)");
      const path = a[0];
      attempt(`Cannot remove directory '${path}'`, () => rmdirSync(path));
      return true;
    }),
  ];
}
