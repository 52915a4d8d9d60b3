// Bundles the runtime into one CommonJS file (dist/ruff.cjs) so start-up loads a single
// script, plus the launcher (dist/launch.cjs) that runs it through V8's code cache, and
// primes that cache by running a small program once, then stamps the build for bin/ruff's
// staleness check (dist/.built). Type checking is separate (`npm run typecheck`).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";

// The node (V8) flags every run of the runtime gets: bin/ruff, the tests and the fuzzer
// read them from dist/node-flags, and the cache warm-up below runs with them (V8 accepts
// a code cache only under the flags it was made with).
// --concurrent-sparkplug: V8 compiles baseline code on a background thread instead of
// the main one. The JIT's own code runs cold in every process and is baseline-compiled
// as it warms up (assembleTrace alone 0.3 ms); fib30 measured 33 -> 26 ms in-program
// (median of 15, interleaved), an empty program unchanged (41 interleaved runs). It
// cannot be set from inside the process: V8 makes its baseline compiler at start-up.
// --no-experimental-global-webcrypto: node 20 sets up the global `crypto` (Web Crypto) at
// start-up, which Ruff programs never reach (uuid_v4 and seeding load node:crypto when
// first called). An empty program measured 49.3 -> 48.7 ms on a quiet machine (medians of
// 41 interleaved runs, each code cache made by the same warm-up program), 75 -> 66 ms on
// a loaded one. Dropping fetch or CustomEvent the same way measured no gain.
const NODE_FLAGS = ["--concurrent-sparkplug", "--no-experimental-global-webcrypto"];

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
writeFileSync("dist/node-flags", `${NODE_FLAGS.join(" ")}\n`);
// Every code cache (one per set of node flags the launcher ran under; see launch.ts).
for (const f of readdirSync("dist")) if (/^ruff\.cjs(\..*)?\.cache$/.test(f)) rmSync(`dist/${f}`, { force: true });
execFileSync(process.execPath, [...NODE_FLAGS, "dist/launch.cjs", "run", "scripts/cache-warmup.ruff"], { stdio: "ignore" });
renameSync(`${STAMP}.tmp`, STAMP);
