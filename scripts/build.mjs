// Bundles the runtime into one CommonJS file (dist/ruff.cjs) so start-up loads a single
// script, plus the launcher (dist/launch.cjs) that runs it through V8's code cache, and
// primes that cache by running a small program once, then stamps the build for bin/ruff's
// staleness check (dist/.built). Type checking is separate (`npm run typecheck`).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";

// bin/ruff rebuilds when a source is newer than the stamp. The stamp is made before the
// build reads any source and renamed into place (keeping its time) when the build is done:
// a source saved while the build ran is newer than it, and a failed build leaves none.
const STAMP = "dist/.built";
mkdirSync("dist", { recursive: true });
rmSync(STAMP, { force: true });
writeFileSync(`${STAMP}.tmp`, "");

const common = { bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "warning" };
// binaryen stays outside the bundle: only `--trace-log=wasm` loads it (dynamic import).
await build({ ...common, entryPoints: ["src/cli/main.ts"], outfile: "dist/ruff.cjs", sourcemap: "linked", minifySyntax: true, external: ["binaryen"] });
await build({ ...common, entryPoints: ["src/cli/launch.ts"], outfile: "dist/launch.cjs" });
rmSync("dist/ruff.cjs.cache", { force: true });
execFileSync(process.execPath, ["dist/launch.cjs", "run", "scripts/cache-warmup.ruff"], { stdio: "ignore" });
renameSync(`${STAMP}.tmp`, STAMP);
