/**
 * Simple Python highlighting for the detail view: keywords, builtin constants, strings (triple-
 * quoted ones across lines), comments, numbers and the names after `def` and `class`. A display
 * aid only; the scanner parses code properly.
 * @module
 */
import type { Style } from "./ansi.js";
import { expandTabs } from "./ansi.js";

/** Python's keywords (3.12, soft keywords included). */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
  "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
  "return", "try", "while", "with", "yield", "match", "case",
]);

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:0[xXoObB][0-9a-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?j?|\.\d[\d_]*(?:[eE][+-]?\d+)?j?)/y;
const STRING_PREFIX = /(?:[rRbBuUfF]{1,2})?(?='|")/y;

/**
 * `source` as display lines (tabs expanded, control characters replaced), highlighted with
 * `style`; one output line per source line.
 */
export function highlightPython(source: string, style: Style): string[] {
  const out: string[] = [];
  let openTriple: string | null = null;
  for (const raw of source.replace(/\r\n?/g, "\n").split("\n")) {
    const line = expandTabs(raw);
    let painted = "";
    let i = 0;
    let afterDefOrClass = false;
    if (openTriple !== null) {
      const end = line.indexOf(openTriple);
      if (end === -1) {
        out.push(style.green(line));
        continue;
      }
      painted += style.green(line.slice(0, end + 3));
      i = end + 3;
      openTriple = null;
    }
    while (i < line.length) {
      const ch = line[i]!;
      if (ch === "#") {
        painted += style.gray(line.slice(i));
        break;
      }
      STRING_PREFIX.lastIndex = i;
      const prefix = STRING_PREFIX.exec(line);
      if (prefix !== null) {
        const q = i + prefix[0].length;
        const quote = line[q]!;
        const triple = line.startsWith(quote.repeat(3), q) ? quote.repeat(3) : null;
        if (triple !== null) {
          const end = line.indexOf(triple, q + 3);
          if (end === -1) {
            painted += style.green(line.slice(i));
            openTriple = triple;
            break;
          }
          painted += style.green(line.slice(i, end + 3));
          i = end + 3;
          continue;
        }
        let j = q + 1;
        while (j < line.length && line[j] !== quote) j += line[j] === "\\" ? 2 : 1;
        painted += style.green(line.slice(i, Math.min(line.length, j + 1)));
        i = Math.min(line.length, j + 1);
        continue;
      }
      IDENT.lastIndex = i;
      const ident = IDENT.exec(line);
      if (ident !== null) {
        const word = ident[0];
        if (afterDefOrClass) painted += style.blue(word);
        else if (PYTHON_KEYWORDS.has(word)) painted += style.magenta(word);
        else painted += word;
        afterDefOrClass = word === "def" || word === "class";
        i += word.length;
        continue;
      }
      NUMBER.lastIndex = i;
      const number = /[0-9.]/.test(ch) ? NUMBER.exec(line) : null;
      if (number !== null && number[0] !== "") {
        painted += style.cyan(number[0]);
        i += number[0].length;
        continue;
      }
      painted += ch;
      if (ch !== " ") afterDefOrClass = false;
      i += 1;
    }
    out.push(painted);
  }
  return out;
}
