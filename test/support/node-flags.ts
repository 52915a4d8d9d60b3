// The node flags bin/ruff runs the bundle with, for the tests and the fuzzer, which spawn
// dist/launch.cjs themselves: scripts/build.mjs chooses them and writes dist/node-flags.

import { readFileSync } from "node:fs";
import * as path from "node:path";

/** The flags beside a built launcher (none when the build wrote no dist/node-flags). */
export function nodeFlagsFor(launcher: string): string[] {
  let line: string;
  try {
    line = readFileSync(path.join(path.dirname(launcher), "node-flags"), "utf8");
  } catch {
    return [];
  }
  return line.split(/\s+/).filter((f) => f !== "");
}
