/**
 * Terminal text primitives of the dashboard: SGR colours that can be switched off, the visible
 * width of a string (escape sequences count zero, East Asian wide characters two), ANSI-aware
 * truncation and padding, and removal of control characters from remote text.
 * @module
 */

/** Colour and emphasis functions; each is the identity when colours are off. */
export interface Style {
  readonly colors: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly inverse: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly blue: (text: string) => string;
  readonly magenta: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly gray: (text: string) => string;
  /** Leaderboard rank 1. */
  readonly gold: (text: string) => string;
  /** Leaderboard rank 2. */
  readonly silver: (text: string) => string;
  /** Leaderboard rank 3. */
  readonly bronze: (text: string) => string;
}

const RESET = "\x1b[0m";

/**
 * The style functions for `colors`.
 * @example
 * const s = createAnsiStyle(false)
 * s.red("x") // "x"
 */
export function createAnsiStyle(colors: boolean): Style {
  // A reset inside `text` (a nested colour) re-opens this style, so an inverse row stays inverse.
  const sgr = (code: string) => {
    if (!colors) return (text: string) => text;
    const open = `\x1b[${code}m`;
    return (text: string) => (text === "" ? text : `${open}${text.split(RESET).join(RESET + open)}${RESET}`);
  };
  return {
    colors,
    bold: sgr("1"),
    dim: sgr("2"),
    inverse: sgr("7"),
    red: sgr("31"),
    green: sgr("32"),
    yellow: sgr("33"),
    blue: sgr("34"),
    magenta: sgr("35"),
    cyan: sgr("36"),
    gray: sgr("90"),
    gold: sgr("1;33"),
    silver: sgr("1;37"),
    bronze: sgr("38;5;173"),
  };
}

// SGR and other CSI sequences; the renderer only emits SGR, remote text never reaches here unsanitised.
const ESCAPE = /\x1b\[[0-9;?]*[ -/]*[@-~]/y;

/** Columns a code point takes in a terminal: 0 for combining marks, 2 for wide East Asian and emoji, else 1. */
export function charWidth(codePoint: number): number {
  if (codePoint === 0x200b || (codePoint >= 0x0300 && codePoint <= 0x036f) || (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0x20d0 && codePoint <= 0x20ff)) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** A string split into escape sequences (zero width) and single code points. */
function* tokens(text: string): Generator<{ readonly text: string; readonly width: number; readonly escape: boolean }> {
  let i = 0;
  while (i < text.length) {
    ESCAPE.lastIndex = i;
    const m = ESCAPE.exec(text);
    if (m !== null) {
      yield { text: m[0], width: 0, escape: true };
      i += m[0].length;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    yield { text: ch, width: charWidth(cp), escape: false };
    i += ch.length;
  }
}

/** Visible columns of `text`, escape sequences excluded. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const t of tokens(text)) width += t.width;
  return width;
}

/** `text` without its escape sequences. */
export function stripAnsi(text: string): string {
  let out = "";
  for (const t of tokens(text)) if (!t.escape) out += t.text;
  return out;
}

/**
 * `text` cut to at most `width` columns, ending in `…` when cut; colours are reset after a cut.
 * @param width columns; 0 or less gives `""`
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (visibleWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  let styled = false;
  for (const t of tokens(text)) {
    if (t.escape) {
      out += t.text;
      styled = true;
      continue;
    }
    if (used + t.width > width - 1) break;
    out += t.text;
    used += t.width;
  }
  return `${out}${" ".repeat(Math.max(0, width - 1 - used))}${styled ? RESET : ""}…`;
}

/** `text` truncated or right-padded with spaces to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + " ".repeat(Math.max(0, width - visibleWidth(cut)));
}

/** `text` right-aligned in exactly `width` columns (truncated when longer). */
export function fitRight(text: string, width: number): string {
  const w = visibleWidth(text);
  return w >= width ? truncate(text, width) : " ".repeat(width - w) + text;
}

// C0 and C1 controls and DEL: a hostile submission id or code could otherwise drive the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** Remote text made safe to print: tabs become spaces, other control characters `\uFFFD`. */
export function sanitize(text: string): string {
  return text.replace(/\t/g, " ").replace(CONTROL, "\uFFFD");
}

/** Tabs expanded to `tabSize` columns, then {@link sanitize}d (for code lines). */
export function expandTabs(line: string, tabSize = 4): string {
  let out = "";
  let col = 0;
  for (const ch of line) {
    if (ch === "\t") {
      const n = tabSize - (col % tabSize);
      out += " ".repeat(n);
      col += n;
    } else {
      out += ch;
      col += 1;
    }
  }
  return sanitize(out);
}
