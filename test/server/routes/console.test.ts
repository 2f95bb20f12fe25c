import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import uWS from 'uWebSockets.js';
import { startServer, type Server } from '../../../server/app.js';
import { consoleRoutes, resolveAsset, loadStaticFiles } from '../../../server/routes/console.js';
import { loadProfile } from '../../../core/policy/profiles.js';

/** A raw GET, so paths with `..` reach the server unnormalised. */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console pages served by the server', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ dataDir: mkdtempSync(join(tmpdir(), 'ps-console-static-')), server: { port: 0 }, log: { level: 'silent' } });
  });
  afterAll(() => server.close());

  it('redirects / and /console to /console/', async () => {
    for (const path of ['/', '/console']) {
      const r = await rawGet(server.port, path);
      expect(r.status).toBe(302);
      expect(r.headers.location).toBe('/console/');
    }
  });

  it('serves the built pages with their content types, an ETag, no-cache and a strict CSP', async () => {
    const index = await rawGet(server.port, '/console/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<script type="module" src="/console/dispatch.js">');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const cases: Array<[string, string]> = [
      ['/console/dispatch.js', 'text/javascript; charset=utf-8'],
      ['/console/console.css', 'text/css; charset=utf-8'],
      ['/console/investigate', 'text/html; charset=utf-8'],
      ['/console/admin', 'text/html; charset=utf-8'],
      ['/console/dispatch.js.map', 'application/json; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const r = await rawGet(server.port, path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toBe(type);
      expect(r.headers.etag, path).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    }
  });

  it('answers 304 to a matching If-None-Match and 200 to a stale one', async () => {
    const first = await rawGet(server.port, '/console/dispatch.js');
    const etag = String(first.headers.etag);
    const again = await rawGet(server.port, '/console/dispatch.js', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const stale = await rawGet(server.port, '/console/dispatch.js', { 'if-none-match': '"nope"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBeGreaterThan(1000);
  });

  it('never leaves its folder: traversal, encoded traversal and unknown files are 404', async () => {
    for (const path of ['/console/../package.json', '/console/..%2f..%2fpackage.json', '/console/%2e%2e/%2e%2e/package.json', '/console//etc/passwd', '/console/nope.js', '/console/%E0%A4%A', '/console/.tsbuildinfo']) {
      const r = await rawGet(server.port, path);
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'PS_ERR_NOT_FOUND' } });
    }
  });

  it('tells the pages what the profile permits, and nothing it prohibits (POLICY R2)', async () => {
    const r = await rawGet(server.port, '/console/settings.json');
    expect(r.status).toBe(200);
    const s = JSON.parse(r.body) as { profile: string; inquiry: { requires: string; purposes: string[] }; dispositions: string[]; roles: string[] };
    expect(s.profile).toBe('menlo-park');
    expect(s.inquiry.requires).toBe('both');
    expect(s.inquiry.purposes).toContain('stolen_vehicle');
    expect(s.inquiry.purposes.join(' ')).not.toMatch(/immigration|personal|harass/);
    expect(s.dispositions).toContain('misread');
    expect(s.roles).not.toContain('camera');
  });
});

describe('static file map', () => {
  it('resolves only names it loaded; clean URLs map to .html', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-console-files-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'index.html'), '<p>home</p>');
      writeFileSync(join(dir, 'page.html'), '<p>page</p>');
      writeFileSync(join(dir, 'sub', 'a.js'), 'export {};');
      writeFileSync(join(dir, 'secret.txt'), 'not served: no known type');
      const files = loadStaticFiles(dir);
      expect([...files.keys()].sort()).toEqual(['index.html', 'page.html', 'sub/a.js']);
      expect(resolveAsset(files, '/console/')?.body.toString()).toBe('<p>home</p>');
      expect(resolveAsset(files, '/console/page')?.body.toString()).toBe('<p>page</p>');
      expect(resolveAsset(files, '/console/sub/a.js')?.type).toBe('text/javascript; charset=utf-8');
      expect(resolveAsset(files, '/console/secret.txt')).toBeUndefined();
      expect(resolveAsset(files, '/console/sub/../index.html')).toBeUndefined();
      expect(resolveAsset(files, '/elsewhere/index.html')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves from a given folder and answers HEAD without a body', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-console-head-'));
    writeFileSync(join(dir, 'index.html'), '<p>x</p>');
    const app = uWS.App();
    consoleRoutes(app, { profile: loadProfile('el-cajon'), dir });
    const port = await new Promise<number>((ok) => app.listen('127.0.0.1', 0, (s) => ok(uWS.us_socket_local_port(s))));
    try {
      const head = await new Promise<{ status: number; type: string | undefined; bytes: number }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/console/index.html', method: 'HEAD' }, (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], bytes }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(head).toEqual({ status: 200, type: 'text/html; charset=utf-8', bytes: 0 });
      const settings = JSON.parse((await rawGet(port, '/console/settings.json')).body) as { profile: string };
      expect(settings.profile).toBe('el-cajon');
    } finally {
      app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
