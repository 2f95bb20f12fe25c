/**
 * A real server on port 0 in a temp folder, a trained user of every person role signed in
 * through `POST /v1/auth/login`, and a small fetch wrapper.
 */
import { startServer, type Server } from '../../server/app.js';
import type { ConfigInput } from '../../core/config/config.js';
import type { Role } from '../../core/policy/roles.js';
import { PERSON_ROLES } from '../../core/accounts/users.js';
import { tempDir } from './rooms.js';

export const PASSWORD = 'correct horse battery';

export interface Answer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly type: string;
  readonly text: string;
}

export interface ApiHarness {
  readonly server: Server;
  /** Session token of `<role>` (e.g. `investigator`), and of any extra users made. */
  readonly tokens: Record<string, string>;
  call<T = unknown>(method: string, path: string, opts?: { token?: string; as?: string; json?: unknown; body?: string; type?: string; query?: Record<string, string> }): Promise<Answer<T>>;
  addUser(user: string, role: Role, trained?: boolean): Promise<string>;
}

export async function apiHarness(config: ConfigInput = {}): Promise<ApiHarness> {
  const server = await startServer({ dataDir: tempDir('api'), server: { port: 0 }, log: { level: 'silent' }, ...config });
  const now = Date.now();
  const tokens: Record<string, string> = {};
  const accounts = server.rooms.accounts;
  await accounts.bootstrapAdministrator({ user: 'administrator', name: 'Ada Admin', password: PASSWORD, trainedAt: now });
  const admin = { user: 'administrator', role: 'administrator' as const };

  const call: ApiHarness['call'] = async (method, path, opts = {}) => {
    const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const token = opts.token ?? (opts.as ? tokens[opts.as] : undefined);
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      headers['content-type'] = opts.type ?? 'text/plain';
      body = opts.body;
    }
    const res = await fetch(`${server.url}${path}${qs}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const type = res.headers.get('content-type') ?? '';
    const text = await res.text();
    return { status: res.status, type, text, body: type.startsWith('application/json') ? JSON.parse(text) : undefined } as Answer<never>;
  };

  const login = async (user: string): Promise<string> => {
    const r = await call<{ token: string }>('POST', '/v1/auth/login', { json: { user, password: PASSWORD } });
    if (r.status !== 200) throw new Error(`login ${user}: ${r.text}`);
    return r.body.token;
  };

  const addUser = async (user: string, role: Role, trained = true): Promise<string> => {
    await accounts.create(admin, { user, name: `Person ${user}`, role, password: PASSWORD, ...(trained ? { trainedAt: now } : {}) });
    tokens[user] = await login(user);
    return tokens[user]!;
  };

  tokens.administrator = await login('administrator');
  for (const role of PERSON_ROLES) if (role !== 'administrator') tokens[role] = await addUser(role.replace('_', '-'), role);
  return { server, tokens, call, addUser };
}

/** Registers a camera as the administrator; returns its token. */
export async function addCamera(h: ApiHarness, id: string): Promise<string> {
  const r = await h.call<{ token: string }>('POST', '/v1/cameras', { as: 'administrator', json: { id, name: id, placement: { lat: 37.45, lon: -122.18, justification: 'arterial entry point, traffic study 2026-03' } } });
  if (r.status !== 201) throw new Error(`camera ${id}: ${r.text}`);
  return r.body.token;
}

/** Posts reads as a camera over HTTP; returns the answer. */
export function postReads(h: ApiHarness, camToken: string, reads: unknown[]): Promise<Answer<{ acked: number[]; nacked: Array<{ seq?: number; code: string }> }>> {
  return h.call('POST', '/v1/reads', { token: camToken, json: reads });
}

export const INQUIRY = { case: '26-0142', purpose: 'stolen_vehicle' };

/**
 * Retries `check` until it passes (at most `tries` times, `pauseMs` apart) and returns its
 * value: for effects that land beside an acknowledgement, such as a hit raised by a read.
 */
export async function eventually<T>(check: () => Promise<T>, tries = 100, pauseMs = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await check();
    } catch (e) {
      if (i >= tries) throw e;
      await new Promise((ok) => setTimeout(ok, pauseMs));
    }
  }
}
