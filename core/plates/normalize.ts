/**
 * Plate text normalisation: what a camera, a CSV file or an investigator types becomes the
 * one form the matcher and the store compare (upper case A–Z and 0–9, no separators).
 */
import { ErrPlateInvalid } from '../errors.js';

/** Longest plate we accept; real plates stop at 8, vanity and trailer plates at 10. */
export const MAX_PLATE_LENGTH = 10;

/** Letters from other scripts that print like Latin capitals on a plate or in a feed file. */
const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y',
  І: 'I', Ј: 'J', Ѕ: 'S',
  // Greek
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P',
  Τ: 'T', Υ: 'Y', Χ: 'X',
};

/** Characters a plate may show that carry no identity: spaces, dashes, dots, symbols. */
const SEPARATORS = /[\s\-_.·•,:;'"/\\|♥★☆✦❤]/gu;

/** Fold case, width and look-alike letters; drop separators. Returns '' when nothing is left. */
export function foldPlate(text: string): string {
  let s = text.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  if (/[^A-Z0-9]/.test(s)) s = [...s].map((c) => LOOKALIKES[c] ?? c).join('');
  return s;
}

/** True when `s` is already in normal form (the hot path skips folding). */
export function isNormalPlate(s: string): boolean {
  return s.length > 0 && s.length <= MAX_PLATE_LENGTH && /^[A-Z0-9]+$/.test(s);
}

/** Normalise or throw `PS_ERR_PLATE_INVALID` naming the offending input. */
export function normalizePlate(text: string): string {
  if (isNormalPlate(text)) return text;
  const s = foldPlate(text);
  if (!isNormalPlate(s)) {
    throw new ErrPlateInvalid(`plate ${JSON.stringify(text)} is not 1–${MAX_PLATE_LENGTH} letters and digits`, {
      plate: text,
    });
  }
  return s;
}

/** Normalise without throwing: `null` when the text cannot be a plate. */
export function tryNormalizePlate(text: string): string | null {
  if (isNormalPlate(text)) return text;
  const s = foldPlate(text);
  return isNormalPlate(s) ? s : null;
}
