// Bundles the runtime into one CommonJS file (dist/ruff.cjs) so start-up loads a
// single script. Type checking is separate (`npm run typecheck`).
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/ruff.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "linked",
  minifySyntax: true,
  logLevel: "warning",
  external: ["binaryen"],
});
