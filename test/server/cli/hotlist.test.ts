import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeFile } from '../../core/hotlist/helpers.js';

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/server/cli/main.js');
const data = tempDir('cli');
const run = (...args: string[]) => execFileSync('node', [CLI, '--data', data, ...args], { encoding: 'utf8' });

afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('platesafe hotlist and match', () => {
  it('imports, lists and matches from the data folder', () => {
    const out = run('hotlist', 'import', join(ROOT, 'fixtures/hotlists/demo.csv'), '--list', 'demo', '--distance', '1.2');
    expect(out).toMatch(/^demo: generation 1, \d+ entries imported .* 0 rejected/);
    const ls = run('hotlist', 'ls', '--json').trim().split('\n').map((l) => JSON.parse(l));
    expect(ls).toHaveLength(1);
    expect(ls[0].settings).toMatchObject({ name: 'demo', maxDistance: 1.2, status: 'live' });
    const single = JSON.parse(run('match', '6RDF6B2', '--state', 'CA', '--json'));
    expect(single.matches[0]).toMatchObject({ entryPlate: '6RDF682', kind: 'fuzzy', state: 'same', diff: [5] });
    expect(run('match', 'ZZZZ9999')).toBe('ZZZZ9999: no match\n');
  });

  it('matches a batch file, one JSON line a plate, errors included', () => {
    const file = writeFile(data, 'reads.txt', '6RDF682 CA\n\nbad$plate\n6XM5671\n');
    const lines = run('match', '--batch', file).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.line)).toEqual([1, 3, 4]);
    expect(lines[0].matches[0]).toMatchObject({ kind: 'exact', state: 'same' });
    expect(lines[1].error.code).toBe('PS_ERR_PLATE_INVALID');
    expect(lines[2].matches[0]).toMatchObject({ kind: 'partial', entryPlate: '6XM?671' });
  });

  it('reports bad rows with line numbers and exits non-zero on a bad file', () => {
    const csv = writeFile(data, 'bad.csv', 'LIC,ST\nABC123,CA\nAB$,CA\n');
    const out = run('hotlist', 'import', csv, '--list', 'x', '--mapping', '{"plate":"LIC","state":"ST"}');
    expect(out).toMatch(/1 entries imported/);
    expect(out).toMatch(/line 3: plate/);
    const missing = spawnSync('node', [CLI, '--data', data, 'hotlist', 'import', join(data, 'none.csv'), '--list', 'x'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/PS_ERR_NOT_FOUND/);
    const noPlate = spawnSync('node', [CLI, '--data', data, 'match'], { encoding: 'utf8' });
    expect(noPlate.stderr).toMatch(/PS_ERR_BAD_INPUT/);
  });
});
