/**
 * An open-addressing multimap from 32-bit key hashes to 32-bit entry numbers, in
 * SharedArrayBuffers so worker threads match against the very same memory. A key with many
 * entries occupies one slot per entry; a lookup walks the probe run and keeps the slots
 * whose key equals its hash. Hash collisions only add candidates: every candidate is
 * verified against the plate itself.
 */

/** Share of slots used at most; linear probing stays short below it. */
const MAX_LOAD = 0.6;

export interface PostingTableData {
  readonly keys: SharedArrayBuffer;
  readonly vals: SharedArrayBuffer;
}

export class PostingTable {
  readonly keys: Uint32Array;
  readonly vals: Uint32Array;
  readonly mask: number;

  constructor(data: PostingTableData) {
    this.keys = new Uint32Array(data.keys);
    this.vals = new Uint32Array(data.vals);
    this.mask = this.keys.length - 1;
  }

  /** A table sized for `count` postings. */
  static allocate(count: number): PostingTable {
    let cap = 16;
    while (cap * MAX_LOAD < count) cap *= 2;
    return new PostingTable({
      keys: new SharedArrayBuffer(cap * 4),
      vals: new SharedArrayBuffer(cap * 4),
    });
  }

  data(): PostingTableData {
    return { keys: this.keys.buffer as SharedArrayBuffer, vals: this.vals.buffer as SharedArrayBuffer };
  }

  insert(hash: number, value: number): void {
    const keys = this.keys;
    let s = hash & this.mask;
    while (keys[s] !== 0) s = (s + 1) & this.mask;
    keys[s] = hash;
    this.vals[s] = value;
  }

  /** Bytes held, for the memory report. */
  bytes(): number {
    return this.keys.byteLength + this.vals.byteLength;
  }
}
