// Bundles the runtime into one CommonJS file (dist/ruff.cjs) so start-up loads a single
// script, plus the launcher (dist/launch.cjs) that runs it through V8's code cache, and
// primes that cache by running a small program once. Type checking is separate
// (`npm run typecheck`).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const common = { bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "warning" };
// binaryen stays outside the bundle: only `--trace-log=wasm` loads it (dynamic import).
await build({ ...common, entryPoints: ["src/cli/main.ts"], outfile: "dist/ruff.cjs", sourcemap: "linked", minifySyntax: true, external: ["binaryen"] });
await build({ ...common, entryPoints: ["src/cli/launch.ts"], outfile: "dist/launch.cjs" });
rmSync("dist/ruff.cjs.cache", { force: true });
execFileSync(process.execPath, ["dist/launch.cjs", "run", "scripts/cache-warmup.ruff"], { stdio: "ignore" });
