/**
 * The compiled index of each list generation, kept in LMDB beside its entries, so a restart
 * copies the shared buffers back instead of decoding and recompiling a million entries.
 * The entries stay the truth: a generation without a complete stored index, or one built
 * to another depth, is compiled again from its entries.
 */
import type { Database, RootDatabase } from 'lmdb';
import type { ListSettings } from './list.js';
import type { ListIndexData } from './list-index.js';

type Key = [string, number, string];

/** The shared buffers of a ListIndexData, by name. */
const BUFFERS = [
  'plates',
  'lens',
  'states',
  'priorities',
  'expires',
  'flags',
  'partialEntry',
  'patternOffsets',
  'patternBytes',
  'shapes',
  'grams',
] as const;

/** Layout of the stored buffers; an index stored in another layout is compiled again. */
const FORMAT = 3;

interface Meta {
  readonly format: number;
  readonly count: number;
  readonly partials: number;
  readonly depth: number;
  readonly shapeCount: number;
}

export class CompiledStore {
  private readonly db: Database<Buffer, Key>;

  constructor(env: RootDatabase) {
    this.db = env.openDB({ name: 'compiled', encoding: 'binary' });
  }

  /** Stores a generation's compiled index in one transaction (meta last: its presence says complete). */
  async save(list: string, data: ListIndexData): Promise<void> {
    const meta: Meta = {
      format: FORMAT,
      count: data.count,
      partials: data.partials,
      depth: data.depth,
      shapeCount: data.shapeCount,
    };
    await this.db.transaction(() => {
      for (const name of BUFFERS) this.db.putSync([list, data.gen, name], unshared(data[name]));
      this.db.putSync([list, data.gen, 'fuzzy'], unshared(data.fuzzy.slots));
      this.db.putSync([list, data.gen, 'partial'], unshared(data.partial.slots));
      this.db.putSync([list, data.gen, 'meta'], Buffer.from(JSON.stringify(meta)));
    });
  }

  /** The stored index of a generation, if complete and built to `depth`. */
  load(list: string, gen: number, settings: ListSettings, depth: number): ListIndexData | undefined {
    const metaBytes = this.db.getBinary([list, gen, 'meta']);
    if (!metaBytes) return undefined;
    const meta = JSON.parse(metaBytes.toString('utf8')) as Meta;
    if (meta.format !== FORMAT || meta.depth !== depth) return undefined;
    const buffers: Partial<Record<(typeof BUFFERS)[number] | 'fuzzy' | 'partial', SharedArrayBuffer>> = {};
    for (const name of [...BUFFERS, 'fuzzy', 'partial'] as const) {
      const bytes = this.db.getBinary([list, gen, name]);
      if (!bytes) return undefined;
      const sab = new SharedArrayBuffer(bytes.byteLength);
      new Uint8Array(sab).set(bytes);
      buffers[name] = sab;
    }
    const b = buffers as Record<(typeof BUFFERS)[number] | 'fuzzy' | 'partial', SharedArrayBuffer>;
    const { count, partials, shapeCount } = meta;
    return { count, partials, depth, shapeCount, settings, gen, ...b, fuzzy: { slots: b.fuzzy }, partial: { slots: b.partial } };
  }

  async remove(list: string, gen: number): Promise<void> {
    const keys = [...this.db.getKeys({ start: [list, gen, ''], end: [list, gen + 1, ''] })];
    await this.db.transaction(() => {
      for (const k of keys) this.db.removeSync(k);
    });
  }
}

/** lmdb's native writer does not take views of shared memory: copy into an ordinary buffer. */
function unshared(sab: SharedArrayBuffer): Buffer {
  const out = Buffer.allocUnsafeSlow(sab.byteLength);
  out.set(new Uint8Array(sab));
  return out;
}
