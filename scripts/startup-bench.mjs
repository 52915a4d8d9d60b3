// Whole-process timing of a few commands for start-up work: runs them in turn (so load on
// a noisy machine falls on all of them alike), and prints the median, 25th percentile
// and minimum wall time of each. NODE_EXTRA_CA_CERTS is unset, as bin/ruff does.
//
//   node scripts/startup-bench.mjs [--runs N] [CMD ...]
//
// Default commands: bare node, bin/ruff on an empty program, and bin/ruff on the
// shared fib_iter benchmark. On a busy machine, `chrt -f 10 node scripts/...` (root)
// takes most of the noise out.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const args = process.argv.slice(2);
let runs = 20;
const commands = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else commands.push(args[i]);
}
if (!Number.isInteger(runs) || runs < 1) {
  console.error("usage: node scripts/startup-bench.mjs [--runs N] [CMD ...]");
  process.exit(2);
}
if (commands.length === 0) {
  const empty = path.join(mkdtempSync(path.join(tmpdir(), "ruff-startup-")), "empty.ruff");
  writeFileSync(empty, "");
  const ruff = path.join(root, "bin/ruff");
  commands.push("node -e 0", `${ruff} run ${empty}`, `${ruff} run ${path.resolve(root, "../shared/benchmarks/fib_iter.ruff")}`);
}

const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const run = (command) => {
  const start = process.hrtime.bigint();
  const r = spawnSync("/bin/sh", ["-c", `exec ${command}`], { env, stdio: ["ignore", "ignore", "inherit"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`'${command}' exited with ${r.status}`);
  return ms;
};
// Warm-up: the page cache, and bin/ruff's build if it is stale.
for (const c of commands) for (let i = 0; i < 3; i++) run(c);
const times = commands.map(() => []);
for (let r = 0; r < runs; r++) commands.forEach((c, i) => times[i].push(run(c)));

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
console.log(`${runs} runs each (wall ms: median, p25, min; /bin/sh -c exec adds about 1 ms to each)`);
commands.forEach((c, i) => {
  const f = (q) => quantile(times[i], q).toFixed(1).padStart(6);
  console.log(`${f(0.5)} ${f(0.25)} ${f(0)}  ${c}`);
});
