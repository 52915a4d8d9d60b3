// Files, process, time and random builtins: write_file's overwrite rule and Rust-worded
// I/O errors, args/env/exit through the host, clocks, format_duration, and the seeded
// generator reproducing upstream's fixture (tests/test_stdlib_random.out).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChaCha12Rng } from "../../src/interp/builtins/rng";
import { formatDuration } from "../../src/interp/builtins/time";
import { RArray, RFloat, type Value } from "../../src/interp/value";
import { ExitSignal, arr, errorOf, f, floatOf, makeCaller, makeHost, show } from "./builtin-helpers";

describe("files", () => {
  let dir = "";
  const call = makeCaller();
  const at = (name: string) => path.join(dir, name);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ruff-builtins-"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes, refuses to overwrite unless asked, appends and reads", () => {
    const file = at("a.txt");
    expect(call("file_exists", file)).toBe(false);
    expect(call("write_file", file, "one\n")).toBe(true);
    expect(errorOf(() => call("write_file", file, "two"))).toBe(
      `Cannot write file '${file}': file already exists (pass overwrite=true to replace it)`,
    );
    expect(call("write_file", file, "two\r\n", true)).toBe(true);
    expect(call("append_file", file, "three\n")).toBe(true);
    expect(call("read_file", file)).toBe("two\r\nthree\n");
    expect(show(call("read_lines", file))).toBe("[two, three]");
    expect(call("file_size", file)).toBe(11);
    expect(call("file_exists", file)).toBe(true);
    expect(errorOf(() => call("write_file", file, "x", 1))).toBe("write_file optional overwrite flag must be a bool");
  });

  it("lists, renames, copies and deletes", () => {
    call("create_dir", at("sub/deeper"));
    call("write_file", at("sub/b.txt"), "b");
    call("copy_file", at("sub/b.txt"), at("sub/c.txt"));
    call("rename_file", at("sub/c.txt"), at("sub/d.txt"));
    expect(show(call("list_dir", at("sub")))).toBe("[b.txt, d.txt, deeper]");
    expect(call("delete_file", at("sub/d.txt"))).toBe(true);
    expect(errorOf(() => call("delete_file", at("sub/deeper")))).toBe(
      `Cannot delete file '${at("sub/deeper")}': path is a directory`,
    );
  });

  it("words I/O errors like Rust", () => {
    const missing = at("missing.txt");
    expect(errorOf(() => call("read_file", missing))).toBe(
      `Cannot read file '${missing}': No such file or directory (os error 2)`,
    );
    expect(errorOf(() => call("delete_file", missing))).toBe(
      `Cannot delete file '${missing}': No such file or directory (os error 2)`,
    );
    expect(errorOf(() => call("list_dir", missing))).toBe(
      `Cannot list directory '${missing}': No such file or directory (os error 2)`,
    );
    fs.writeFileSync(at("bad.bin"), new Uint8Array([0xff, 0xfe]));
    expect(errorOf(() => call("read_file", at("bad.bin")))).toBe(
      `Cannot read file '${at("bad.bin")}': stream did not contain valid UTF-8`,
    );
    expect(errorOf(() => call("read_file", 5))).toBe("read_file requires a string path argument");
  });
});

describe("process", () => {
  it("args, env and exit go through the host and process", () => {
    const host = makeHost(["--flag", "x"]);
    const call = makeCaller(host);
    expect(show(call("args"))).toBe("[--flag, x]");
    process.env.RUFF_BUILTIN_TEST = "value";
    expect(call("env", "RUFF_BUILTIN_TEST")).toBe("value");
    // Upstream returns "" for an unset variable (tests/test_stdlib_system.out).
    expect(call("env", "RUFF_BUILTIN_TEST_UNSET")).toBe("");
    expect(call("env_or", "RUFF_BUILTIN_TEST_UNSET", "d")).toBe("d");
    const exitCode = (...args: Value[]) => {
      try {
        call("exit", ...args);
      } catch (e) {
        if (e instanceof ExitSignal) return e.code;
        throw e;
      }
      throw new Error("exit returned");
    };
    expect(exitCode()).toBe(0);
    expect(exitCode(3)).toBe(3);
    expect(exitCode(f(2.9))).toBe(2);
    expect(errorOf(() => call("exit", "1"))).toBe("exit() requires a numeric exit code when provided");
  });
});

describe("env family", () => {
  const call = makeCaller();

  it("parses typed variables and raises catchable errors (upstream env_and_args)", () => {
    call("env_set", "RUFF_T_PORT", "8080");
    call("env_set", "RUFF_T_RATE", "30.5");
    call("env_set", "RUFF_T_FLAG", "Yes");
    call("env_set", "RUFF_T_BAD", "not_a_number");
    expect(call("env_int", "RUFF_T_PORT")).toBe(8080);
    expect(show(call("env_float", "RUFF_T_RATE"))).toBe("30.5");
    expect(call("env_bool", "RUFF_T_FLAG")).toBe(true);
    expect(errorOf(() => call("env_int", "RUFF_T_BAD"))).toBe(
      "Environment variable 'RUFF_T_BAD' value 'not_a_number' is not a valid integer",
    );
    expect(errorOf(() => call("env_bool", "RUFF_T_BAD"))).toBe(
      "Environment variable 'RUFF_T_BAD' value 'not_a_number' is not a valid bool",
    );
    expect(errorOf(() => call("env_int", "RUFF_T_UNSET"))).toBe("Environment variable 'RUFF_T_UNSET' not found");
    expect(call("env_required", "RUFF_T_PORT")).toBe("8080");
    expect(errorOf(() => call("env_required", "RUFF_T_UNSET"))).toBe(
      "Required environment variable 'RUFF_T_UNSET' is not set",
    );
    expect(call("has_key", call("env_list"), "RUFF_T_PORT")).toBe(1);
  });
});

