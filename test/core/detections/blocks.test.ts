import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, BlockDirectory, blockCount, blockRecord, packBlocks } from '../../../core/detections/blocks.js';

/** Records laid end to end, as a write batch holds them. */
function laid(records: readonly Buffer[]): { bytes: Buffer; ends: Uint32Array } {
  const ends = new Uint32Array(records.length);
  let at = 0;
  records.forEach((r, k) => (ends[k] = at += r.length));
  return { bytes: Buffer.concat(records), ends };
}

describe('record blocks', () => {
  it('packs consecutive records into bounded blocks and gives each one back', () => {
    const records = Array.from({ length: 300 }, (_, i) => Buffer.alloc(10 + (i % 37) * 3, i & 255));
    const blocks: [number, Buffer][] = [];
    const { bytes, ends } = laid(records);
    packBlocks(1000, bytes, ends, records.length, (start, block) => blocks.push([start, block]));
    expect(blocks.length).toBeGreaterThan(1);
    let next = 1000;
    for (const [start, block] of blocks) {
      expect(start).toBe(next);
      expect(block.length).toBeLessThanOrEqual(BLOCK_BYTES);
      for (let k = 0; k < blockCount(block); k++) expect(blockRecord(block, k)).toEqual(records[start - 1000 + k]);
      next += blockCount(block);
    }
    expect(next).toBe(1300);
  });

  it('gives a record larger than a block a block of its own', () => {
    const big = Buffer.alloc(BLOCK_BYTES * 2, 7);
    const blocks: Buffer[] = [];
    const { bytes, ends } = laid([Buffer.from('a'), big, Buffer.from('b')]);
    packBlocks(0, bytes, ends, 3, (_start, block) => blocks.push(block));
    expect(blocks.map(blockCount)).toEqual([1, 1, 1]);
    expect(blockRecord(blocks[1]!, 0)).toEqual(big);
  });

  it('finds the block holding a number', () => {
    const dir = new BlockDirectory();
    for (let s = 0; s < 5000; s += 40) dir.add(s);
    expect(dir.blockOf(0)).toBe(0);
    expect(dir.blockOf(39)).toBe(0);
    expect(dir.blockOf(40)).toBe(40);
    expect(dir.blockOf(4999)).toBe(4960);
    expect(new BlockDirectory().blockOf(3)).toBe(-1);
    expect(() => dir.add(4960)).toThrow(RangeError);
  });
});
