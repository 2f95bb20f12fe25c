import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureSet } from '../core/ocr/fixtures.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/server/cli/main.js', import.meta.url));

describe('platesafe ocr', () => {
  it('prints one JSON object a line with file, plate, confidence, candidates, ms', async () => {
    const fx = [...fixtureSet('png'), ...fixtureSet('gray8')];
    const { stdout } = await run(process.execPath, [CLI, 'ocr', ...fx.map((f) => f.file), '--json']);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(fx.length);
    lines.forEach((o, i) => {
      expect(Object.keys(o).sort()).toEqual(['candidates', 'confidence', 'file', 'ms', 'plate']);
      expect(o.file).toBe(fx[i]!.file);
      expect(o.plate).toBe(fx[i]!.plate);
      expect(typeof o.confidence).toBe('number');
      expect((o.candidates as Array<[string, number]>)[0]).toEqual([o.plate, o.confidence]);
    });
  });

  it('reports an unreadable file with its stable code and carries on', async () => {
    const good = fixtureSet('png')[0]!;
    const { stdout } = await run(process.execPath, [CLI, 'ocr', fileURLToPath(import.meta.url), good.file, '--json']);
    const [bad, ok] = stdout.trim().split('\n').map((l) => JSON.parse(l) as { plate: string; error?: { code: string } });
    expect(bad!.error?.code).toBe('PS_ERR_CROP_INVALID');
    expect(ok!.plate).toBe(good.plate);
  });

  it('prints a tab-separated line per file without --json', async () => {
    const good = fixtureSet('png')[0]!;
    const { stdout } = await run(process.execPath, [CLI, 'ocr', good.file]);
    expect(stdout.split('\t').slice(0, 2)).toEqual([good.file, good.plate]);
  });
});
