// The JIT's clock (compile and trace times for the trace log). Not `performance.now()`:
// Node 20 loads perf_hooks on first use of that global, measured at 0.5-1 ms of a run
// that compiles one trace.

/** Milliseconds from an arbitrary origin, sub-microsecond resolution. */
export function clockMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
