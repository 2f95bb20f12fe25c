/**
 * The compiled `platesafe` command reading passwords piped on standard input, one per line,
 * as a provisioning script would (`npm test` builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/rooms.js';

const bin = fileURLToPath(new URL('../../../dist/server/cli/main.js', import.meta.url));

function run(args: string[], input: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.PLATESAFE_PASSWORD;
    delete env.PLATESAFE_NEW_PASSWORD;
    const p = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
    p.stdin.end(input);
  });
}

describe('platesafe with passwords on standard input', () => {
  it('bootstraps, signs in and adds a user from piped lines; refuses when a line is missing', async () => {
    expect(existsSync(bin), 'build first: npm run build').toBe(true);
    const data = ['--data', tempDir('cli-stdin')];
    const boot = await run([...data, 'user', 'add', 'root', '--name', 'Root Admin', '--role', 'administrator'], 'first passphrase\n');
    expect(boot).toMatchObject({ code: 0 });
    expect(boot.out).toMatch(/^root\tadministrator/);
    const add = await run([...data, 'user', 'add', 'ivy', '--name', 'Ivy Inv', '--role', 'investigator', '--as', 'root'], 'first passphrase\nivy passphrase 1\n');
    expect(add.out).toMatch(/^ivy\tinvestigator/);
    const missing = await run([...data, 'user', 'add', 'ian', '--name', 'Ian Inv', '--role', 'investigator', '--as', 'root'], 'first passphrase\n');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('PS_ERR_BAD_INPUT');
    const ls = await run([...data, 'user', 'ls', '--as', 'ivy'], 'ivy passphrase 1\n');
    expect(ls.err).toContain('PS_ERR_FORBIDDEN');
  });
});
