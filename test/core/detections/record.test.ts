import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, MAX_RECORD, readFields, recordTexts, type DetectionInput } from '../../../core/detections/record.js';
import { WriteBatch } from '../../../core/detections/write-batch.js';
import { det, NOW } from './support.js';

const START = NOW - 3_600_000;

function roundTrip(input: DetectionInput, plate: string | undefined, received: number): ReturnType<typeof decodeRecord> {
  const buf = Buffer.alloc(MAX_RECORD);
  const end = encodeRecord(input, plate, START, 7, received, buf, 0);
  return decodeRecord('x-1', buf.subarray(0, end), START, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'cam-7']);
}

describe('detection records', () => {
  it('keep a text read in about 30 bytes and give every field back', () => {
    const input = det('cam-7', 123_456, '7ABC123', NOW - 5, { st: 'CA', conf: 0.913, lat: 37.453821, lon: -122.182004 });
    const buf = Buffer.alloc(MAX_RECORD);
    const end = encodeRecord(input, '7ABC123', START, 7, NOW, buf, 0);
    expect(end).toBeLessThanOrEqual(32);
    const d = decodeRecord('x-1', buf.subarray(0, end), START, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'cam-7']);
    expect(d).toMatchObject({ cam: 'cam-7', seq: 123_456, ts: NOW - 5, received: NOW, plate: '7ABC123', st: 'CA', conf: 0.913, lat: 37.453821, lon: -122.182004, hasImages: false });
    expect(d.cands).toBeUndefined();
  });

  it('keep extreme values: the largest seq, a read arriving before its stamp, a plate that is not normal', () => {
    const d = roundTrip(det('c', Number.MAX_SAFE_INTEGER, 'ÄÖ–ü plate', NOW), undefined, NOW - 3_599_999);
    expect(d.seq).toBe(Number.MAX_SAFE_INTEGER);
    expect(d.received).toBe(NOW - 3_599_999);
    expect(d.plate).toBe('ÄÖ–ü plate');
    expect(roundTrip(det('c', 0, '7ABC123', START), '7ABC123', START + 40 * 86_400_000).received).toBe(START + 40 * 86_400_000);
    const none = roundTrip({ cam: 'c', read: { seq: 1, ts: NOW } }, undefined, NOW);
    expect([none.plate, none.st, none.conf, none.lat]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('read back from a view inside a larger buffer: UTF-8 text, southern and western places', () => {
    const buf = Buffer.alloc(MAX_RECORD + 100, 0xff);
    const input = det('c', 3, 'ÄB–1', NOW, { st: 'Baden-Württemberg', conf: 0.5, lat: -33.868820, lon: -151.209296 });
    const end = encodeRecord(input, undefined, START, 300, NOW, buf, 100);
    const f = readFields(buf.subarray(100, end));
    expect(f).toMatchObject({ camNo: 300, seq: 3, plate: 'ÄB–1', st: 'Baden-Württemberg', conf: 500, lat: -33_868_820, lon: -151_209_296 });
  });

  it('keep the rarer fields and list every plate text for the index', () => {
    const input: DetectionInput = {
      cam: 'c',
      read: { ...det('c', 1, '7ABC123', NOW).read, cands: [['7A8C123', 0.2]], hdg: 90, lane: 2, veh: { make: 'Ford', color: 'red' }, chars: [0.5] },
      ocr: { plate: '7ABC128', conf: 0.8, cands: [['7ABC12B', 0.1]] },
    };
    const buf = Buffer.alloc(MAX_RECORD);
    const end = encodeRecord(input, '7ABC123', START, 0, NOW, buf, 0);
    const f = readFields(buf.subarray(0, end));
    expect(recordTexts(f)).toEqual(['7ABC128', '7A8C123', '7ABC12B']);
    const d = decodeRecord('x', buf.subarray(0, end), START, ['c']);
    expect(d).toMatchObject({ hdg: 90, lane: 2, veh: { make: 'Ford', color: 'red' }, chars: [0.5], cands: [['7A8C123', 0.2]], ocr: { plate: '7ABC128', conf: 0.8 } });
  });

  it('grow a batch buffer past its first size without losing what was written', () => {
    const cands: [string, number][] = Array.from({ length: 20 }, (_, i) => [`ZZ${String(i).padStart(30, '9')}`, 0.01]);
    const batch = new WriteBatch(100, 40);
    for (let k = 0; k < 40; k++) batch.add(det('c', k, `P${k}`, NOW, { cands }), k, START, 0, `P${k}`, [], NOW, null);
    expect(batch.bytes.length).toBeGreaterThan(40 * 40 + MAX_RECORD);
    for (let k = 0; k < 40; k++) {
      const d = decodeRecord('x', batch.bytes.subarray(k === 0 ? 0 : batch.ends[k - 1], batch.ends[k]), START, ['c']);
      expect([d.plate, d.seq, d.cands?.length]).toEqual([`P${k}`, k, 20]);
    }
  });
});
