/**
 * OCR confusion classes and the substitution costs built on them.
 *
 * Characters in one class are the ones plate OCR mistakes for each other (DESIGN.md,
 * "Matching decisions"). Classes are disjoint so that every plate has one canonical form:
 * two plates that differ only by confusable characters have the same canonical form. The
 * fuzzy index relies on that; the cost table below ranks the matches it finds.
 */

export const CONFUSION_CLASSES: readonly string[] = ['0ODQ', '1ILT', '2Z', '5S', '6G', '8B', '4A', 'UV'];

/** Cost of a substitution between two characters of one class, when not listed below. */
export const CONFUSABLE_COST = 0.3;
/** Substitution between unrelated characters, and insertion or deletion of a character. */
export const EDIT_COST = 1;
/** Insertion or deletion of a character next to the same character (`LEE8805` read `LE8805`). */
export const DOUBLED_COST = 0.6;
/**
 * The cheapest edit that is not a confusable substitution. The fuzzy index must reach every
 * plate within a list's distance, so it generates deletion neighbourhoods deep enough for
 * `floor(distance / MIN_STRUCTURAL_COST)` such edits.
 */
export const MIN_STRUCTURAL_COST = Math.min(EDIT_COST, DOUBLED_COST);

/** Pairs OCR confuses more often than others in their class cost less. */
const PAIR_COSTS: ReadonlyArray<readonly [string, string, number]> = [
  ['0', 'O', 0.1],
  ['0', 'D', 0.25],
  ['O', 'D', 0.25],
  ['O', 'Q', 0.25],
  ['1', 'I', 0.15],
  ['1', 'L', 0.35],
  ['1', 'T', 0.4],
  ['I', 'L', 0.35],
  ['8', 'B', 0.2],
  ['5', 'S', 0.2],
  ['2', 'Z', 0.25],
  ['6', 'G', 0.3],
  ['4', 'A', 0.35],
  ['U', 'V', 0.35],
];

const CODE_SPACE = 128;
const canonical = new Uint8Array(CODE_SPACE);
const substitution = new Float32Array(CODE_SPACE * CODE_SPACE);

function buildTables(): void {
  for (let c = 0; c < CODE_SPACE; c++) canonical[c] = c;
  substitution.fill(EDIT_COST);
  for (let c = 0; c < CODE_SPACE; c++) substitution[c * CODE_SPACE + c] = 0;
  for (const cls of CONFUSION_CLASSES) {
    const rep = cls.charCodeAt(0);
    for (const a of cls) {
      canonical[a.charCodeAt(0)] = rep;
      for (const b of cls) if (a !== b) setCost(a, b, CONFUSABLE_COST);
    }
  }
  for (const [a, b, cost] of PAIR_COSTS) setCost(a, b, cost);
}

function setCost(a: string, b: string, cost: number): void {
  const x = a.charCodeAt(0);
  const y = b.charCodeAt(0);
  substitution[x * CODE_SPACE + y] = cost;
  substitution[y * CODE_SPACE + x] = cost;
}

buildTables();

/** Cost of reading character code `b` where the plate has `a` (ASCII codes). */
export function substitutionCost(a: number, b: number): number {
  return substitution[(a & 127) * CODE_SPACE + (b & 127)]!;
}

/** True when OCR confuses the two characters (same class, or equal). */
export function confusable(a: string, b: string): boolean {
  return canonicalCode(a.charCodeAt(0)) === canonicalCode(b.charCodeAt(0));
}

export function canonicalCode(code: number): number {
  return canonical[code & 127]!;
}

/** The plate with every character replaced by its class representative. */
export function canonicalPlate(plate: string): string {
  let out = '';
  for (let i = 0; i < plate.length; i++) out += String.fromCharCode(canonical[plate.charCodeAt(i) & 127]!);
  return out;
}

/** The other characters of `ch`'s class, most confusable first (for OCR alternatives). */
export function confusablesOf(ch: string): string[] {
  const cls = CONFUSION_CLASSES.find((c) => c.includes(ch));
  if (!cls) return [];
  const code = ch.charCodeAt(0);
  return [...cls]
    .filter((c) => c !== ch)
    .sort((a, b) => substitutionCost(code, a.charCodeAt(0)) - substitutionCost(code, b.charCodeAt(0)));
}
