import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Server } from '../../server/app.js';

describe('server start-up', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ server: { port: 0 }, log: { level: 'silent' } });
  });
  afterAll(() => server.close());

  it('listens on a free port and answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', profile: 'menlo-park' });
  });

  it('refuses a configuration it cannot run, naming the option', async () => {
    await expect(startServer({ profile: 'atlantis' })).rejects.toMatchObject({ code: 'PS_ERR_PROFILE_UNKNOWN' });
  });
});
