// File and process builtins: read/write/append files (with upstream's overwrite rule and
// 8 MiB limit), directory listing, args(), env(), exit(). I/O errors read like Rust's
// (`Cannot read file 'x': No such file or directory (os error 2)`).

import * as fs from "node:fs";
import { RArray, RFloat, type Value } from "../value";
import { rustLines } from "./strings";
import { fail, f64ToI64, native, type BuiltinHost, type NativeSpec } from "./support";

const MAX_FILE_IO_BYTES = 8 * 1024 * 1024;

/** Rust io::Error Display text for the errno codes scripts commonly meet. */
const RUST_IO_ERRORS: Record<string, string> = {
  EPERM: "Operation not permitted (os error 1)",
  ENOENT: "No such file or directory (os error 2)",
  EACCES: "Permission denied (os error 13)",
  EEXIST: "File exists (os error 17)",
  ENOTDIR: "Not a directory (os error 20)",
  EISDIR: "Is a directory (os error 21)",
  EINVAL: "Invalid argument (os error 22)",
  ENOSPC: "No space left on device (os error 28)",
  ENOTEMPTY: "Directory not empty (os error 39)",
};

function ioErrorText(e: unknown): string {
  if (e instanceof IoTextError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && code in RUST_IO_ERRORS) return RUST_IO_ERRORS[code];
  return e instanceof Error ? e.message : String(e);
}

/** An I/O failure whose text is already in Rust's words. */
class IoTextError extends Error {}

function attempt<T>(prefix: string, action: () => T): T {
  try {
    return action();
  } catch (e) {
    return fail(`${prefix}: ${ioErrorText(e)}`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function readText(path: string): string {
  return attempt(`Cannot read file '${path}'`, () => {
    const size = fs.statSync(path).size;
    if (size > MAX_FILE_IO_BYTES) {
      throw new IoTextError(`exceeds maximum read size (${size} bytes > ${MAX_FILE_IO_BYTES} bytes)`);
    }
    const bytes = new Uint8Array(fs.readFileSync(path));
    try {
      return utf8.decode(bytes);
    } catch {
      throw new IoTextError("stream did not contain valid UTF-8");
    }
  });
}

function checkWriteSize(what: string, path: string, content: string): void {
  const size = Buffer.byteLength(content, "utf8");
  if (size > MAX_FILE_IO_BYTES) {
    fail(`Cannot ${what} '${path}': payload exceeds maximum write size (${size} bytes > ${MAX_FILE_IO_BYTES} bytes)`);
  }
}

function pathArg(name: string, v: Value): string {
  if (typeof v !== "string") fail(`${name} requires a string path argument`);
  return v;
}

function twoStrings(message: string, a: Value[]): [string, string] {
  if (typeof a[0] !== "string" || typeof a[1] !== "string") fail(message);
  return [a[0], a[1]];
}

function fileBuiltins(): NativeSpec[] {
  return [
    native(["read_file", "read_file_sync"], 1, 1, (a) => readText(pathArg("read_file", a[0]))),
    native("read_lines", 1, 1, (a) => new RArray(rustLines(readText(pathArg("read_lines", a[0]))))),
    native("write_file", 2, 3, (a) => {
      const overwrite = a.length === 3 ? a[2] : false;
      if (typeof overwrite !== "boolean") fail("write_file optional overwrite flag must be a bool");
      const [path, content] = twoStrings("write_file requires string arguments", a);
      checkWriteSize("write file", path, content);
      if (!overwrite && fs.existsSync(path)) {
        fail(`Cannot write file '${path}': file already exists (pass overwrite=true to replace it)`);
      }
      attempt(`Cannot write file '${path}'`, () => fs.writeFileSync(path, content));
      return true;
    }),
    native("append_file", 2, 2, (a) => {
      const [path, content] = twoStrings("append_file requires string arguments", a);
      checkWriteSize("append to file", path, content);
      attempt(`Cannot open file '${path}'`, () => fs.appendFileSync(path, content));
      return true;
    }),
    native("file_exists", 1, 1, (a) => fs.existsSync(pathArg("file_exists", a[0]))),
    native("list_dir", 1, 1, (a) => {
      const path = pathArg("list_dir", a[0]);
      return new RArray(attempt(`Cannot list directory '${path}'`, () => fs.readdirSync(path)));
    }),
    native("create_dir", 1, 1, (a) => {
      const path = pathArg("create_dir", a[0]);
      attempt(`Cannot create directory '${path}'`, () => fs.mkdirSync(path, { recursive: true }));
      return true;
    }),
    native("file_size", 1, 1, (a) => {
      const path = pathArg("file_size", a[0]);
      return attempt(`Cannot get file size for '${path}'`, () => fs.statSync(path).size);
    }),
    native("delete_file", 1, 1, (a) => {
      const path = pathArg("delete_file", a[0]);
      if (fs.existsSync(path) && fs.statSync(path).isDirectory()) {
        fail(`Cannot delete file '${path}': path is a directory`);
      }
      attempt(`Cannot delete file '${path}'`, () => fs.unlinkSync(path));
      return true;
    }),
    native("rename_file", 2, 2, (a) => {
      const [from, to] = twoStrings("rename_file requires string arguments", a);
      attempt(`Cannot rename file '${from}' to '${to}'`, () => fs.renameSync(from, to));
      return true;
    }),
    native("copy_file", 2, 2, (a) => {
      const [from, to] = twoStrings("copy_file requires string arguments", a);
      attempt(`Cannot copy file '${from}' to '${to}'`, () => fs.copyFileSync(from, to));
      return true;
    }),
  ];
}

function processBuiltins(host: BuiltinHost): NativeSpec[] {
  return [
    native("args", 0, 0, () => new RArray(host.scriptArgs.slice())),
    native("env", 1, 1, (a) => {
      if (typeof a[0] !== "string") fail("env requires a string argument (variable name)");
      return process.env[a[0]] ?? null;
    }),
    native("env_or", 2, 2, (a) => {
      const [name, fallback] = twoStrings("env_or requires two string arguments (variable name, default value)", a);
      return process.env[name] ?? fallback;
    }),
    native("exit", 0, 1, (a) => {
      const code = a.length === 0 ? 0 : a[0];
      if (typeof code === "number" || typeof code === "bigint") return host.exit(Number(BigInt.asIntN(32, BigInt(code))));
      if (code instanceof RFloat) return host.exit(saturateI32(Number(f64ToI64(code.v))));
      return fail("exit() requires a numeric exit code when provided");
    }),
  ];
}

/** Rust `f as i32`: saturate at the i32 bounds. */
function saturateI32(x: number): number {
  return Math.max(-2147483648, Math.min(2147483647, x));
}

export function fileAndSystemBuiltins(host: BuiltinHost): NativeSpec[] {
  return [...fileBuiltins(), ...processBuiltins(host)];
}
