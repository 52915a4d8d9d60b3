// File builtins: read/write/append files (with upstream's overwrite rule and 8 MiB limit),
// directories, and path helpers with Rust std::path semantics. I/O errors read like
// Rust's (`Cannot read file 'x': No such file or directory (os error 2)`).

import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import type { Stats } from "node:fs";
import { RArray, type Value } from "../value";
import { rustLines } from "./strings";
import { VARIADIC, fail, native, type NativeSpec } from "./support";

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

export function attempt<T>(prefix: string, action: () => T): T {
  try {
    return action();
  } catch (e) {
    return fail(`${prefix}: ${ioErrorText(e)}`);
  }
}

/** Made on first use (a TextDecoder costs ~0.4 ms to make, at every start-up if eager). */
let utf8: InstanceType<typeof TextDecoder> | undefined;

function readText(path: string): string {
  return attempt(`Cannot read file '${path}'`, () => {
    const size = statSync(path).size;
    if (size > MAX_FILE_IO_BYTES) {
      throw new IoTextError(`exceeds maximum read size (${size} bytes > ${MAX_FILE_IO_BYTES} bytes)`);
    }
    const bytes = new Uint8Array(readFileSync(path));
    try {
      return (utf8 ??= new TextDecoder("utf-8", { fatal: true })).decode(bytes);
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

export function fileBuiltins(): NativeSpec[] {
  return [
    native(["read_file", "read_file_sync"], 1, 1, (a) => readText(pathArg("read_file", a[0]))),
    native("read_lines", 1, 1, (a) => new RArray(rustLines(readText(pathArg("read_lines", a[0]))))),
    native("write_file", 2, 3, (a) => {
      const overwrite = a.length === 3 ? a[2] : false;
      if (typeof overwrite !== "boolean") fail("write_file optional overwrite flag must be a bool");
      const [path, content] = twoStrings("write_file requires string arguments", a);
      checkWriteSize("write file", path, content);
      if (!overwrite && existsSync(path)) {
        fail(`Cannot write file '${path}': file already exists (pass overwrite=true to replace it)`);
      }
      attempt(`Cannot write file '${path}'`, () => writeFileSync(path, content));
      return true;
    }),
    native("append_file", 2, 2, (a) => {
      const [path, content] = twoStrings("append_file requires string arguments", a);
      checkWriteSize("append to file", path, content);
      attempt(`Cannot open file '${path}'`, () => appendFileSync(path, content));
      return true;
    }),
    native("file_exists", 1, 1, (a) => existsSync(pathArg("file_exists", a[0]))),
    native("list_dir", 1, 1, (a) => {
      const path = pathArg("list_dir", a[0]);
      return new RArray(attempt(`Cannot list directory '${path}'`, () => readdirSync(path)));
    }),
    native("create_dir", 1, 1, (a) => {
      const path = pathArg("create_dir", a[0]);
      attempt(`Cannot create directory '${path}'`, () => mkdirSync(path, { recursive: true }));
      return true;
    }),
    native("file_size", 1, 1, (a) => {
      const path = pathArg("file_size", a[0]);
      return attempt(`Cannot get file size for '${path}'`, () => statSync(path).size);
    }),
    native("delete_file", 1, 1, (a) => {
      const path = pathArg("delete_file", a[0]);
      if (existsSync(path) && statSync(path).isDirectory()) {
        fail(`Cannot delete file '${path}': path is a directory`);
      }
      attempt(`Cannot delete file '${path}'`, () => unlinkSync(path));
      return true;
    }),
    native("rename_file", 2, 2, (a) => {
      const [from, to] = twoStrings("rename_file requires string arguments", a);
      attempt(`Cannot rename file '${from}' to '${to}'`, () => renameSync(from, to));
      return true;
    }),
    native("copy_file", 2, 2, (a) => {
      const [from, to] = twoStrings("copy_file requires string arguments", a);
      attempt(`Cannot copy file '${from}' to '${to}'`, () => copyFileSync(from, to));
      return true;
    }),
  ];
}

// ---------------------------------------------------------------------------
// Paths (Rust std::path: no normalisation beyond trailing separators)

/** PathBuf::push over every part: an absolute part replaces what came before. */
export function rustJoinPath(parts: readonly string[]): string {
  let path = "";
  for (const part of parts) {
    if (part.startsWith("/")) path = part;
    else path += (path.length > 0 && !path.endsWith("/") ? "/" : "") + part;
  }
  return path;
}

/** Path::parent, or null for "" and "/". */
export function rustParent(path: string): string | null {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return null;
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return "";
  const head = trimmed.slice(0, slash).replace(/\/+$/, "");
  return head === "" ? "/" : head;
}

/** Path::file_name, or "" when the last component is not a normal name. */
export function rustFileName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  return name === "." || name === ".." ? "" : name;
}

/** Path::extension: text after the last '.', none for dotfiles like ".bashrc". */
export function rustExtension(path: string): string {
  const name = rustFileName(path);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1);
}

function stringArg(name: string, v: Value): string {
  if (typeof v !== "string") fail(`${name} requires a string argument (path)`);
  return v;
}

export function pathBuiltins(): NativeSpec[] {
  return [
    native(["join_path", "path_join"], 1, VARIADIC, (a) => {
      a.forEach((v, i) => {
        if (typeof v !== "string") fail(`join_path argument ${i + 1} must be a string`);
      });
      return rustJoinPath(a as string[]);
    }),
    native("dirname", 1, 1, (a) => rustParent(stringArg("dirname", a[0])) ?? "/"),
    native("basename", 1, 1, (a) => rustFileName(stringArg("basename", a[0]))),
    native("path_extension", 1, 1, (a) => rustExtension(stringArg("path_extension", a[0]))),
    native("path_exists", 1, 1, (a) => existsSync(stringArg("path_exists", a[0]))),
    native("path_is_dir", 1, 1, (a) => isKind(stringArg("path_is_dir", a[0]), (st) => st.isDirectory())),
    native("path_is_file", 1, 1, (a) => isKind(stringArg("path_is_file", a[0]), (st) => st.isFile())),
    native("path_absolute", 1, 1, (a) => {
      const path = stringArg("path_absolute", a[0]);
      return attempt(`Cannot get absolute path for '${path}'`, () => realpathSync(path));
    }),
  ];
}

function isKind(path: string, test: (st: Stats) => boolean): boolean {
  try {
    return test(statSync(path));
  } catch {
    return false;
  }
}
