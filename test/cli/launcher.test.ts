// The launcher (src/cli/launch.ts) and the node flags the build chooses (dist/node-flags):
// bin/ruff runs node with them, the build's code cache is made under them (V8 rejects a
// cache made under other flags, and the launcher then rewrites it), and a run under other
// flags keeps a cache of its own instead of overwriting bin/ruff's.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { codeCacheFile } from "../../src/cli/cache-name";
import { nodeFlagsFor } from "../support/node-flags";
import { BUNDLE, REPO_ROOT } from "../support/run-ruff";

const DIST = path.dirname(BUNDLE);
const flags = nodeFlagsFor(BUNDLE);
const cacheName = (nodeFlags: string[]): string => path.basename(codeCacheFile("ruff.cjs", nodeFlags, undefined));
const flaggedCache = cacheName(flags);

/** A copy of the built bundle, launcher and flagged cache, so runs here race no other test. */
const copy = mkdtempSync(path.join(os.tmpdir(), "ruff-launcher-"));
for (const f of ["launch.cjs", "ruff.cjs", "node-flags", flaggedCache]) copyFileSync(path.join(DIST, f), path.join(copy, f));
const program = path.join(copy, "hello.ruff");
writeFileSync(program, 'print("hello")\n');
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The environment without NODE_OPTIONS, which would choose another cache file. */
const env = { ...process.env, NODE_OPTIONS: undefined };

function launch(nodeFlags: string[]): { stdout: string; code: number | null } {
  const r = spawnSync(process.execPath, [...nodeFlags, path.join(copy, "launch.cjs"), "run", program], { encoding: "utf8", env });
  return { stdout: r.stdout, code: r.status };
}

describe("code cache file names", () => {
  it("are the bundle's name plus .cache without flags", () => {
    expect(codeCacheFile("/d/ruff.cjs", [], undefined)).toBe("/d/ruff.cjs.cache");
    expect(codeCacheFile("/d/ruff.cjs", [], "")).toBe("/d/ruff.cjs.cache");
  });

  it("name the flags file-name safe, with a hash that tells apart flags the safe form confuses", () => {
    const a = codeCacheFile("/d/ruff.cjs", ["--cpu-prof-dir=/tmp/x y"], undefined);
    expect(path.dirname(a)).toBe("/d");
    expect(path.basename(a)).toMatch(/^ruff\.cjs\.cpu-prof-dir=_tmp_x_y-[0-9a-f]{8}\.cache$/);
    expect(codeCacheFile("/d/ruff.cjs", ["--cpu-prof-dir=/tmp/x_y"], undefined)).not.toBe(a);
  });

  it("count NODE_OPTIONS as flags (node applies them too)", () => {
    const plain = codeCacheFile("/d/ruff.cjs", ["--concurrent-sparkplug"], undefined);
    expect(codeCacheFile("/d/ruff.cjs", ["--concurrent-sparkplug"], "--max-old-space-size=100")).not.toBe(plain);
  });
});

describe("launcher and node flags", () => {
  it("the build chose node flags, and made its code cache under them", () => {
    expect(flags.length).toBeGreaterThan(0);
    expect(existsSync(path.join(DIST, flaggedCache)), flaggedCache).toBe(true);
  });

  it("bin/ruff passes the build's flags to node", () => {
    // A checkout of bin/ruff beside a stamped copy of dist (so it does not rebuild).
    // An unknown flag in dist/node-flags must reach node: node then refuses to start.
    const fakeRoot = mkdtempSync(path.join(os.tmpdir(), "ruff-root-"));
    try {
      const script = readFileSync(path.join(REPO_ROOT, "bin/ruff"), "utf8");
      const dist = path.join(fakeRoot, "dist");
      for (const d of [dist, path.join(fakeRoot, "bin"), path.join(fakeRoot, "scripts")]) mkdirSync(d, { recursive: true });
      for (const f of ["launch.cjs", "ruff.cjs", flaggedCache]) copyFileSync(path.join(DIST, f), path.join(dist, f));
      writeFileSync(path.join(fakeRoot, "scripts/build.mjs"), "");
      writeFileSync(path.join(dist, ".built"), "");
      writeFileSync(path.join(fakeRoot, "bin/ruff"), script, { mode: 0o755 });
      const run = (flagLine: string) => {
        writeFileSync(path.join(dist, "node-flags"), flagLine);
        return spawnSync(path.join(fakeRoot, "bin/ruff"), ["run", program], { encoding: "utf8", env });
      };
      const good = run(`${flags.join(" ")}\n`);
      expect(good.stdout).toBe("hello\n");
      expect(good.status).toBe(0);
      const noNewline = run(flags.join(" "));
      expect(noNewline.stdout).toBe("hello\n");
      expect(noNewline.status).toBe(0);
      const bad = run("--no-such-node-flag-for-this-test\n");
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain("--no-such-node-flag-for-this-test");
    } finally {
      rmSync(fakeRoot, { recursive: true, force: true });
    }
  });

  it("a run under the build's flags accepts the build's cache (and so leaves it as it was)", () => {
    const before = readFileSync(path.join(copy, flaggedCache), "base64");
    const mtime = statSync(path.join(copy, flaggedCache)).mtimeMs;
    expect(launch(flags)).toEqual({ stdout: "hello\n", code: 0 });
    expect(statSync(path.join(copy, flaggedCache)).mtimeMs).toBe(mtime);
    expect(readFileSync(path.join(copy, flaggedCache), "base64") === before).toBe(true);
  });

  it("a run under other flags writes a cache of its own and leaves bin/ruff's alone", () => {
    const before = readFileSync(path.join(copy, flaggedCache), "base64");
    expect(existsSync(path.join(copy, cacheName([])))).toBe(false);
    expect(launch([])).toEqual({ stdout: "hello\n", code: 0 });
    expect(existsSync(path.join(copy, cacheName([])))).toBe(true);
    expect(readFileSync(path.join(copy, flaggedCache), "base64") === before).toBe(true);
    // The next run without flags accepts the cache it wrote.
    const mtime = statSync(path.join(copy, cacheName([]))).mtimeMs;
    expect(launch([])).toEqual({ stdout: "hello\n", code: 0 });
    expect(statSync(path.join(copy, cacheName([]))).mtimeMs).toBe(mtime);
  });
});
