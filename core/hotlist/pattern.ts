/**
 * Partial-plate patterns (POLICY R4: partial plates reported during major crimes, MP 462.4 c):
 * `?` one character, `*` zero or more, `[ABC]` one of a class, anything else a literal.
 * Each pattern names one index key that every plate it matches must carry, so a read looks
 * up a handful of candidates instead of looping over thousands of patterns:
 * - a canonical trigram of three consecutive literals (works across `*`), else
 * - for fixed-length patterns, a shape: the length, the known positions and their characters.
 * Patterns with neither are too broad to act on and are refused.
 */
import { ErrPatternInvalid } from '../errors.js';
import { canonicalCode, substitutionCost } from '../plates/confusion.js';
import { MAX_PLATE_LENGTH } from '../plates/normalize.js';
import { EPS } from './distance.js';

export const MAX_PATTERN_LENGTH = 40;
const LIT = 0;
const ANY = 1;
const CLASS = 2;
const STAR = 3;

export interface CompiledPattern {
  readonly source: string;
  /** Token kinds (LIT, ANY, CLASS, STAR) and, for LIT and CLASS, the characters. */
  readonly kinds: Uint8Array;
  readonly chars: readonly string[];
  /** Length of every matching plate, or -1 when the pattern holds a `*`. */
  readonly fixedLength: number;
  /** Tokens before the only `*` when it is the last token (`7ABC*`), else -1. */
  readonly prefixLength: number;
}

export type PatternKey =
  | {
      readonly type: 'gram';
      readonly canon: Uint8Array;
      /** Where the trigram sits in a matching plate: -1 when a `*` comes before it. */
      readonly offset: number;
      /** Length of every matching plate, -1 when the pattern holds a `*`. */
      readonly len: number;
    }
  | {
      readonly type: 'shape';
      readonly len: number;
      /** Bit i set: token i is a known character the key takes. */
      readonly mask: number;
    };

/** True when the text is a pattern rather than a plate. */
export function isPattern(text: string): boolean {
  return /[?*[\]]/.test(text);
}

/** Upper-case and drop separators, keeping the wildcard syntax. */
export function normalizePattern(text: string): string {
  return text.normalize('NFKC').toUpperCase().replace(/[\s\-_.·]/gu, '');
}

export function parsePattern(text: string): CompiledPattern {
  const source = normalizePattern(text);
  if (source.length === 0 || source.length > MAX_PATTERN_LENGTH) invalid(text, `1–${MAX_PATTERN_LENGTH} characters`);
  const kinds: number[] = [];
  const chars: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '?') push(ANY, '');
    else if (c === '*') {
      if (kinds[kinds.length - 1] !== STAR) push(STAR, '');
    } else if (c === '[') {
      const end = source.indexOf(']', i + 1);
      const set = end < 0 ? '' : source.slice(i + 1, end);
      if (!/^[A-Z0-9]+$/.test(set)) invalid(text, 'a class is [ followed by letters or digits and ]');
      push(CLASS, set);
      i = end;
    } else if (/[A-Z0-9]/.test(c)) push(LIT, c);
    else invalid(text, `character ${JSON.stringify(c)} is neither a plate character nor ? * [ ]`);
  }
  const fixed = kinds.includes(STAR) ? -1 : kinds.length;
  if (fixed > MAX_PLATE_LENGTH) invalid(text, `longer than ${MAX_PLATE_LENGTH} characters`);
  const stars = kinds.filter((k) => k === STAR).length;
  const prefix = stars === 1 && kinds[kinds.length - 1] === STAR ? kinds.length - 1 : -1;
  return { source, kinds: Uint8Array.from(kinds), chars, fixedLength: fixed, prefixLength: prefix };

  function push(kind: number, ch: string): void {
    kinds.push(kind);
    chars.push(ch);
  }
}

/**
 * The shape of every known character of a fixed-length pattern, or of the part before the
 * `*` of a prefix pattern (length 0: any plate long enough) — the most selective key.
 */
export function fullShape(p: CompiledPattern): PatternKey | undefined {
  const n = p.fixedLength >= 0 ? p.fixedLength : p.prefixLength;
  if (n < 0 || n > MAX_PLATE_LENGTH) return undefined; // longer than any plate: the trigram key will do
  let mask = 0;
  for (let i = 0; i < n; i++) if (p.kinds[i] === LIT) mask |= 1 << i;
  return { type: 'shape', len: Math.max(0, p.fixedLength), mask };
}

/** The canonical characters a plate must show at a shape's positions to match the pattern. */
export function shapeCanon(p: CompiledPattern, mask: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < p.kinds.length; i++) if ((mask >>> i) & 1) out.push(canonicalCode(p.chars[i]!.charCodeAt(0)));
  return Uint8Array.from(out);
}

