import { describe, expect, it } from 'vitest';
import { CAMERA_DEFAULT_CONF, mergeCandidates } from '../../../core/ocr/merge.js';
import type { OcrResult } from '../../../core/ocr/reader.js';

const ocr = (cands: Array<[string, number]>): OcrResult => ({ plate: cands[0]![0], conf: cands[0]![1], cands, chars: [], looks: 1, ms: 1 });

describe('camera and OCR candidates', () => {
  it('matches on the union of both sets', () => {
    const m = mergeCandidates({ plate: '7ABC123', conf: 0.6 }, ocr([['7A8C123', 0.7], ['7ABC128', 0.1]]));
    expect(m.map(([p]) => p).sort()).toEqual(['7A8C123', '7ABC123', '7ABC128']);
    expect(m[0]).toEqual(['7A8C123', 0.7]);
  });

  it('combines the confidence of a plate both sources saw', () => {
    const m = mergeCandidates({ plate: '7abc-123', conf: 0.6, cands: [['7ABC123', 0.6]] }, ocr([['7ABC123', 0.5]]));
    expect(m).toHaveLength(1);
    expect(m[0]![1]).toBeCloseTo(0.8, 6);
  });

  it('drops camera text no plate carries, assumes a confidence when none is sent, and caps the set', () => {
    expect(mergeCandidates({ plate: '!!!' }, undefined)).toEqual([]);
    expect(mergeCandidates({ plate: 'ABC123' }, undefined)).toEqual([['ABC123', CAMERA_DEFAULT_CONF]]);
    const many = Array.from({ length: 20 }, (_, i): [string, number] => [`ABC${100 + i}`, 0.01 * i]);
    expect(mergeCandidates({}, ocr(many), 4)).toHaveLength(4);
  });
});
