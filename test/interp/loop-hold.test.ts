// A `for` loop over an array holds it as a snapshot (the array counts as shared while
// the loop runs) and gives the hold back when it runs to its end, so a later write
// through the variable needs no copy. Checked for behaviour in every JIT mode (a write
// during the loop, nested loops, break, a second holder taken inside the loop) and for
// the flag itself on the interpreter's access helpers.

import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MODES, runRuff, type Mode } from "../support/run-ruff";
import { RArray } from "../../src/interp/value";
import { iterationSource, loopReleases } from "../../src/interp/access";

const PROGRAM = `
func run(n) {
    mut xs := []
    mut i := 0
    while i < n {
        xs = push(xs, i)
        i += 1
    }
    # Writes during the loop go to a copy; the loop keeps walking the snapshot.
    mut seen := 0
    for x in xs {
        seen += x
        xs[0] = xs[0] + 100
    }
    print("during:", seen, xs[0])
    # After the loop the variable is the only holder again: writes are in place.
    for x in xs { seen += x }
    xs[1] = 7
    print("after:", xs[0], xs[1], seen)
    # Nested loops over the same array, the inner one left by break.
    mut pairs := 0
    for a in xs {
        for b in xs {
            if b == 4 { break }
            pairs += 1
        }
    }
    for a in xs {
        for b in xs { pairs += b }
    }
    xs[2] = -1
    print("nested:", pairs, xs[2])
    # A second holder taken inside the loop keeps the array shared for good.
    mut keep := []
    for x in xs { keep = xs }
    xs[3] = 99
    print("holder:", keep[3], xs[3])
    return len(xs)
}
print(run(6))
mut outer := [1, 2, 3]
for x in outer { outer = push(outer, x) }
print(outer)
`;

const EXPECTED = [
  "during: 15 600",
  "after: 600 7 630",
  "nested: 3750 -1",
  "holder: 3 99",
  "6",
  "[1, 2, 3, 1, 2, 3]",
  "",
].join("\n");

describe("for-loop hold on arrays", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ruff-loop-hold-"));
  const file = path.join(dir, "loop_hold.ruff");
  writeFileSync(file, PROGRAM);
  for (const mode of Object.keys(MODES) as Mode[]) {
    it(`keeps value semantics with the JIT ${mode}`, () => {
      const r = runRuff(["run", ...MODES[mode], file]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(EXPECTED);
    });
  }

  it("counts holds and releases the last one", () => {
    const a = new RArray([1, 2]);
    iterationSource(a);
    iterationSource(a);
    expect(a.shared).toBe(2);
    loopReleases(a);
    expect(a.shared).toBeTruthy();
    loopReleases(a);
    expect(a.shared).toBe(false);
    iterationSource(a);
    a.shared = true; // a second holder appeared while the loop ran
    loopReleases(a);
    expect(a.shared).toBe(true);
  });
});
