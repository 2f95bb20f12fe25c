/**
 * Partial-plate patterns for detection searches: `?` one character, `*` any run (possibly
 * empty), `[…]` a class (`[0O]`, `[A-F]`), anything else a literal plate character. In fuzzy
 * mode every character stands for its whole OCR confusion class (`core/plates/confusion.ts`),
 * so `8X?D3[0O]?` also finds `BX7O30Q1`.
 *
 * A compiled pattern is a list of segments split at `*`: the first is anchored at the start,
 * the last at the end, those between float. The index turns anchored segments into position
 * bitmaps and floating ones into trigram bitmaps; `matches()` confirms candidates.
 */
import { CONFUSION_CLASSES } from '../plates/confusion.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { ErrPatternInvalid } from '../errors.js';

/** Plate alphabet: index 0–9 digits, 10–35 letters. */
export const ALPHABET_SIZE = 36;

export function charIndex(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

export function indexChar(i: number): string {
  return String.fromCharCode(i < 10 ? 48 + i : 55 + i);
}

/** One pattern position: the set of alphabet indexes it accepts (`null` = any, from `?`). */
export type CharSet = readonly number[] | null;

export interface CompiledPattern {
  readonly source: string;
  readonly fuzzy: boolean;
  /** Segments between stars; one segment when the pattern has no star. */
  readonly segments: readonly (readonly CharSet[])[];
  readonly hasStar: boolean;
  /** Plates shorter than this cannot match. */
  readonly minLength: number;
  /** True when position and length bitmaps decide a match with no confirmation. */
  readonly exactByIndex: boolean;
  readonly regex: RegExp;
}

/** Fewest constrained positions a pattern needs, so a search never sweeps the whole store. */
export const MIN_CONSTRAINED = 2;
const MAX_PATTERN_LENGTH = 40;

const classOf = new Map<number, number[]>();
for (const cls of CONFUSION_CLASSES) {
  const members = [...cls].map((c) => charIndex(c.charCodeAt(0)));
  for (const m of members) classOf.set(m, members);
}

function fuzzySet(set: number[]): number[] {
  const out = new Set<number>();
  for (const c of set) for (const m of classOf.get(c) ?? [c]) out.add(m);
  return [...out].sort((a, b) => a - b);
}

function bad(source: string, why: string): never {
  throw new ErrPatternInvalid(`pattern ${JSON.stringify(source)}: ${why}`, { pattern: source });
}

function parseClass(source: string, text: string, start: number): { set: number[]; end: number } {
  const close = text.indexOf(']', start);
  if (close < 0) bad(source, 'unclosed [');
  const set = new Set<number>();
  for (let i = start + 1; i < close; i++) {
    const lo = charIndex(text.charCodeAt(i));
    if (lo < 0) bad(source, `character ${JSON.stringify(text[i])} cannot be on a plate`);
    if (text[i + 1] === '-' && i + 2 < close) {
      const hi = charIndex(text.charCodeAt(i + 2));
      if (hi < lo) bad(source, `range ${text.slice(i, i + 3)} is backwards`);
      for (let c = lo; c <= hi; c++) set.add(c);
      i += 2;
    } else set.add(lo);
  }
  if (set.size === 0) bad(source, 'empty []');
  return { set: [...set].sort((a, b) => a - b), end: close };
}

function setRegex(set: CharSet): string {
  if (set === null) return '[0-9A-Z]';
  return `[${set.map(indexChar).join('')}]`;
}

export function compilePattern(source: string, fuzzy = false): CompiledPattern {
  const text = source.trim().toUpperCase();
  if (text.length === 0 || text.length > MAX_PATTERN_LENGTH) bad(source, `must be 1–${MAX_PATTERN_LENGTH} characters`);
  const segments: CharSet[][] = [[]];
  let constrained = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const seg = segments[segments.length - 1]!;
    if (ch === '*') {
      if (seg.length > 0 || segments.length === 1) segments.push([]);
      continue;
    }
    if (ch === '?') {
      seg.push(null);
      continue;
    }
    let set: number[];
    if (ch === '[') {
      const parsed = parseClass(source, text, i);
      set = parsed.set;
      i = parsed.end;
    } else {
      const c = charIndex(text.charCodeAt(i));
      if (c < 0) bad(source, `character ${JSON.stringify(ch)} cannot be on a plate`);
      set = [c];
    }
    constrained++;
    seg.push(fuzzy ? fuzzySet(set) : set);
  }
  if (constrained < MIN_CONSTRAINED) bad(source, `too broad: name at least ${MIN_CONSTRAINED} characters`);
  const hasStar = segments.length > 1;
  const minLength = segments.reduce((n, s) => n + s.length, 0);
  if (minLength > MAX_PLATE_LENGTH) bad(source, `longer than any plate (${MAX_PLATE_LENGTH})`);
  const regex = new RegExp(`^${segments.map((s) => s.map(setRegex).join('')).join('[0-9A-Z]*')}$`);
  // A middle segment floats, so only trigrams (a superset) can stand for it.
  const exactByIndex = segments.length <= 2;
  return { source, fuzzy, segments, hasStar, minLength, exactByIndex, regex };
}

/** Confirms a normalised plate against the pattern. */
export function matches(p: CompiledPattern, plate: string): boolean {
  return p.regex.test(plate);
}
