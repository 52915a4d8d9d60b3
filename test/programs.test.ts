// Golden programs: every test/programs/**/NAME.ruff runs with the JIT off, on and
// forced, and must print exactly NAME.out on stdout. NAME.err (exact stderr, with
// `FILE` standing for the program's path) and NAME.code (exit code, default 0) give
// the expected ending of programs that fail; NAME.args holds extra command-line flags.

import { beforeEach, describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { MODES, REPO_ROOT, runFile, yieldToEventLoop, type Mode } from "./support/run-ruff";

const PROGRAMS = path.join(REPO_ROOT, "test/programs");

function listPrograms(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "modules") out.push(...listPrograms(full));
    } else if (name.endsWith(".ruff")) out.push(full);
  }
  return out;
}

function readOptional(file: string): string | null {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

const programs = listPrograms(PROGRAMS);

describe("golden programs", () => {
  beforeEach(yieldToEventLoop);
  it("has programs", () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const file of programs) {
    const stem = file.slice(0, -".ruff".length);
    const rel = path.relative(REPO_ROOT, file);
    const expectedOut = readOptional(stem + ".out");
    const expectedErr = readOptional(stem + ".err");
    const expectedCode = Number(readOptional(stem + ".code")?.trim() ?? "0");
    // Flags go before the file, script arguments (from `--` on) after it.
    const argWords = readOptional(stem + ".args")?.trim().split(/\s+/).filter(Boolean) ?? [];
    const dashDash = argWords.indexOf("--");
    const flags = dashDash < 0 ? argWords : argWords.slice(0, dashDash);
    const scriptArgs = dashDash < 0 ? [] : argWords.slice(dashDash);
    describe(path.relative(PROGRAMS, file), () => {
      for (const mode of Object.keys(MODES) as Mode[]) {
        it(`JIT ${mode}`, () => {
          if (expectedOut === null) throw new Error(`${stem}.out is missing`);
          const r = runFile(rel, mode, flags, scriptArgs);
          expect(r.stdout).toBe(expectedOut);
          expect(r.stderr).toBe((expectedErr ?? "").replaceAll("FILE", rel));
          expect(r.code).toBe(expectedCode);
        });
      }
    });
  }
});
