// Code-point string helpers: length/indexing/slicing with astral characters (short and
// cached long strings), code-point ordering versus JS UTF-16 ordering.

import { describe, expect, it } from "vitest";
import {
  codePoints,
  cpAt,
  cpCompare,
  cpIndexOf,
  cpLength,
  cpSlice,
  hasSurrogates,
  sortCodePointOrder,
} from "../../src/interp/strings";

const EMOJI = "😀"; // U+1F600, two UTF-16 units

describe("cpLength / cpAt / cpSlice", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(cpLength("")).toBe(0);
    expect(cpLength("abc")).toBe(3);
    expect(cpLength(EMOJI)).toBe(1);
    expect(EMOJI.length).toBe(2);
    expect(cpLength(`a${EMOJI}b${EMOJI}`)).toBe(4);
    expect(cpLength("héllo")).toBe(5);
  });

  it("indexes by code point", () => {
    const s = `a${EMOJI}b`;
    expect(cpAt(s, 0)).toBe("a");
    expect(cpAt(s, 1)).toBe(EMOJI);
    expect(cpAt(s, 2)).toBe("b");
    expect(cpAt(s, 3)).toBeUndefined();
    expect(cpAt(s, -1)).toBeUndefined();
    expect(cpAt("abc", 1)).toBe("b");
    expect(cpAt("abc", 3)).toBeUndefined();
  });

  it("slices by code point with clamping", () => {
    const s = `${EMOJI}ab${EMOJI}`;
    expect(cpSlice(s, 0, 1)).toBe(EMOJI);
    expect(cpSlice(s, 1, 3)).toBe("ab");
    expect(cpSlice(s, 2, 100)).toBe(`b${EMOJI}`);
    expect(cpSlice(s, 3, 2)).toBe("");
    expect(cpSlice(s, -5, 1)).toBe(EMOJI);
    expect(cpSlice("hello", 1, 3)).toBe("el");
  });

  it("handles long strings through the offset cache, alternating strings", () => {
    const long = "x".repeat(100) + EMOJI + "y".repeat(50);
    const ascii = "z".repeat(200);
    for (let round = 0; round < 2; round++) {
      expect(cpLength(long)).toBe(151);
      expect(cpAt(long, 100)).toBe(EMOJI);
      expect(cpAt(long, 101)).toBe("y");
      expect(cpAt(long, 151)).toBeUndefined();
      expect(cpSlice(long, 99, 102)).toBe(`x${EMOJI}y`);
      expect(cpLength(ascii)).toBe(200);
      expect(cpAt(ascii, 199)).toBe("z");
      expect(hasSurrogates(long)).toBe(true);
      expect(hasSurrogates(ascii)).toBe(false);
    }
  });

  it("is fast on long ASCII strings indexed in a loop", () => {
    const s = "a".repeat(200_000);
    const start = performance.now();
    let count = 0;
    for (let i = 0; i < s.length; i++) if (cpAt(s, i) === "a") count++;
    expect(count).toBe(200_000);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it("finds substrings at code-point positions", () => {
    expect(cpIndexOf(`${EMOJI}${EMOJI}abc`, "b")).toBe(3);
    expect(cpIndexOf("abc", "z")).toBe(-1);
    expect(cpIndexOf("abc", "")).toBe(0);
    expect(codePoints(`a${EMOJI}`)).toEqual(["a", EMOJI]);
  });
});

describe("cpCompare", () => {
  it("orders by code point where JS UTF-16 order differs", () => {
    const astral = EMOJI; // U+1F600
    const highBmp = "\uFF21"; // U+FF21, above the surrogate range
    expect(astral < highBmp).toBe(true); // JS: units D83D < FF21
    expect(cpCompare(astral, highBmp)).toBe(1); // code points: 1F600 > FF21
    expect(cpCompare(highBmp, astral)).toBe(-1);
  });

  it("orders ordinary strings like JS", () => {
    expect(cpCompare("a", "b")).toBe(-1);
    expect(cpCompare("b", "a")).toBe(1);
    expect(cpCompare("ab", "abc")).toBe(-1);
    expect(cpCompare("abc", "abc")).toBe(0);
    expect(cpCompare("Z", "a")).toBe(-1);
    expect(cpCompare("", "a")).toBe(-1);
  });

  it("sorts keys in code-point order", () => {
    expect(sortCodePointOrder(["b", "a", "B"])).toEqual(["B", "a", "b"]);
    expect(sortCodePointOrder(["\uFF21", EMOJI, "z"])).toEqual(["z", "\uFF21", EMOJI]);
  });
});
