/**
 * Scheduled imports from a feed published over HTTP on the local network (POLICY R4): the
 * feed is downloaded when it changed, replaces the designated list, and an unchanged or
 * unreachable feed leaves the list as it is.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../support/api.js';

describe('hot-list feeds over HTTP', () => {
  let h: ApiHarness;
  let feed: HttpServer;
  let body = 'plate,state,reason\n6URL001,CA,stolen_vehicle\n6URL002,CA,stolen_vehicle\n';
  let modified = new Date(Date.now() - 60_000).toUTCString();
  let requests = 0;
  let down = false;

  beforeAll(async () => {
    feed = createServer((req, res) => {
      requests++;
      if (down) return void res.writeHead(503).end();
      if (req.headers['if-modified-since'] === modified) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'text/csv', 'last-modified': modified }).end(body);
    });
    await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
    const port = (feed.address() as { port: number }).port;
    h = await apiHarness({ hotlistImports: { pollS: 3600, urls: [{ list: 'ncic', url: `http://127.0.0.1:${port}/feeds/ncic.csv` }] } });
    await h.call('PUT', '/v1/hotlists/ncic', { as: 'administrator', json: { kind: 'general', maxDistance: 0 } });
  }, 60_000);
  afterAll(async () => {
    await h.server.close();
    feed.close();
  });

  const plates = () => h.server.rooms.hotlists.lists().find((l) => l.settings.name === 'ncic')!.count;

  it('downloads a changed feed and replaces the list; an unchanged feed is not imported again', async () => {
    const reports = await h.server.imports.poll();
    expect(reports.map((r) => [r.list, r.imported])).toEqual([['ncic', 2]]);
    expect(plates()).toBe(2);
    const before = requests;
    expect(await h.server.imports.poll()).toEqual([]);
    expect(requests).toBe(before + 1);

    body = 'plate,state,reason\n6URL003,CA,stolen_vehicle\n';
    modified = new Date().toUTCString();
    expect((await h.server.imports.poll()).map((r) => r.imported)).toEqual([1]);
    expect(plates()).toBe(1);
  });

  it('keeps the list when the feed cannot be fetched', async () => {
    down = true;
    expect(await h.server.imports.poll()).toEqual([]);
    expect(plates()).toBe(1);
  });
});
