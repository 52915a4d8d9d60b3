// Statistics of the benchmark harness: median, min-max summaries, geometric mean.
import { describe, expect, it } from "vitest";
import { geometricMean, median, summarize } from "../../bench/lib/stats.js";

describe("median", () => {
  it("takes the middle value of an odd count, unsorted input", () => {
    expect(median([5, 1, 3])).toBe(3);
  });
  it("averages the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("rejects an empty sample set", () => {
    expect(() => median([])).toThrow(/empty/);
  });
  it("does not reorder its input", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe("summarize", () => {
  it("gives median, min, max and count", () => {
    expect(summarize([0.3, 0.1, 0.2, 0.9, 0.25])).toEqual({ median: 0.25, min: 0.1, max: 0.9, count: 5 });
  });
  it("is null without samples", () => {
    expect(summarize([])).toBeNull();
  });
});

describe("geometricMean", () => {
  it("is the n-th root of the product", () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(geometricMean([1, 10, 100])).toBeCloseTo(10, 12);
    expect(geometricMean([0.5, 2])).toBeCloseTo(1, 12);
  });
  it("is null for an empty list and rejects non-positive values", () => {
    expect(geometricMean([])).toBeNull();
    expect(() => geometricMean([1, 0])).toThrow(/positive/);
    expect(() => geometricMean([1, -2])).toThrow(/positive/);
  });
});
