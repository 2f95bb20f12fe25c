import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListIndexBuilder, type IndexedEntry, type IndexSnapshot } from '../../../core/hotlist/list-index.js';
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
      for (const e of entries) b.add(indexed(e));
      return b.build(ListSettingsSchema.parse(settings), 1);
    }),
  };
}

export function matcherOf(lists: TestList[]): Matcher {
  return new Matcher(snapshotOf(lists));
}

function indexed(e: TestEntry): IndexedEntry {
  return {
    plate: e.plate,
    stateId: jurisdictionId(e.state),
    priority: e.priority ?? 50,
    expires: e.expires,
    covert: e.covert ?? false,
    informational: e.informational ?? false,
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ps-${prefix}-`));
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
