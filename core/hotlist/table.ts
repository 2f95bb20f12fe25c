/**
 * An open-addressing multimap from 32-bit key hashes to 32-bit values, in one
 * SharedArrayBuffer so worker threads match against the very same memory. Key and value sit
 * side by side (slot `s` is words `2s` and `2s + 1`): a probe costs one cache line. A key
 * with many values occupies one slot per value; a lookup walks the probe run and keeps the
 * slots whose key equals its hash. Hash collisions only add candidates: every candidate is
 * verified against the plate itself.
 */

/** Share of slots used at most; linear probing stays short below it. */
const MAX_LOAD = 0.6;

export interface PostingTableData {
  readonly slots: SharedArrayBuffer;
}

export class PostingTable {
  /** [key, value] pairs; key 0 marks an empty slot. */
  readonly slots: Uint32Array;
  readonly capacity: number;

  constructor(data: PostingTableData) {
    this.slots = new Uint32Array(data.slots);
    this.capacity = this.slots.length / 2;
  }

  /** A table sized for `count` postings (any slot count: slots are picked by `home`). */
  static allocate(count: number): PostingTable {
    const cap = Math.max(16, Math.ceil(count / MAX_LOAD));
    return new PostingTable({ slots: new SharedArrayBuffer(cap * 8) });
  }

  data(): PostingTableData {
    return { slots: this.slots.buffer as SharedArrayBuffer };
  }

  insert(hash: number, value: number): void {
    const slots = this.slots;
    let s = home(hash, this.capacity);
    while (slots[2 * s] !== 0) s = s + 1 === this.capacity ? 0 : s + 1;
    slots[2 * s] = hash;
    slots[2 * s + 1] = value;
  }
}

/**
 * The first slot for a hash among `capacity`: the high bits of hash × capacity (Lemire's
 * fast range), so the table need not be a power of two and stays at its load factor.
 * The product is below capacity (< 2^31), so `| 0` floors it and keeps slot arithmetic in
 * small integers, which the compiler keeps in registers.
 */
export function home(hash: number, capacity: number): number {
  return ((hash / 4294967296) * capacity) | 0;
}
