import { describe, expect, it } from "vitest";
import { defaultTextChunks, estimateTokens, splitText } from "../../src/testing/split.js";

describe("splitText", () => {
  it("splits into the requested number of near-equal pieces that join back", () => {
    const pieces = splitText("abcdefghij", 3);
    expect(pieces).toEqual(["abc", "def", "ghij"]);
  });

  it("never cuts a surrogate pair", () => {
    const text = "a😀b😀c😀";
    const pieces = splitText(text, 6);
    expect(pieces).toEqual(["a", "😀", "b", "😀", "c", "😀"]);
    expect(pieces.join("")).toBe(text);
  });

  it("clamps the count to [1, length] and gives nothing for empty text", () => {
    expect(splitText("ab", 10)).toEqual(["a", "b"]);
    expect(splitText("ab", 0)).toEqual(["ab"]);
    expect(splitText("", 3)).toEqual([]);
  });

  it("defaults to one piece per ~16 characters; estimates a token per 4 characters", () => {
    expect(defaultTextChunks("x".repeat(33))).toBe(3);
    expect(defaultTextChunks("")).toBe(1);
    expect(estimateTokens(9)).toBe(3);
    expect(estimateTokens(0)).toBe(1);
  });
});
