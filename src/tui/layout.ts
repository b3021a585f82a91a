/**
 * Layout helpers: titled boxes, side-by-side columns, tables and label/value rows. Every line they
 * return is exactly the requested width (escape sequences aside), whatever the content.
 * @module
 */
import { fit, fitRight, type Style, truncate, visibleWidth } from "./ansi.js";

/**
 * `content` framed in a box of `width` columns with `title` in the top border. Below 4 columns the
 * frame is dropped and only the (cut) content remains.
 */
export function box(title: string, content: readonly string[], width: number, style: Style): string[] {
  if (width < 4) return [fit(title, Math.max(0, width)), ...content.map((l) => fit(l, Math.max(0, width)))];
  const inner = width - 2;
  const label = truncate(` ${title} `, inner - 1);
  const top = style.gray("┌─") + style.bold(label) + style.gray(`${"─".repeat(Math.max(0, inner - 1 - visibleWidth(label)))}┐`);
  const side = style.gray("│");
  const body = content.map((line) => `${side}${fit(` ${line}`, inner - 1)} ${side}`);
  const bottom = style.gray(`└${"─".repeat(inner)}┘`);
  return [top, ...body, bottom];
}

/** Columns inside a box of `width`: what content lines may use. */
export function boxInner(width: number): number {
  return width < 4 ? Math.max(0, width) : width - 4;
}

/** Blocks of lines placed side by side with `gap` spaces; each block padded to its width and to the tallest. */
export function hstack(blocks: readonly { readonly lines: readonly string[]; readonly width: number }[], gap = 1): string[] {
  const height = Math.max(0, ...blocks.map((b) => b.lines.length));
  const out: string[] = [];
  for (let i = 0; i < height; i++) out.push(blocks.map((b) => fit(b.lines[i] ?? "", b.width)).join(" ".repeat(gap)));
  return out;
}

/** A table column: `width` 0 means "whatever is left" (at most one such column). */
export interface Column {
  readonly title: string;
  readonly width: number;
  readonly align?: "left" | "right";
}

/** A cell: plain text, optionally coloured after it is fitted. */
export type Cell = string | { readonly text: string; readonly paint?: (text: string) => string };

/**
 * A header line and one line per row, `width` columns each. A marker column of 1 is prepended
 * (`›` on the selected row) when `selected` is given.
 */
export function table(columns: readonly Column[], rows: readonly (readonly Cell[])[], width: number, style: Style, selected?: number | null): string[] {
  const marker = selected === undefined ? 0 : 2;
  const fixed = columns.reduce((n, c) => n + c.width, 0) + (columns.length - 1) + marker;
  const flex = Math.max(0, width - fixed);
  const widths = columns.map((c) => (c.width === 0 ? flex : c.width));
  const cellText = (c: Cell | undefined) => (typeof c === "string" ? c : (c?.text ?? ""));
  const place = (t: string, i: number) => ((columns[i]?.align ?? "left") === "right" ? fitRight(t, widths[i] ?? 0) : fit(t, widths[i] ?? 0));
  const header = fit(" ".repeat(marker) + style.bold(columns.map((c, i) => place(c.title, i)).join(" ")), width);
  const lines = rows.map((row, r) => {
    const cells = columns.map((_, i) => {
      const cell = row[i];
      const placed = place(cellText(cell), i);
      return typeof cell === "object" && cell.paint ? cell.paint(placed) : placed;
    });
    const isSelected = selected !== undefined && selected === r;
    const line = (marker ? (isSelected ? "› " : "  ") : "") + cells.join(" ");
    return fit(isSelected ? style.inverse(line) : line, width);
  });
  return [header, ...lines];
}

/** `label  value` rows with the labels padded to the longest one. */
export function labelled(rows: readonly (readonly [string, string])[], width: number, style: Style): string[] {
  const labelWidth = Math.max(0, ...rows.map(([l]) => visibleWidth(l)));
  return rows.map(([label, value]) => fit(`${style.gray(fit(label, labelWidth))}  ${value}`, width));
}

/** `label value` pairs flowed into lines of `width`, three spaces apart, wrapping between pairs. */
export function flow(pairs: readonly (readonly [string, string])[], width: number, style: Style): string[] {
  const lines: string[] = [];
  let current = "";
  for (const [label, value] of pairs) {
    const piece = `${style.gray(label)} ${value}`;
    if (current !== "" && visibleWidth(current) + 3 + visibleWidth(piece) > width) {
      lines.push(fit(current, width));
      current = "";
    }
    current = current === "" ? piece : `${current}   ${piece}`;
  }
  if (current !== "") lines.push(fit(current, width));
  return lines;
}
