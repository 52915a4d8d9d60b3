// `npm run fuzz -- [options]`: builds the runtime if a source file is newer than the
// bundle, bundles the fuzz driver (test/fuzz/cli.ts) with esbuild and runs it. Options
// are documented in test/fuzz/README.md (`npm run fuzz -- --help`).
import { build } from "esbuild";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);

function newestTs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const bundle = "dist/ruff.cjs";
if (!existsSync(bundle) || !existsSync("dist/launch.cjs") || newestTs("src") > statSync(bundle).mtimeMs) {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
const driver = "dist/fuzz-cli.cjs";
await build({ entryPoints: ["test/fuzz/cli.ts"], outfile: driver, bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "warning" });
const r = spawnSync(process.execPath, [driver, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
