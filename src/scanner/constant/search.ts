/**
 * The forbidden-text test of scanner.md §6.1 and R8 (case-sensitive substring of any
 * `FORBIDDEN_STRINGS` entry), with summaries that make long concatenation chains linear: the
 * hit of `a + b` follows from the hits of `a` and `b` and the text around their seam.
 * @module
 */
import { FORBIDDEN_STRINGS } from "../lists.js";

/** What the forbidden-text test needs to know of a text to combine it with another. */
export interface TextSummary {
  /** Index in `FORBIDDEN_STRINGS` of the first entry the text contains, or -1. */
  readonly first: number;
  readonly length: number;
  /** The first and last `SEAM - 1` characters (the whole text when shorter). */
  readonly head: string;
  readonly tail: string;
}

const SEAM = Math.max(...FORBIDDEN_STRINGS.map((entry) => entry.length));

/** The first `FORBIDDEN_STRINGS` entry (in list order) contained in `text`, or `null`. */
export function firstForbidden(text: string): string | null {
  const index = firstForbiddenIndex(text);
  return index < 0 ? null : FORBIDDEN_STRINGS[index]!;
}

/**
 * An Aho-Corasick automaton over `FORBIDDEN_STRINGS` (all ASCII): one pass per text whatever
 * the text, where `includes` per entry degrades to O(text x entry) on runs like "_____".
 */
interface Automaton {
  /** `next[state * 129 + symbol]`; symbol 128 stands for every non-ASCII code unit. */
  readonly next: Int32Array;
  /** The lowest entry index ending at each state (through failure links), or `NONE`. */
  readonly first: Int32Array;
}

const NONE = 0x7fffffff;
let automaton: Automaton | null = null;

function buildAutomaton(): Automaton {
  const children: Map<number, number>[] = [new Map()];
  const ends: number[] = [NONE];
  FORBIDDEN_STRINGS.forEach((entry, index) => {
    let state = 0;
    for (const char of entry) {
      const symbol = char.charCodeAt(0);
      let child = children[state]!.get(symbol);
      if (child === undefined) {
        child = children.length;
        children.push(new Map());
        ends.push(NONE);
        children[state]!.set(symbol, child);
      }
      state = child;
    }
    ends[state] = Math.min(ends[state]!, index);
  });
  const next = new Int32Array(children.length * 129);
  const first = Int32Array.from(ends);
  const fail = new Int32Array(children.length);
  const queue: number[] = [0];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    if (state !== 0) first[state] = Math.min(first[state]!, first[fail[state]!]!);
    for (let symbol = 0; symbol < 129; symbol++) {
      const child = children[state]!.get(symbol);
      if (child === undefined) {
        next[state * 129 + symbol] = state === 0 ? 0 : next[fail[state]! * 129 + symbol]!;
      } else {
        fail[child] = state === 0 ? 0 : next[fail[state]! * 129 + symbol]!;
        next[state * 129 + symbol] = child;
        queue.push(child);
      }
    }
  }
  return { next, first };
}

function firstForbiddenIndex(text: string): number {
  automaton ??= buildAutomaton();
  const { next, first } = automaton;
  let state = 0;
  let best = NONE;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    state = next[state * 129 + (unit < 128 ? unit : 128)]!;
    const found = first[state]!;
    if (found < best) best = found;
  }
  return best === NONE ? -1 : best;
}

/** The summary of a text, by a full search. */
export function summarise(text: string): TextSummary {
  return {
    first: firstForbiddenIndex(text),
    length: text.length,
    head: text.slice(0, SEAM - 1),
    tail: text.slice(Math.max(0, text.length - (SEAM - 1))),
  };
}

/** The summary of `a + b` from the summaries of `a` and `b`, in time independent of their length. */
export function concatSummaries(a: TextSummary, b: TextSummary): TextSummary {
  const seam = firstForbiddenIndex(a.tail + b.head);
  const candidates = [a.first, b.first, seam].filter((index) => index >= 0);
  const joinedHead = a.length >= SEAM - 1 ? a.head : (a.head + b.head).slice(0, SEAM - 1);
  const joinedTail = b.length >= SEAM - 1 ? b.tail : (a.tail + b.tail).slice(-(SEAM - 1));
  return {
    first: candidates.length === 0 ? -1 : Math.min(...candidates),
    length: a.length + b.length,
    head: joinedHead,
    tail: joinedTail,
  };
}

/** The entry a summary found, or `null`. */
export function summaryEntry(summary: TextSummary): string | null {
  return summary.first < 0 ? null : FORBIDDEN_STRINGS[summary.first]!;
}
