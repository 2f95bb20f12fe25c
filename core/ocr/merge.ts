/**
 * One candidate set for a read that carries both the camera's own reading and a crop the
 * server read again: the matcher matches the union (a hot-list plate either source saw is
 * found). A plate both sources propose is more likely than either says alone, so their
 * confidences combine as independent evidence: 1 − (1 − a)(1 − b).
 */
import { tryNormalizePlate } from '../plates/normalize.js';
import type { Read } from '../reads/read.js';
import type { OcrResult } from './reader.js';

/** Confidence assumed for a camera plate sent without one. */
export const CAMERA_DEFAULT_CONF = 0.5;
export const MAX_MERGED = 10;

type CameraReading = Pick<Read, 'plate' | 'conf' | 'cands'>;

function add(into: Map<string, number>, plate: string, conf: number): void {
  const p = tryNormalizePlate(plate);
  if (p === null) return;
  into.set(p, Math.max(into.get(p) ?? 0, conf));
}

/** Camera candidates (its plate, conf and cands) merged with OCR's, best first. */
export function mergeCandidates(camera: CameraReading, ocr: OcrResult | undefined, max = MAX_MERGED): Array<[string, number]> {
  const cam = new Map<string, number>();
  if (camera.plate !== undefined) add(cam, camera.plate, camera.conf ?? CAMERA_DEFAULT_CONF);
  for (const [plate, conf] of camera.cands ?? []) add(cam, plate, conf);
  const merged = new Map<string, number>(cam);
  for (const [plate, conf] of ocr?.cands ?? []) {
    const prior = cam.get(plate);
    merged.set(plate, prior === undefined ? Math.max(merged.get(plate) ?? 0, conf) : 1 - (1 - prior) * (1 - conf));
  }
  return [...merged.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max);
}
