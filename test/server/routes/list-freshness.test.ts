import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../support/api.js';

const DAY = 86_400_000;

/** A dispatch console speaking JSON text frames, collecting what the server pushes. */
async function openConsole(h: ApiHarness, token: string): Promise<{ frames: Array<Record<string, unknown>>; next: (t: string) => Promise<Record<string, unknown>>; ws: WebSocket }> {
  const ws = new WebSocket(`${h.server.url.replace('http', 'ws')}/v1/console`, { headers: { authorization: `Bearer ${token}` } });
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<{ t: string; resolve: (f: Record<string, unknown>) => void }> = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as Record<string, unknown>;
    frames.push(f);
    for (const w of waiters.filter((x) => x.t === f.t)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(f);
    }
  });
  await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
  const next = (t: string) => new Promise<Record<string, unknown>>((resolve) => waiters.push({ t, resolve }));
  return { frames, next, ws };
}

describe('list freshness pushed to consoles (POLICY R4)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness({ hotlistImports: { enabled: false, maxBodyBytes: 256 } });
  }, 60_000);
  afterAll(() => h.server.close());

  it('tells a subscribed console when a general list is refreshed and when it goes stale', async () => {
    const c = await openConsole(h, h.tokens.dispatcher!);
    // Frames are handled in order: the error answering the bogus frame means `sub` is in force.
    c.ws.send(JSON.stringify({ t: 'sub' }));
    const subscribed = c.next('err');
    c.ws.send(JSON.stringify({ t: 'bogus' }));
    await subscribed;

    await h.call('PUT', '/v1/hotlists/svs', { as: 'administrator', json: { kind: 'general' } });
    const fresh = c.next('list');
    const imported = await h.call('POST', '/v1/hotlists/svs/import', { as: 'administrator', query: { replace: '1' }, type: 'text/csv', body: 'plate,reason\n1FRS001,stolen\n' });
    expect(imported.status).toBe(200);
    expect(await fresh).toMatchObject({ t: 'list', list: 'svs', state: 'fresh' });

    const stale = c.next('list');
    await h.server.imports.poll(Date.now() + 2 * DAY);
    expect(await stale).toMatchObject({ t: 'list', list: 'svs', state: 'stale' });
    const lists = await h.call<Array<{ name: string; freshness: { state: string } }>>('GET', '/v1/hotlists', { as: 'supervisor' });
    expect(lists.body.find((l) => l.name === 'svs')?.freshness.state).toBe('fresh');
    c.ws.close();
  });

  it('refuses a feed upload over the configured size with 413, leaving the list as it was', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `2BIG${String(i).padStart(3, '0')},stolen`).join('\n');
    const r = await h.call<{ error: { code: string } }>('POST', '/v1/hotlists/svs/import', { as: 'administrator', query: { replace: '1' }, type: 'text/csv', body: `plate,reason\n${rows}\n` });
    expect([r.status, r.body.error.code]).toEqual([413, 'PS_ERR_TOO_LARGE']);
    expect(h.server.rooms.hotlists.list('svs').count).toBe(1);
  });
});
