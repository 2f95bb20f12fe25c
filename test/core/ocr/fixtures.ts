/** The committed plate crops and their labels, for the OCR suites. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Crop } from '../../../core/reads/read.js';
import { cropFromFile } from '../../../server/cli/ocr.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/crops/', import.meta.url));

export interface Fixture {
  readonly file: string;
  readonly plate: string;
  readonly crop: Crop;
}

export function fixtureSet(name: string): Fixture[] {
  const dir = join(FIXTURES, name);
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, { plate: string }>;
  return readdirSync(dir)
    .filter((f) => f !== 'labels.json')
    .sort()
    .map((f) => ({ file: join(dir, f), plate: labels[f]!.plate, crop: cropFromFile(join(dir, f)) }));
}