describe("paths", () => {
  const call = makeCaller();

  it("follow Rust std::path", () => {
    expect(call("join_path", "/home", "user", "file.txt")).toBe("/home/user/file.txt");
    expect(call("path_join", "src", "/abs", "x")).toBe("/abs/x");
    expect(call("join_path", "a/", "b")).toBe("a/b");
    expect(call("dirname", "/home/user/file.txt")).toBe("/home/user");
    expect(call("dirname", "src/interpreter.rs")).toBe("src");
    expect(call("dirname", "file.txt")).toBe("");
    expect(call("dirname", "/file")).toBe("/");
    expect(call("dirname", "/")).toBe("/");
    expect(call("dirname", "a/b/")).toBe("a");
    expect(call("basename", "/home/user/file.txt")).toBe("file.txt");
    expect(call("basename", "a/b/")).toBe("b");
    expect(call("basename", "/")).toBe("");
    expect(call("path_extension", "a.tar.gz")).toBe("gz");
    expect(call("path_extension", ".bashrc")).toBe("");
    expect(call("path_extension", "noext")).toBe("");
    expect(call("path_exists", "/")).toBe(true);
    expect(call("path_is_dir", "/")).toBe(true);
    expect(call("path_is_file", "/")).toBe(false);
    expect(call("os_getcwd")).toBe(process.cwd());
  });
});

describe("time", () => {
  const call = makeCaller();

  it("clocks return the documented kinds", () => {
    const first = floatOf(call("performance_now"));
    expect(first).toBeGreaterThanOrEqual(0);
    call("sleep", 5);
    expect(floatOf(call("performance_now"))).toBeGreaterThanOrEqual(first + 4);
    expect(Number.isInteger(floatOf(call("time_us")))).toBe(true);
    expect(Number.isInteger(floatOf(call("time_ns")))).toBe(true);
    expect(Math.abs(floatOf(call("now")) - Date.now() / 1000)).toBeLessThan(2);
    expect(Math.abs((call("now_unix") as number) - Date.now() / 1000)).toBeLessThan(2);
    expect(Math.abs((call("current_timestamp") as number) - Date.now())).toBeLessThan(2000);
    expect(typeof call("time")).toBe("number");
    expect(call("now_utc")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(errorOf(() => call("sleep", -1))).toBe("sleep() requires non-negative milliseconds");
  });

  it("formats durations with the unit chosen by size", () => {
    expect(formatDuration(1234)).toBe("1.23s");
    expect(formatDuration(456.789)).toBe("456.79ms");
    expect(formatDuration(0.12345)).toBe("123.45μs");
    expect(formatDuration(0.0005)).toBe("500ns");
    expect(formatDuration(1.125)).toBe("1.12ms");
    expect(call("format_duration", 1500)).toBe("1.50s");
    expect(errorOf(() => call("format_duration", "1"))).toBe("format_duration requires a number argument");
  });
});

describe("random", () => {
  it("reproduces upstream's seeded sequence (tests/test_stdlib_random.out)", () => {
    const call = makeCaller();
    call("set_random_seed", 12345);
    expect(show(call("random"))).toBe("0.3059322923730783");
    expect(call("random_int", 1, 10)).toBe(6);
    expect(call("random_int", -5, 5)).toBe(-2);
    expect(call("random_choice", arr("apple", "banana", "orange", "grape", "mango"))).toBe("orange");
    expect(call("random_choice", arr(10, 20, 30, 40, 50))).toBe(50);
  });

  it("is deterministic per seed and independent between tables", () => {
    const a = makeCaller();
    const b = makeCaller();
    a("set_random_seed", 7);
    b("set_random_seed", 7);
    const seqA = [a("random"), a("random_int", 0, 100), a("random")].map(show);
    const seqB = [b("random"), b("random_int", 0, 100), b("random")].map(show);
    expect(seqA).toEqual(seqB);
    a("clear_random_seed");
    const x = floatOf(a("random"));
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThan(1);
  });

  it("keeps results in range and handles edge arguments", () => {
    const call = makeCaller();
    call("set_random_seed", f(3.9));
    for (let i = 0; i < 200; i++) {
      const n = call("random_int", -3, 3) as number;
      expect(n).toBeGreaterThanOrEqual(-3);
      expect(n).toBeLessThanOrEqual(3);
    }
    expect(call("random_int", 5, 5)).toBe(5);
    expect(errorOf(() => call("random_int", 5, 1))).toBe("random_int() requires min <= max");
    expect(call("random_choice", arr())).toBe(0);
    expect(call("random_id", 8)).toMatch(/^[a-z0-9]{8}$/);
    expect(call("uuid_v4")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(errorOf(() => call("set_random_seed", "x"))).toBe("set_random_seed requires a number argument");
    expect(call("random")).toBeInstanceOf(RFloat);
    expect(call("random_int", -9223372036854775808n, 9223372036854775807n)).toSatisfy(
      (v: unknown) => typeof v === "number" || typeof v === "bigint",
    );
  });

  it("ChaCha12 matches rand's seed_from_u64 for negative seeds via two's complement", () => {
    const fromNegative = ChaCha12Rng.fromU64(-1n);
    const fromMax = ChaCha12Rng.fromU64((1n << 64n) - 1n);
    expect(fromNegative.nextU64()).toBe(fromMax.nextU64());
  });

  it("keeps the array argument untouched", () => {
    const call = makeCaller();
    const xs = arr(arr(1));
    const picked = call("random_choice", xs) as RArray;
    expect(picked.shared).toBe(true);
    expect(show(xs)).toBe("[[1]]");
  });
});
