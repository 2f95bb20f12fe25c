/**
 * Plate format templates per jurisdiction, in the spirit of OpenALPR's postprocess patterns:
 * `#` a digit, `@` a letter, `?` either, any other character itself. They rank OCR
 * candidates (a reading that fits its state's format beats one that does not) and they
 * drive the synthetic plate generators.
 */
import { findJurisdiction } from './jurisdictions.js';

/** Current and common legacy passenger/commercial formats, most frequent first. */
export const FORMATS: Readonly<Record<string, readonly string[]>> = {
  CA: ['#@@@###', '#@#####', '@@@###', '###@@@', '#@@@@##'],
  NY: ['@@@####', '@@@###', '###@@@', '@@####'],
  TX: ['@@@####', '@@#@###', '###@@@', '@@@###'],
  FL: ['@@@@##', '###@@@', '@###@@', '@@@###', '####@@'],
  WA: ['@@@####', '###@@@'],
  AZ: ['@@@####', '###@@@'],
  NV: ['#@@###', '##@###', '###@##'],
  OR: ['###@@@', '@@@###'],
  IL: ['@@#####', '@@@####'],
  ON: ['@@@@###', '###@@@'],
};

/** Any plate a jurisdiction without a template could issue. */
export const GENERIC_FORMATS: readonly string[] = ['??????', '???????', '?????', '????????', '????'];

export function fitsTemplate(plate: string, template: string): boolean {
  if (plate.length !== template.length) return false;
  for (let i = 0; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    const t = template[i];
    const digit = c >= 48 && c <= 57;
    if (t === '#' ? !digit : t === '@' ? digit : t === '?' ? false : t !== plate[i]) return false;
  }
  return true;
}

export function templatesFor(state: string | undefined): readonly string[] {
  const code = state ? findJurisdiction(state)?.code : undefined;
  return (code && FORMATS[code]) || GENERIC_FORMATS;
}

/**
 * How well a reading fits plate formats, 0–1: its own state's template 1; some known
 * jurisdiction's template 0.8 (the state may be misread); a generic plate shape 0.5; else 0.2.
 */
export function formatScore(plate: string, state?: string): number {
  if (state && FORMATS[state]?.some((t) => fitsTemplate(plate, t))) return 1;
  for (const templates of Object.values(FORMATS)) if (templates.some((t) => fitsTemplate(plate, t))) return 0.8;
  if (plate.length >= 4 && plate.length <= 8) return 0.5;
  return 0.2;
}
