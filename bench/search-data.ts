/**
 * Synthetic detections for the search benchmark: hundreds of cameras, plates drawn from the
 * jurisdictions' real format templates (`core/plates/formats.ts`), vehicles that come back
 * (a skewed popularity, so commuters pass the same poles daily), spread over 30 days in
 * capture-time order. Seeded, so the PostgreSQL baseline gets the very same rows.
 */
import { FORMATS } from '../core/plates/formats.js';
import { rng } from '../core/plates/synthetic.js';
import type { DetectionInput } from '../core/detections/record.js';

export const DAY_MS = 86_400_000;
export const DAYS = 30;

const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const STATES: readonly [string, number][] = [['CA', 0.8], ['NV', 0.05], ['OR', 0.04], ['AZ', 0.04], ['TX', 0.03], ['WA', 0.02], ['FL', 0.02]];

export function plateFrom(template: string, r: () => number): string {
  let out = '';
  for (const t of template) {
    if (t === '#') out += DIGITS[Math.floor(r() * 10)];
    else if (t === '@') out += LETTERS[Math.floor(r() * 26)];
    else out += t;
  }
  return out;
}

function pickState(r: () => number): string {
  let u = r();
  for (const [st, w] of STATES) if ((u -= w) < 0) return st;
  return 'CA';
}

export interface Fleet {
  readonly plates: string[];
  readonly states: string[];
  readonly camLat: Float64Array;
  readonly camLon: Float64Array;
}

export function makeFleet(detections: number, cameras: number, seed: number): Fleet {
  const r = rng(seed);
  const vehicles = Math.max(1000, Math.floor(detections / 8));
  const plates: string[] = new Array(vehicles);
  const states: string[] = new Array(vehicles);
  for (let v = 0; v < vehicles; v++) {
    const st = pickState(r);
    const templates = FORMATS[st]!;
    // The current format dominates; older ones still drive.
    const template = r() < 0.7 ? templates[0]! : templates[Math.floor(r() * templates.length)]!;
    plates[v] = plateFrom(template, r);
    states[v] = st;
  }
  const camLat = new Float64Array(cameras);
  const camLon = new Float64Array(cameras);
  for (let c = 0; c < cameras; c++) {
    camLat[c] = 37.35 + r() * 0.2;
    camLon[c] = -122.3 + r() * 0.2;
  }
  return { plates, states, camLat, camLon };
}

/** Yields batches of text-only reads, oldest first, spread over `DAYS` days ending at `end`. */
export function* detectionBatches(fleet: Fleet, total: number, end: number, batch: number, seed: number): Generator<DetectionInput[]> {
  const r = rng(seed);
  const start = end - DAYS * DAY_MS;
  const step = (DAYS * DAY_MS) / total;
  const cams = fleet.camLat.length;
  const seqs = new Float64Array(cams);
  for (let i = 0; i < total; ) {
    const n = Math.min(batch, total - i);
    const out: DetectionInput[] = new Array(n);
    for (let k = 0; k < n; k++, i++) {
      const u = r();
      const v = Math.floor(fleet.plates.length * u * u);
      const c = Math.floor(r() * cams);
      out[k] = {
        cam: `cam-${c}`,
        read: {
          seq: seqs[c]++,
          ts: Math.floor(start + i * step),
          plate: fleet.plates[v]!,
          st: fleet.states[v]!,
          conf: 0.7 + Math.round(r() * 300) / 1000,
          lat: fleet.camLat[c]!,
          lon: fleet.camLon[c]!,
        },
      };
    }
    yield out;
  }
}

/** Query shapes of the issue, the literal pattern first, then random ones of the same shape. */
export function queryPatterns(perShape: number, seed: number): string[] {
  const r = rng(seed);
  const d = (): string => DIGITS[Math.floor(r() * 10)]!;
  const l = (): string => LETTERS[Math.floor(r() * 26)]!;
  const shapes: [string, () => string][] = [
    ['7AB*12', () => `${d()}${l()}${l()}*${d()}${d()}`],
    ['?BC12?', () => `?${l()}${l()}${d()}${d()}?`],
    ['*123', () => `*${d()}${d()}${d()}`],
    ['8X?D3[0O]?', () => `${d()}${l()}?${l()}${d()}[0O]?`],
  ];
  const out: string[] = [];
  for (const [literal, random] of shapes) {
    out.push(literal);
    for (let i = 1; i < perShape; i++) out.push(random());
  }
  return out;
}
