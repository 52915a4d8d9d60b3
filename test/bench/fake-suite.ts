// Test helper: builds a small fake benchmark suite in a temporary folder (programs with
// a .js twin only, run by node), so the harness tests never need the shared suite.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RuntimeSpec } from "../../bench/lib/runtimes.js";

export interface FakeProgram {
  name: string;
  /** Source of NAME.js (CommonJS, run with the cwd set to the suite folder). */
  js: string;
  /** Contents of expected/NAME.out. */
  expected: string;
}

export function makeFakeSuite(programs: FakeProgram[]): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ruff-bench-fake-suite-"));
  mkdirSync(path.join(dir, "expected"));
  for (const program of programs) {
    writeFileSync(path.join(dir, `${program.name}.js`), program.js);
    writeFileSync(path.join(dir, "expected", `${program.name}.out`), program.expected);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A runtime column that runs the .js twin with this node binary. */
export function nodeRuntime(id = "node", label = "node"): RuntimeSpec {
  return { id, label, extension: "js", command: (file) => [process.execPath, file], version: process.version };
}
