import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Server } from '../../server/app.js';

describe('server start-up', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ dataDir: mkdtempSync(join(tmpdir(), 'ps-health-')), server: { port: 0 }, log: { level: 'silent' } });
  });
  afterAll(() => server.close());

  it('listens on a free port and answers /healthz, /metrics and /v1/openapi.json', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', profile: 'menlo-park', cameras: { ok: 0 } });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('platesafe_reads_in_total');
    const doc = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/reads');
  });

  it('refuses a configuration it cannot run, naming the problem', async () => {
    await expect(startServer({ profile: 'atlantis' })).rejects.toMatchObject({ code: 'PS_ERR_PROFILE_UNKNOWN' });
    await expect(startServer({ server: { port: 99999 } })).rejects.toMatchObject({ code: 'PS_ERR_CONFIG_INVALID' });
  });
});
