import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrPlateInvalid, errorCatalogue, isPlateSafeError } from '../../core/errors.js';

describe('error codes', () => {
  const codes = errorCatalogue().map((e) => e.code);

  it('are unique and well formed', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^PS_ERR_[A-Z0-9_]+$/);
  });

  it('are each documented in docs/errors.md with their HTTP status', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const e of errorCatalogue()) expect(doc).toContain(`| \`${e.code}\` | ${e.status} |`);
    const documented = [...doc.matchAll(/\| `(PS_ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...codes].sort());
  });

  it('carry their code, status and details', () => {
    const e = new ErrPlateInvalid('bad', { plate: '!!' });
    expect(isPlateSafeError(e)).toBe(true);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('PS_ERR_PLATE_INVALID');
    expect(e.status).toBe(400);
    expect(e.toJSON()).toEqual({ code: 'PS_ERR_PLATE_INVALID', message: 'bad', details: { plate: '!!' } });
  });
});
