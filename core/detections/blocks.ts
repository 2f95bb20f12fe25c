/**
 * Record blocks: a partition stores its records packed in blocks, each one LMDB value sealed
 * as a whole (`sealer.ts`). One value for several records means one B-tree entry, one seal
 * and one authentication tag for all of them, where a value per record cost an LMDB put and
 * some 20 bytes of node and tag overhead each.
 *
 * A block is keyed by the number of its first record and holds consecutive numbers:
 *   count(1) end offset of each record (2 each, from the block start) records…
 * It closes at BLOCK_BYTES so that it stays inside a leaf page (no overflow pages) and a
 * random read opens about 2 KB.
 */
import { ErrStorage } from '../errors.js';

/** Plaintext bytes at which a block is closed (sealed, it still fits half a 4 KB page). */
export const BLOCK_BYTES = 1900;
const MAX_RECORDS = 255;
/** Offsets are 16-bit; a read's text fields are bounded far below this (core/reads/read.ts). */
const MAX_RECORD_BYTES = 60_000;

/**
 * Packs `n` consecutive records, laid end to end in `bytes` (record k ends at `ends[k]`) and
 * numbered from `first`, into blocks; calls `emit` for each.
 */
export function packBlocks(first: number, bytes: Buffer, ends: Uint32Array, n: number, emit: (start: number, block: Buffer) => void): void {
  let i = 0;
  while (i < n) {
    const from = i === 0 ? 0 : ends[i - 1]!;
    let count = 0;
    let size = 1;
    while (i + count < n && count < MAX_RECORDS) {
      const len = ends[i + count]! - (i + count === 0 ? 0 : ends[i + count - 1]!);
      if (len > MAX_RECORD_BYTES) throw new ErrStorage(`a detection record of ${len} bytes is over the block limit`);
      if (count > 0 && size + len + 2 > BLOCK_BYTES) break;
      size += len + 2;
      count++;
    }
    const head = 1 + 2 * count;
    const block = Buffer.allocUnsafe(size);
    block[0] = count;
    bytes.copy(block, head, from, ends[i + count - 1]!);
    for (let k = 0; k < count; k++) block.writeUInt16LE(head + ends[i + k]! - from, 1 + 2 * k);
    emit(first + i, block);
    i += count;
  }
}

/** Records in a block. */
export function blockCount(block: Uint8Array): number {
  return block[0]!;
}

/** The k-th record of a block (a view into it). */
export function blockRecord(block: Buffer, k: number): Buffer {
  const start = k === 0 ? 1 + 2 * block[0]! : block.readUInt16LE(1 + 2 * (k - 1));
  return block.subarray(start, block.readUInt16LE(1 + 2 * k));
}

/** First record numbers of a partition's blocks, ascending (blocks are only appended). */
export class BlockDirectory {
  private starts = new Uint32Array(256);
  private n = 0;

  add(start: number): void {
    if (this.n > 0 && start <= this.starts[this.n - 1]!) throw new RangeError(`block ${start} out of order`);
    if (this.n === this.starts.length) {
      const next = new Uint32Array(this.n * 2);
      next.set(this.starts);
      this.starts = next;
    }
    this.starts[this.n++] = start;
  }

  /** Start of the block that holds record `num` (the last start ≤ num), or -1. */
  blockOf(num: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= num) {
        found = this.starts[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
