// `npm run bench`: builds the ruff bundle (a failed build is reported and the ruff columns
// then fail; the peers still run), bundles the harness (bench/lib/*.ts) with esbuild into
// dist/bench/, and runs it. Options: see bench/README.md or `npm run bench -- --help`.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const wantsHelp = args.includes("--help") || args.includes("-h");

let ruffBuild = null;
if (!args.includes("--no-build") && !wantsHelp) {
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
