/**
 * The evidence store: detections under an evidence hold, copied out of their partitions so
 * they survive its purge (POLICY R7, "unless it is, or will become, evidence"). Each hold is
 * its own LMDB environment encrypted with its own key from the key store, so releasing a
 * hold is a cryptographic erase like a partition purge: destroy the key, then remove the
 * files. A detection under two holds is copied into both; each release is independent.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { ErrNotFound } from '../errors.js';
import type { KeyStore } from './keystore.js';
import { packr, type Detection } from './record.js';

export interface HoldInfo {
  readonly id: string;
  readonly case: string;
  /** Records custodian who placed it. */
  readonly by: string;
  readonly at: number;
  readonly note?: string;
  readonly ids: readonly string[];
}

interface OpenHold {
  info: HoldInfo;
  env: RootDatabase;
  dets: Database<Buffer, string>;
}

const keyName = (id: string): string => `hold:${id}`;

export class EvidenceStore {
  private readonly holds = new Map<string, OpenHold>();

  private constructor(
    private readonly dir: string,
    private readonly keys: KeyStore,
  ) {}

  /** Opens every complete hold; erases what a crash left half placed or half released. */
  static open(dir: string, keys: KeyStore): EvidenceStore {
    mkdirSync(dir, { recursive: true });
    const store = new EvidenceStore(dir, keys);
    for (const name of readdirSync(dir)) {
      const key = keys.get(keyName(name));
      if (key === undefined) {
        rmSync(join(dir, name), { recursive: true, force: true });
        continue;
      }
      const h = store.openEnv(name, key);
      const raw = h.env.get('hold') as Buffer | undefined;
      if (raw === undefined) {
        void h.env.close();
        keys.destroy(keyName(name));
        rmSync(join(dir, name), { recursive: true, force: true });
        continue;
      }
      h.info = packr.unpack(raw) as HoldInfo;
      store.holds.set(name, h);
    }
    for (const name of keys.names()) {
      const id = name.startsWith('hold:') ? name.slice(5) : undefined;
      if (id !== undefined && !store.holds.has(id) && !existsSync(join(dir, id))) keys.destroy(name);
    }
    return store;
  }

  private openEnv(id: string, key: string): OpenHold {
    const env = open({ path: join(this.dir, id), encryptionKey: key, compression: false, maxDbs: 4, encoding: 'binary' });
    const dets = env.openDB<Buffer, string>({ name: 'det', encoding: 'binary' });
    return { info: undefined as unknown as HoldInfo, env, dets };
  }

  /** Copies the detections durably into a new hold; the hold exists once this resolves. */
  async place(hold: Omit<HoldInfo, 'id' | 'ids'>, detections: readonly Detection[]): Promise<HoldInfo> {
    const id = randomBytes(6).toString('hex');
    const key = this.keys.create(keyName(id));
    const h = this.openEnv(id, key);
    h.info = { ...hold, id, ids: detections.map((d) => d.id) };
    await h.env.transaction(() => {
      for (const d of detections) h.dets.putSync(d.id, packr.pack(d));
      // Written last: a hold without its record is an interrupted placement, erased at open.
      h.env.putSync('hold', packr.pack(h.info));
    });
    await h.env.flushed;
    this.holds.set(id, h);
    return h.info;
  }

  list(): HoldInfo[] {
    return [...this.holds.values()].map((h) => h.info);
  }

  info(id: string): HoldInfo {
    const h = this.holds.get(id);
    if (h === undefined) throw new ErrNotFound(`no evidence hold ${JSON.stringify(id)}`, { hold: id });
    return h.info;
  }

  /** The held copy of a detection, from any hold. */
  get(detectionId: string): Detection | undefined {
    for (const h of this.holds.values()) {
      const raw = h.dets.get(detectionId);
      if (raw !== undefined) return packr.unpack(raw) as Detection;
    }
    return undefined;
  }

  /** Releases a hold: close, destroy its key (overwrite + fsync), remove its files. */
  async release(id: string): Promise<HoldInfo> {
    const info = this.info(id);
    const h = this.holds.get(id)!;
    this.holds.delete(id);
    await h.env.close();
    this.keys.destroy(keyName(id));
    rmSync(join(this.dir, id), { recursive: true, force: true });
    return info;
  }

  async close(): Promise<void> {
    for (const h of this.holds.values()) await h.env.close();
    this.holds.clear();
  }
}
