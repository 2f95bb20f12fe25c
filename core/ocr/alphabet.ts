/**
 * The plate alphabet inside the recogniser's 6,625 classes. The model reads Chinese and
 * Latin text; a plate carries only A–Z and 0–9, so decoding looks at the blank and those 36
 * classes and nothing else (a plate `0` is never read as a CJK look-alike).
 */
import { ErrModelAltered } from '../errors.js';

export const PLATE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Columns of a compact frame: 0 is the CTC blank, 1 + i is `PLATE_ALPHABET[i]`. */
export const COMPACT_CLASSES = PLATE_ALPHABET.length + 1;

/**
 * Model class of each compact column, from the dictionary text (class `i` is line `i`,
 * 1-based; class 0 is the blank).
 */
export function plateClassIndex(dictionary: string): Int32Array {
  const lines = dictionary.split(/\r?\n/);
  const index = new Int32Array(COMPACT_CLASSES);
  for (let i = 0; i < PLATE_ALPHABET.length; i++) {
    const line = lines.indexOf(PLATE_ALPHABET[i]!);
    if (line < 0) throw new ErrModelAltered(`OCR dictionary has no class for ${PLATE_ALPHABET[i]}`);
    index[i + 1] = line + 1;
  }
  return index;
}
