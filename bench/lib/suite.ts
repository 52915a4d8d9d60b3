// Benchmark suite discovery: which programs a suite folder holds, their expected stdout
// and which language twins exist. A missing or malformed suite is a clear error.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Source extensions a program can have twins in. */
export type SourceExtension = "ruff" | "py" | "js" | "lua";

export interface SuiteProgram {
  name: string;
  /** Byte-exact stdout every runtime must print (contents of expected/NAME.out). */
  expectedStdout: string;
  /** Absolute path of each twin that exists, by extension. */
  sources: Partial<Record<SourceExtension, string>>;
}

export interface Suite {
  dir: string;
  programs: SuiteProgram[];
}

const SOURCE_EXTENSIONS: SourceExtension[] = ["ruff", "py", "js", "lua"];

/** Raised when the suite folder is absent or unusable; the message says what to do. */
export class SuiteError extends Error {}

/**
 * Reads a suite folder: every `expected/NAME.out` defines program NAME, whose twins are
 * `NAME.ruff`, `NAME.py`, `NAME.js`, `NAME.lua` beside `expected/`. Programs are sorted
 * by name. `only` restricts the list and rejects names the suite does not have.
 */
export function discoverSuite(dir: string, only?: readonly string[]): Suite {
  const suiteDir = path.resolve(dir);
  const expectedDir = path.join(suiteDir, "expected");
  if (!existsSync(suiteDir) || !statSync(suiteDir).isDirectory()) {
    throw new SuiteError(
      `Benchmark suite not found: ${suiteDir} does not exist. ` +
        `The default is ../shared/benchmarks beside the repository; pass --suite DIR to use another.`,
    );
  }
  if (!existsSync(expectedDir)) {
    throw new SuiteError(
      `${suiteDir} is not a benchmark suite: it has no expected/ folder with NAME.out files.`,
    );
  }
  const allNames = readdirSync(expectedDir)
    .filter((file) => file.endsWith(".out"))
    .map((file) => file.slice(0, -".out".length))
    .sort();
  if (allNames.length === 0) {
    throw new SuiteError(`${expectedDir} holds no NAME.out files, so the suite has no programs.`);
  }
  const unknown = (only ?? []).filter((name) => !allNames.includes(name));
  if (unknown.length > 0) {
    throw new SuiteError(
      `Unknown benchmark(s): ${unknown.join(", ")}. The suite at ${suiteDir} has: ${allNames.join(", ")}.`,
    );
  }
  const names = only && only.length > 0 ? allNames.filter((name) => only.includes(name)) : allNames;
  const programs = names.map((name): SuiteProgram => {
    const sources: SuiteProgram["sources"] = {};
    for (const ext of SOURCE_EXTENSIONS) {
      const file = path.join(suiteDir, `${name}.${ext}`);
      if (existsSync(file)) sources[ext] = file;
    }
    return {
      name,
      expectedStdout: readFileSync(path.join(expectedDir, `${name}.out`), "utf8"),
      sources,
    };
  });
  return { dir: suiteDir, programs };
}
