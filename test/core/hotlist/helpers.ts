import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListIndexBuilder, type IndexSnapshot } from '../../../core/hotlist/list-index.js';
import { ListSettingsSchema, type ListSettingsInput } from '../../../core/hotlist/list.js';
import { Matcher } from '../../../core/hotlist/matcher.js';
import { jurisdictionId } from '../../../core/plates/jurisdictions.js';

export interface TestEntry {
  plate: string;
  state?: string;
  priority?: number;
  expires?: number;
  covert?: boolean;
  informational?: boolean;
}

export interface TestList {
  settings: ListSettingsInput;
  entries: TestEntry[];
}

/** A snapshot compiled straight from entries, without the store. */
export function snapshotOf(lists: TestList[], generation = 1): IndexSnapshot {
  return {
    generation,
    lists: lists.map(({ settings, entries }) => {
      const b = new ListIndexBuilder();
      for (const e of entries) {
        b.add(e.plate, jurisdictionId(e.state), e.priority ?? 50, e.expires, e.covert ?? false, e.informational ?? false);
      }
      return b.build(ListSettingsSchema.parse(settings), 1);
    }),
  };
}

export function matcherOf(lists: TestList[]): Matcher {
  return new Matcher(snapshotOf(lists));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ps-${prefix}-`));
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