/** The index key of a pattern, or PS_ERR_PATTERN_INVALID when it is too broad to index. */
export function patternKey(p: CompiledPattern): PatternKey {
  const k = p.kinds;
  for (let i = 0; i + 2 < k.length; i++) {
    if (k[i] === LIT && k[i + 1] === LIT && k[i + 2] === LIT) {
      const canon = Uint8Array.from([0, 1, 2], (o) => canonicalCode(p.chars[i + o]!.charCodeAt(0)));
      const offset = k.subarray(0, i).includes(STAR) ? -1 : i;
      return { type: 'gram', canon, offset, len: p.fixedLength };
    }
  }
  if (p.fixedLength > 0) {
    const pos: number[] = [];
    for (let i = 0; i < k.length && pos.length < 3; i++) if (k[i] === LIT) pos.push(i);
    if (pos.length === 3) return { type: 'shape', len: p.fixedLength, mask: (1 << pos[0]!) | (1 << pos[1]!) | (1 << pos[2]!) };
  }
  return invalid(
    p.source,
    'too broad: needs three consecutive known characters, or three known characters at fixed positions',
  );
}

function invalid(text: string, why: string): never {
  throw new ErrPatternInvalid(`pattern ${JSON.stringify(text)}: ${why}`, { pattern: text });
}

/**
 * Matches compiled patterns against a read, confusion-aware: a literal matches its own
 * class at the pair's substitution cost; wildcards cost nothing. Reuses one matrix.
 */
export class PatternMatcher {
  private readonly cost = new Float64Array((MAX_PATTERN_LENGTH + 1) * (MAX_PLATE_LENGTH + 1));
  private p: CompiledPattern | undefined;
  private read: Uint8Array = new Uint8Array(0);
  private rLen = 0;

  /** Total substitution cost of the best alignment, or Infinity (no match or over `limit`). */
  match(p: CompiledPattern, read: Uint8Array, rLen: number, limit: number): number {
    this.p = p;
    this.read = read;
    this.rLen = rLen;
    if (p.fixedLength >= 0 || p.prefixLength >= 0) return this.positional(p, read, rLen, limit);
    const W = rLen + 1;
    const c = this.cost;
    c[0] = 0;
    for (let j = 1; j <= rLen; j++) c[j] = Infinity;
    for (let i = 1; i <= p.kinds.length; i++) {
      const row = i * W;
      const kind = p.kinds[i - 1]!;
      if (kind === STAR) {
        c[row] = c[row - W]!;
        for (let j = 1; j <= rLen; j++) c[row + j] = Math.min(c[row - W + j]!, c[row + j - 1]!);
        continue;
      }
      c[row] = Infinity;
      let best = Infinity;
      for (let j = 1; j <= rLen; j++) {
        const v = c[row - W + j - 1]! + tokenCost(kind, p.chars[i - 1]!, read[j - 1]!);
        c[row + j] = v;
        if (v < best) best = v;
      }
      // Costs only grow from row to row: once a whole row is over the limit, so is the end.
      if (best > limit + EPS) return Infinity;
    }
    const total = c[p.kinds.length * W + rLen]!;
    return total > limit + EPS ? Infinity : total;
  }

  /** Without `*`, or with one at the end, token i meets read character i: no alignment to search. */
  private positional(p: CompiledPattern, read: Uint8Array, rLen: number, limit: number): number {
    const n = p.fixedLength >= 0 ? p.fixedLength : p.prefixLength;
    if (p.fixedLength >= 0 ? n !== rLen : n > rLen) return Infinity;
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += tokenCost(p.kinds[i]!, p.chars[i]!, read[i]!);
      if (total > limit + EPS) return Infinity;
    }
    return total;
  }

  /** Read positions where a known character was matched through a confusion, bit i for position i. */
  diffMask(): number {
    const p = this.p!;
    let mask = 0;
    const n = p.fixedLength >= 0 ? p.fixedLength : p.prefixLength;
    if (n >= 0) {
      for (let i = 0; i < n; i++) if (tokenCost(p.kinds[i]!, p.chars[i]!, this.read[i]!) > 0) mask |= 1 << i;
      return mask;
    }
    const c = this.cost;
    const W = this.rLen + 1;
    let i = p.kinds.length;
    let j = this.rLen;
    while (i > 0) {
      const kind = p.kinds[i - 1]!;
      if (kind === STAR) {
        if (c[(i - 1) * W + j] === c[i * W + j]) i--;
        else j--;
        continue;
      }
      if (tokenCost(kind, p.chars[i - 1]!, this.read[j - 1]!) > 0) mask |= 1 << (j - 1);
      i--;
      j--;
    }
    return mask;
  }
}

function tokenCost(kind: number, chars: string, r: number): number {
  if (kind === ANY) return 0;
  if (kind === LIT) {
    const ch = chars.charCodeAt(0);
    return canonicalCode(ch) === canonicalCode(r) ? substitutionCost(ch, r) : Infinity;
  }
  const rc = canonicalCode(r);
  let best = Infinity;
  for (let k = 0; k < chars.length; k++) {
    const ch = chars.charCodeAt(k);
    if (canonicalCode(ch) !== rc) continue;
    const s = substitutionCost(ch, r);
    if (s < best) best = s;
  }
  return best;
}
