/** A real server in a temp folder, with the people, cameras and lists a test needs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr, Unpackr } from 'msgpackr';
import WebSocket from 'ws';
import type { ConfigInput } from '../../core/config/config.js';
import { startServer, type Server } from '../../server/app.js';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false });

export const encode = (frame: object): Buffer => packr.pack(frame);

export async function bootServer(config: ConfigInput = {}): Promise<Server> {
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'ps-srv-'));
  return startServer({ ...config, dataDir, server: { port: 0, ...config.server }, log: { level: 'silent', ...config.log } });
}

export async function addCamera(server: Server, id: string, zones: Array<Array<[number, number]>> = []): Promise<string> {
  const { token } = await server.rooms.cameras.add({ id, name: id, zones });
  return token;
}

/** Signs in a user of `role` with current training; the first call also creates an administrator. */
export async function signIn(server: Server, user: string, role: string): Promise<string> {
  const accounts = server.rooms.accounts;
  const password = 'correct horse battery staple';
  if (accounts.isEmpty()) await accounts.bootstrapAdministrator({ user: 'admin', name: 'Admin', password, trainedAt: Date.now() });
  if (!accounts.get(user)) await accounts.create({ user: 'admin', role: 'administrator' }, { user, name: user, role: role as never, password, trainedAt: Date.now() });
  const res = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ user, password }) });
  const body = (await res.json()) as { token: string };
  return body.token;
}

export async function importList(server: Server, list: string, csv: string, settings: Record<string, unknown> = {}): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'ps-list-')), `${list}.csv`);
  writeFileSync(file, csv);
  await server.rooms.hotlists.importFile(file, { list, replace: true, settings });
}

export type Frame = Record<string, unknown>;

/** A WebSocket client that queues every frame it receives. */
export class Client {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push((isBinary ? unpackr.unpack(data) : JSON.parse(data.toString())) as Frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static open(url: string, token?: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(frame: object): void {
    this.ws.send(encode(frame));
  }

  sendJson(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first queued frame (removed) that satisfies `pick`, waiting up to `ms`. */
  async next(pick: (f: Frame) => boolean = () => true, ms = 5000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex(pick);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) before the frame came`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such frame within ${ms} ms; have ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Wait until the socket closes. */
  async whenClosed(ms = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (!this.closed) throw new Error('still open');
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function wsUrl(server: Server, path: string): string {
  return `${server.url.replace('http', 'ws')}${path}`;
}

/** A camera connected and welcomed. */
export async function camera(server: Server, id: string, token: string): Promise<{ client: Client; welcome: Frame }> {
  const client = await Client.open(wsUrl(server, '/v1/camera'), token);
  client.send({ t: 'hello', cam: id, fw: 'test' });
  const welcome = await client.next((f) => f.t === 'welcome');
  return { client, welcome };
}

/** A console signed in and subscribed. */
export async function consoleFor(server: Server, token: string, sub: Frame = {}): Promise<Client> {
  const client = await Client.open(wsUrl(server, '/v1/console'), token);
  client.send({ t: 'sub', ...sub });
  return client;
}
