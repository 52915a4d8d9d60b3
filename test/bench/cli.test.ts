// The bench CLI entry (bench/lib/cli.ts) without running any runtime: a missing suite
// and bad options give clear messages and status 2; --render rebuilds the outputs.
import { afterEach, describe, expect, it, vi } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { main } from "../../bench/lib/cli.js";
import { makeFakeSuite } from "./fake-suite.js";
import { syntheticReport } from "./synthetic-report.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  vi.restoreAllMocks();
});

describe("bench CLI", () => {
  it("exits with status 2 and the suite message when --suite points nowhere", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const status = await main(["--suite", "/nonexistent/ruff-bench-suite"], { repoRoot: process.cwd(), ruffBuild: null });
    expect(status).toBe(2);
    expect(stderr.mock.calls.map((call) => String(call[0])).join("")).toContain(
      "Benchmark suite not found: /nonexistent/ruff-bench-suite does not exist",
    );
  });

  it("rejects an unknown option with usage", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["--bogus"], { repoRoot: process.cwd(), ruffBuild: null })).toBe(2);
    expect(stderr.mock.calls.map((call) => String(call[0])).join("")).toMatch(/Unknown option --bogus[\s\S]*Usage:/);
  });

  it("--render rebuilds latest.md and latest.svg from a saved results file without running anything", async () => {
    const fake = makeFakeSuite([]);
    cleanups.push(fake.cleanup);
    const saved = path.join(fake.dir, "saved.json");
    writeFileSync(saved, JSON.stringify(syntheticReport()));
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = path.join(fake.dir, "out");
    const status = await main(["--render", saved, "--out", out], { repoRoot: process.cwd(), ruffBuild: null });
    expect(status).toBe(1); // the synthetic report has one wrong cell
    expect(readFileSync(path.join(out, "latest.md"), "utf8")).toContain("| fib_rec | ✓ 250 (200–300) |");
    expect(existsSync(path.join(out, "latest.svg"))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, "latest.json"), "utf8")).schema).toBe("ruff-bench/1");
  });
});
