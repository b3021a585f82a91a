/**
 * tree-sitter-python's indentation scanner looks ahead over every following comment line at each
 * line end, so a run of comment-only lines costs quadratic time (3,000 lines took 10 s): a cheap
 * denial of service against validators. Before parsing, comment-only lines outside string literals
 * become blank (same length, so no offset moves); their ranges are kept as comments for the rules
 * that need them. A small tokenizer finds string literals; should it ever disagree with the parse
 * tree, the scan parses the original text instead (see `scan.ts`).
 * @module
 */

export interface MaskedComments {
  /** The text with each comment-only line's comment replaced by spaces. */
  readonly text: string;
  /** The replaced comments, as [start, end) offsets. */
  readonly ranges: readonly [number, number][];
}

/** The offset just past a string literal opening at `quoteAt`, or the text length if unterminated. */
function endOfString(text: string, quoteAt: number): number {
  const quote = text[quoteAt]!;
  const triple = text.startsWith(quote.repeat(3), quoteAt);
  const closing = triple ? quote.repeat(3) : quote;
  for (let i = quoteAt + closing.length; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\") {
      i++; // an escaped character (also in raw literals, where \" does not close the string)
    } else if (!triple && ch === "\n") {
      return i; // unterminated single-quoted literal: the parse reports it
    } else if (text.startsWith(closing, i)) {
      return i + closing.length;
    }
  }
  return text.length;
}

export function maskCommentLines(text: string): MaskedComments {
  const ranges: [number, number][] = [];
  let onlyWhitespace = true; // so far on this line
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\n") {
      onlyWhitespace = true;
      continue;
    }
    if (ch === "#") {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      if (onlyWhitespace) ranges.push([i, stop]);
      i = stop - 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i = endOfString(text, i) - 1;
      onlyWhitespace = false;
      continue;
    }
    if (ch !== " " && ch !== "\t" && ch !== "\f") onlyWhitespace = false;
  }
  if (ranges.length === 0) return { text, ranges };
  const parts: string[] = [];
  let cursor = 0;
  for (const [start, end] of ranges) {
    parts.push(text.slice(cursor, start), " ".repeat(end - start));
    cursor = end;
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(""), ranges };
}
