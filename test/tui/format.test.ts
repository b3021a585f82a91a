/**
 * Formatting, text measurement, the chart and the highlighter of the dashboard.
 */
import { describe, expect, it } from "vitest";
import { createAnsiStyle, formatTimeAgo, highlightPython, lineChart, stripAnsi, visibleWidth } from "../../src/tui/index.js";
import { fit, sanitize, truncate } from "../../src/tui/ansi.js";
import { resample } from "../../src/tui/chart.js";
import { formatCount, formatMfu, parseTimestamp, shorten } from "../../src/tui/format.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");

describe("formatTimeAgo", () => {
  it("behavior: seconds, minutes, hours and days ago against the injected clock", () => {
    expect(formatTimeAgo("2025-06-01T11:59:18Z", NOW)).toBe("42s ago");
    expect(formatTimeAgo("2025-06-01T11:55:00Z", NOW)).toBe("5m ago");
    expect(formatTimeAgo("2025-06-01T09:00:00.000Z", NOW)).toBe("3h ago");
    expect(formatTimeAgo("2025-05-30T11:00:00+00:00", NOW)).toBe("2d ago");
    expect(formatTimeAgo("2025-06-01T11:59:18Z", NOW + 60_000)).toBe("1m ago");
  });

  it("behavior: a timestamp without a zone is UTC (the reference stores naive UTC)", () => {
    expect(formatTimeAgo("2025-06-01 11:00:00", NOW)).toBe("1h ago");
    expect(parseTimestamp("2025-06-01T11:00:00")).toBe(NOW - 3_600_000);
  });

  it("behavior: missing, unreadable and future timestamps", () => {
    expect(formatTimeAgo(null, NOW)).toBe("—");
    expect(formatTimeAgo("", NOW)).toBe("—");
    expect(formatTimeAgo("yesterday", NOW)).toBe("—");
    expect(formatTimeAgo("2025-06-01T12:00:30Z", NOW)).toBe("just now");
    expect(formatTimeAgo("2025-06-02T12:00:00Z", NOW)).toBe("in the future");
  });
});

describe("value formatting", () => {
  it("behavior: MFU, counts and shortened hashes; missing values are —", () => {
    expect(formatMfu(52.1)).toBe("52.10%");
    expect(formatMfu(null)).toBe("—");
    expect(formatMfu(Number.NaN)).toBe("—");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(undefined)).toBe("—");
    expect(shorten("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY")).toBe("5Grwva…utQY");
    expect(shorten("short")).toBe("short");
    expect(shorten(null)).toBe("—");
  });
});

describe("text measurement", () => {
  it("behavior: escape sequences have no width; CJK and emoji have two columns", () => {
    expect(visibleWidth("\x1b[1;33mabc\x1b[0m")).toBe(3);
    expect(visibleWidth("日本")).toBe(4);
    expect(visibleWidth("τemplar ✓")).toBe(9);
  });

  it("behavior: truncate ends in … and resets colours; fit pads to the width", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
    expect(truncate("abc", 0)).toBe("");
    expect(truncate("\x1b[31mabcdef\x1b[0m", 4)).toBe("\x1b[31mabc\x1b[0m…");
    expect(truncate("日本語", 4)).toBe("日 …");
    expect(fit("ab", 4)).toBe("ab  ");
    expect(visibleWidth(fit("日本語日本語", 5))).toBe(5);
  });

  it("behavior: sanitize replaces control characters (escape, bell, newline) and turns tabs into spaces", () => {
    expect(sanitize("a\x1b[2Jb\x07c\nd\te")).toBe("a\uFFFD[2Jb\uFFFDc\uFFFDd e");
  });

  it("behavior: nested colours re-open the outer style after an inner reset", () => {
    const s = createAnsiStyle(true);
    expect(s.inverse(`a${s.red("b")}c`)).toBe("\x1b[7ma\x1b[31mb\x1b[0m\x1b[7mc\x1b[0m");
    expect(createAnsiStyle(false).inverse(`a${createAnsiStyle(false).red("b")}c`)).toBe("abc");
  });
});

describe("lineChart", () => {
  it("behavior: a rising running max rises from the bottom-left to the top-right", () => {
    const rows = lineChart([1, 1, 2, 3], { width: 14, height: 3, label: (v) => v.toFixed(1) });
    expect(rows).toEqual(["3.0 ┤       ╭─", "2.0 ┤     ╭─╯ ", "1.0 ┤─────╯   "]);
  });

  it("behavior: flat series, single points and tiny widths never overflow", () => {
    expect(lineChart([], { width: 20, height: 4 })).toEqual([]);
    expect(lineChart([5], { width: 10, height: 2 })).toEqual(["5.00 ┤    ", "5.00 ┤────"]);
    for (const width of [0, 1, 3, 6]) for (const row of lineChart([1, 2, 3], { width, height: 3 })) expect(visibleWidth(row)).toBeLessThanOrEqual(width);
  });

  it("behavior: resample keeps the last value of each bucket and stretches short series", () => {
    expect(resample([1, 2, 3, 4, 5, 6], 3)).toEqual([2, 4, 6]);
    expect(resample([1, 2], 4)).toEqual([1, 1, 2, 2]);
  });
});

describe("highlightPython", () => {
  const on = createAnsiStyle(true);

  it("behavior: keywords, strings, comments, numbers and def names", () => {
    const [line] = highlightPython('def f(x): return x + 1  # done "not a string"', on);
    expect(line).toContain("\x1b[35mdef\x1b[0m");
    expect(line).toContain("\x1b[34mf\x1b[0m");
    expect(line).toContain("\x1b[35mreturn\x1b[0m");
    expect(line).toContain("\x1b[36m1\x1b[0m");
    expect(line).toContain('\x1b[90m# done "not a string"\x1b[0m');
    expect(highlightPython("s = 'a # b' # c", on)[0]).toBe("s = \x1b[32m'a # b'\x1b[0m \x1b[90m# c\x1b[0m");
  });

  it("behavior: a triple-quoted string spans lines; code after it is highlighted again", () => {
    const lines = highlightPython('x = """one\ntwo # not a comment\nthree""" if y else None', on);
    expect(lines[1]).toBe("\x1b[32mtwo # not a comment\x1b[0m");
    expect(lines[2]).toContain('\x1b[32mthree"""\x1b[0m');
    expect(lines[2]).toContain("\x1b[35mif\x1b[0m");
    expect(lines[2]).toContain("\x1b[35mNone\x1b[0m");
  });

  it("behavior: with colours off the lines are the source, tabs expanded, controls replaced", () => {
    const source = "import torch\n\tx = 1\r\ny = '\x1b[2J'";
    expect(highlightPython(source, createAnsiStyle(false))).toEqual(["import torch", "    x = 1", "y = '\uFFFD[2J'"]);
    expect(stripAnsi(highlightPython(source, on).join("\n"))).toBe("import torch\n    x = 1\ny = '\uFFFD[2J'");
  });
});
