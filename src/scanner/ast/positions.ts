/**
 * Line and column lookup for the parsed text. tree-sitter reports UTF-16 offsets; violations count
 * columns in Unicode code points (scanner.md §2.1), which differ only past an astral character.
 * @module
 */
import type { Span } from "./nodes.js";

export class LineIndex {
  private readonly lineStarts: number[] = [0];
  /** Lines that hold a surrogate pair, where UTF-16 units and code points differ. */
  private readonly astralLines = new Set<number>();

  /**
   * @param text - the parsed text.
   * @param firstLineOffset - columns to add on line 1 (1 when a leading BOM was removed).
   */
  constructor(
    private readonly text: string,
    private readonly firstLineOffset = 0,
  ) {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      // CPython breaks lines at LF, CRLF and a lone CR; tree-sitter agrees for LF and CRLF, and a
      // lone CR is already a violation (input.lone_cr), so only LF starts a line here.
      if (unit === 0x0a) this.lineStarts.push(i + 1);
      else if (unit >= 0xd800 && unit <= 0xdbff) this.astralLines.add(this.lineStarts.length - 1);
    }
  }

  /** The 1-based line and code-point column of a UTF-16 offset. */
  spanAt(offset: number): Span {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const lineStart = starts[low]!;
    let col = offset - lineStart;
    if (this.astralLines.has(low)) {
      for (let i = lineStart; i < offset; i++) {
        const unit = this.text.charCodeAt(i);
        if (unit >= 0xdc00 && unit <= 0xdfff && i > lineStart) col--;
      }
    }
    return { line: low + 1, col: col + 1 + (low === 0 ? this.firstLineOffset : 0) };
  }
}
