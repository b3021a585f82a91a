/**
 * Raw terminal input to key names: arrow keys, Tab, Shift-Tab, Enter, Esc and Ctrl-C by name,
 * printable characters as themselves; other escape sequences are dropped.
 * @module
 */

/** Keys with a name; printable characters are keys too, as one-character strings. */
export type NamedKey = "up" | "down" | "left" | "right" | "tab" | "shift-tab" | "enter" | "escape" | "ctrl-c";

/** A key press: a {@link NamedKey} or one printable character. */
export type Key = NamedKey | (string & {});

const CSI_FINAL: Readonly<Record<string, NamedKey>> = { A: "up", B: "down", C: "right", D: "left", Z: "shift-tab" };

/**
 * The keys in one chunk of raw-mode input.
 * @example
 * parseKeys("j\x1b[Aq") // ["j", "up", "q"]
 */
export function parseKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < chunk.length) {
    const ch = chunk[i]!;
    if (ch === "\x1b") {
      const next = chunk[i + 1];
      if (next === "[" || next === "O") {
        // CSI / SS3: parameters then one final byte in @..~.
        let j = i + 2;
        while (j < chunk.length && !/[@-~]/.test(chunk[j]!)) j++;
        const named = CSI_FINAL[chunk[j] ?? ""];
        if (named !== undefined) keys.push(named);
        i = j + 1;
        continue;
      }
      keys.push("escape");
      i += 1;
      continue;
    }
    if (ch === "\x03") keys.push("ctrl-c");
    else if (ch === "\t") keys.push("tab");
    else if (ch === "\r" || ch === "\n") keys.push("enter");
    else if (ch >= " " && ch !== "\x7f") keys.push(ch);
    i += 1;
  }
  return keys;
}
