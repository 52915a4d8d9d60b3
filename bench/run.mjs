// `npm run bench`: builds the ruff bundle (a failed build is reported and the ruff columns
// then fail; the peers still run), bundles the harness (bench/lib/*.ts) with esbuild into
// dist/bench/, and runs it. Options: see bench/README.md or `npm run bench -- --help`.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(path.join(repoRoot, "node_modules", "esbuild"))) {
  // A fresh clone: install first, as bin/ruff does.
  const install = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: repoRoot, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
const { build } = await import("esbuild");
const args = process.argv.slice(2);
const runsNothing = args.includes("--help") || args.includes("-h") || args.some((arg) => arg.startsWith("--render"));

let ruffBuild = null;
if (!args.includes("--no-build") && !runsNothing) {
  const result = spawnSync(process.execPath, [path.join(repoRoot, "scripts", "build.mjs")], { cwd: repoRoot, encoding: "utf8" });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  ruffBuild = { ok: result.status === 0, detail: result.status === 0 ? "built dist/ruff.cjs" : output.split("\n").filter((line) => line.trim()).slice(0, 2).join(" / ") };
}

const harness = path.join(repoRoot, "dist", "bench", "cli.mjs");
await build({
  entryPoints: [path.join(repoRoot, "bench", "lib", "cli.ts")],
  outfile: harness,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
const { main } = await import(pathToFileURL(harness).href);
process.exitCode = await main(args, { repoRoot, ruffBuild });
