/** The console pages' DOM-free parts: the hit board, plate diffs, the plot layout, the inquiry rule, PGM. */
import { describe, expect, it } from 'vitest';
import { CLOSABLE, diffSegments, HitBoard, needsAttention, type HitFrame } from '../../../server/console/web/hits.js';
import { layoutPoints } from '../../../server/console/web/plot.js';
import { inquiryComplete } from '../../../server/console/web/inquiry.js';
import { parsePgm } from '../../../server/console/web/images.js';

function hit(id: string, seq: number, extra: Partial<HitFrame> = {}): HitFrame {
  return {
    t: 'hit',
    hit: id,
    seq,
    ts: 1_800_000_000_000 + seq,
    read: { plate: '7A8C123', st: 'CA', cam: 'cam-1' },
    entry: { list: 'stolen', plate: '7ABC123', reason: 'stolen_vehicle', pri: 90, info: false },
    match: { kind: 'fuzzy', score: 0.9, diff: [2] },
    verified: false,
    ...extra,
  };
}

describe('hit board', () => {
  it('lists newest first and remembers the highest seq for `since`', () => {
    const b = new HitBoard();
    expect(b.addHit(hit('a', 3))).toBe('new');
    expect(b.addHit(hit('b', 7))).toBe('new');
    expect(b.addHit(hit('c', 5))).toBe('new');
    expect(b.list().map((v) => v.frame.hit)).toEqual(['b', 'c', 'a']);
    expect(b.lastSeq).toBe(7);
  });

  it('marks replayed hits as missed and ignores a hit it already holds', () => {
    const b = new HitBoard(500, 10);
    expect(b.addHit(hit('a', 11, { replay: true }))).toBe('new');
    expect(b.get('a')?.missed).toBe(true);
    expect(b.addHit(hit('a', 11, { replay: true }))).toBe('known');
    expect(b.size).toBe(1);
  });

  it('raises an escalation on an open hit, not on a closed one, and clears it once someone acts', () => {
    const b = new HitBoard();
    b.addHit(hit('a', 1));
    expect(b.addHit(hit('a', 1, { escalated: true }))).toBe('escalated');
    expect(b.get('a')?.escalated).toBe(true);
    b.update({ t: 'hit-update', hit: 'a', state: 'acked', by: 'dan', ts: 5 });
    expect(b.get('a')).toMatchObject({ state: 'acked', by: 'dan', at: 5, escalated: false });
    b.update({ t: 'hit-update', hit: 'a', state: 'disposed', by: 'dan', ts: 6, disp: 'misread' });
    expect(b.addHit(hit('a', 1, { escalated: true }))).toBe('known');
    expect(b.get('a')?.disp).toBe('misread');
  });

  it('is verified only when both confirmations are given (POLICY R5)', () => {
    const b = new HitBoard();
    b.addHit(hit('a', 1));
    b.addHit(hit('b', 2));
    b.update({ t: 'hit-update', hit: 'a', state: 'verified', ts: 2, listConfirmed: true, visualMatch: true });
    b.update({ t: 'hit-update', hit: 'b', state: 'rejected', ts: 2, listConfirmed: true, visualMatch: false });
    expect(b.get('a')?.verified).toBe(true);
    expect(b.get('b')?.verified).toBe(false);
    expect(b.update({ t: 'hit-update', hit: 'zz', state: 'acked', ts: 1 })).toBeUndefined();
  });

  it('stays bounded, dropping closed hits before open ones', () => {
    const b = new HitBoard(3);
    b.addHit(hit('old-open', 1));
    b.addHit(hit('closed', 2));
    b.update({ t: 'hit-update', hit: 'closed', state: 'disposed', ts: 3 });
    b.addHit(hit('c', 3));
    b.addHit(hit('d', 4));
    expect(b.list().map((v) => v.frame.hit)).toEqual(['d', 'c', 'old-open']);
    b.addHit(hit('e', 5));
    expect(b.list().map((v) => v.frame.hit)).toEqual(['e', 'd', 'c']);
  });

  it('offers enforcement outcomes only after verification, and flags what waits for a person', () => {
    expect(CLOSABLE.verified).toContain('arrest');
    expect(CLOSABLE.acked).not.toContain('arrest');
    expect(CLOSABLE.rejected).toEqual(['misread', 'no_longer_wanted', 'other']);
    const b = new HitBoard();
    b.addHit(hit('a', 1));
    expect(needsAttention(b.get('a')!)).toBe(true);
    b.update({ t: 'hit-update', hit: 'a', state: 'verified', ts: 2 });
    expect(needsAttention(b.get('a')!)).toBe(false);
  });
});

