/**
 * Splits text into `chunks` pieces of near-equal length (at least one piece, at most
 * one per character), never cutting a surrogate pair. Empty text gives no pieces.
 */
export function splitText(text: string, chunks: number): string[] {
  if (text.length === 0) return [];
  const units = /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : undefined;
  const length = units ? units.length : text.length;
  const count = Math.max(1, Math.min(length, Math.floor(chunks) || 1));
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * length) / count);
    const end = Math.floor(((i + 1) * length) / count);
    out[i] = units ? units.slice(start, end).join("") : text.slice(start, end);
  }
  return out;
}

/** The default number of text deltas: one per ~16 characters. */
export function defaultTextChunks(text: string): number {
  return Math.max(1, Math.ceil(text.length / 16));
}

/** A cheap token estimate: about four characters per token, at least one. */
export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}
