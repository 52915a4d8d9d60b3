// Start-up entry point (dist/launch.cjs): runs the bundled runtime (dist/ruff.cjs)
// through V8's code cache, which saves compiling the bundle on every start (measured
// about 8 ms of a 50 ms hello-world). V8 accepts a cache only under the node flags it
// was made with, so there is one per set of flags (cache-name.ts): dist/ruff.cjs.cache
// without any, another under bin/ruff's (dist/node-flags). The build makes bin/ruff's;
// one V8 rejects (another node version), or that is missing, is written at exit with the
// functions that ran compiled (`npm run build` makes a full one). Keyed by flags, a
// `node dist/launch.cjs` without them does not overwrite bin/ruff's.
//
// Measured and not taken (Node 20.20): a user-land startup snapshot (`node --snapshot-blob
// B --build-snapshot`, main through v8.startupSnapshot.setDeserializeMainFunction) works
// for this bundle (process.argv is then [node, ...args]), but an empty snapshot alone
// starts about 12 ms slower than bare node (a 4 MB blob read and deserialised in place of
// the built-in one) and keeps no compiled code, so an empty program ran no faster.

// Named imports only: a namespace or default import of a builtin makes esbuild copy all
// of its properties at start-up (__toESM).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Script } from "node:vm";
import { codeCacheFile } from "./cache-name";

const bundle = join(__dirname, "ruff.cjs");
const cacheFile = codeCacheFile(bundle, process.execArgv, process.env.NODE_OPTIONS);
const source = readFileSync(bundle, "utf8");
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// Node's CommonJS wrapper (Module.wrap), so the bundle runs as it would under require.
const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, { filename: bundle, cachedData });
// import() does not work inside a vm.Script without a flag: the bundle imports through
// this hook instead (only binaryen, only for --trace-log=wasm).
(globalThis as { ruffImport?: (specifier: string) => Promise<unknown> }).ruffImport = (specifier) => import(specifier);
if (cachedData === undefined || script.cachedDataRejected) {
  process.on("exit", () => {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData() as unknown as Uint8Array);
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install simply runs without the cache.
    }
  });
}
const moduleFn = script.runInThisContext() as (exports: object, req: NodeRequire, module: object, filename: string, dirname: string) => void;
const mod = { exports: {} };
moduleFn.call(mod.exports, mod.exports, require, mod, bundle, __dirname);