describe('plate diff', () => {
  it('splits a plate into runs of matching and differing characters', () => {
    expect(diffSegments('7A8C123', [2])).toEqual([
      { text: '7A', differs: false },
      { text: '8', differs: true },
      { text: 'C123', differs: false },
    ]);
    expect(diffSegments('ABC', [0, 1, 2])).toEqual([{ text: 'ABC', differs: true }]);
    expect(diffSegments('ABC')).toEqual([{ text: 'ABC', differs: false }]);
    expect(diffSegments('', [0])).toEqual([]);
  });
});

describe('plot layout', () => {
  it('groups reads by place and keeps north up and east right inside the frame', () => {
    const lay = layoutPoints(
      [
        { lat: 37.45, lon: -122.2, label: 'a' },
        { lat: 37.45, lon: -122.2, label: 'b' },
        { lat: 37.46, lon: -122.18, label: 'c' },
      ],
      400,
      300,
    );
    expect(lay.groups).toHaveLength(2);
    const [sw, ne] = lay.groups;
    expect(sw!.count).toBe(2);
    expect(ne!.x).toBeGreaterThan(sw!.x);
    expect(ne!.y).toBeLessThan(sw!.y);
    for (const g of lay.groups) {
      expect(g.x).toBeGreaterThanOrEqual(0);
      expect(g.x).toBeLessThanOrEqual(400);
      expect(g.y).toBeGreaterThanOrEqual(0);
      expect(g.y).toBeLessThanOrEqual(300);
    }
  });

  it('scales longitude by cos(latitude) so a square on the ground stays square', () => {
    const lat = 60; // near 60° a degree of longitude is about half a degree of latitude on the ground.
    const lay = layoutPoints(
      [
        { lat, lon: 10, label: 'w' },
        { lat, lon: 12, label: 'e' },
        { lat: lat + 1, lon: 10, label: 'n' },
      ],
      400,
      400,
    );
    const [w, e, n] = lay.groups;
    const midLat = ((lat + 0.5) * Math.PI) / 180;
    expect((e!.x - w!.x) / (w!.y - n!.y)).toBeCloseTo(2 * Math.cos(midLat), 6);
  });

  it('places a single place in the middle and skips reads without a position', () => {
    const lay = layoutPoints([{ lat: 1, lon: 2, label: 'x' }, { lat: Number.NaN, lon: 2, label: 'y' }], 400, 300);
    expect(lay.groups).toEqual([{ x: 200, y: 150, count: 1, labels: ['x'] }]);
    expect(layoutPoints([], 400, 300).groups).toEqual([]);
  });
});

describe('inquiry rule before a search (POLICY R2)', () => {
  it('needs both under `both`, one under `either`', () => {
    expect(inquiryComplete('both', { case: '26-1', purpose: 'stolen_vehicle' })).toBe(true);
    expect(inquiryComplete('both', { case: '26-1', purpose: '' })).toBe(false);
    expect(inquiryComplete('both', { case: '  ', purpose: 'stolen_vehicle' })).toBe(false);
    expect(inquiryComplete('either', { case: '', purpose: 'stolen_vehicle' })).toBe(true);
    expect(inquiryComplete('either', { case: '', purpose: '' })).toBe(false);
  });
});

describe('PGM crops', () => {
  const pgm = (header: string, pixels: number[]): Uint8Array => new Uint8Array([...Buffer.from(header), ...pixels]);

  it('reads a binary PGM, comments included', () => {
    expect(parsePgm(pgm('P5\n# crop\n3 2\n255\n', [1, 2, 3, 4, 5, 6]))).toEqual({ w: 3, h: 2, pixels: new Uint8Array([1, 2, 3, 4, 5, 6]) });
  });

  it('refuses what is not a whole 8-bit binary PGM', () => {
    expect(parsePgm(pgm('P2\n3 2\n255\n', [1, 2, 3, 4, 5, 6]))).toBeUndefined();
    expect(parsePgm(pgm('P5\n3 2\n65535\n', [1, 2, 3, 4, 5, 6]))).toBeUndefined();
    expect(parsePgm(pgm('P5\n3 2\n255\n', [1, 2, 3]))).toBeUndefined();
    expect(parsePgm(new Uint8Array())).toBeUndefined();
  });
});
