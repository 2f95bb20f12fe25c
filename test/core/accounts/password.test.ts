import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../../core/accounts/password.js';

const PARAMS = { logN: 15, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse battery', PARAMS);
    expect(h).toMatchObject({ alg: 'scrypt', logN: 15, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
  });

  it('salts each hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!', PARAMS), hashPassword('same password!', PARAMS)]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('stores its parameters, so a stronger configuration still verifies old hashes and asks to re-hash', async () => {
    const h = await hashPassword('long enough pass', PARAMS);
    expect(needsRehash(h, PARAMS)).toBe(false);
    expect(needsRehash(h, { ...PARAMS, logN: 16 })).toBe(true);
    expect(await verifyPassword('long enough pass', h)).toBe(true);
  });
});
