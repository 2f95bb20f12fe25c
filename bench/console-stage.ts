/**
 * A stage for driving the consoles in a real browser: a real server on port 0 in a temp
 * folder with people of each role (training recorded), a camera, a hot list, and Debian's
 * chromium through playwright-core with a fresh profile. The end-to-end tests and the
 * screenshot script both stand on it. Chromium missing is an error naming the fix, never a
 * silent skip.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'msgpackr';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type Server } from '../server/app.js';
import { SimCamera, type ReadBody } from '../server/demo/camera-sim.js';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface Browser {
  readonly context: BrowserContext;
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** Chromium with a fresh profile folder and a patrol-laptop viewport (1366×768). */
export async function launchBrowser(executable = CHROMIUM): Promise<Browser> {
  if (!existsSync(executable)) {
    throw new Error(`${executable} is missing: install it with \`apt-get install -y chromium\` (.ci/run does) before the console tests`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ps-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1366, height: 768 },
  });
  return {
    context,
    page: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const PASSWORD = 'correct-horse-battery';

/** People of the stage, one a role that uses the consoles. */
export const PEOPLE = {
  admin: { user: 'ada-admin', name: 'Ada Admin', role: 'administrator' },
  dispatcher: { user: 'dan-dispatch', name: 'Dan Dispatch', role: 'dispatcher' },
  dispatcher2: { user: 'dee-dispatch', name: 'Dee Dispatch', role: 'dispatcher' },
  investigator: { user: 'ivy-invest', name: 'Ivy Invest', role: 'investigator' },
  supervisor: { user: 'sam-super', name: 'Sam Super', role: 'supervisor' },
  custodian: { user: 'rex-records', name: 'Rex Records', role: 'records_custodian' },
  custodian2: { user: 'rita-records', name: 'Rita Records', role: 'records_custodian' },
} as const;

/** A session token for one of the stage's people, for set-up steps done over the API. */
export async function apiToken(baseUrl: string, user: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ user, password: PASSWORD }) });
  return ((await res.json()) as { token: string }).token;
}

/** A JSON API call with a session token; resolves with the status and the answer. */
export async function api(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

export const CAMERA = { id: 'cam-elm-1', name: 'Elm St & 5th', lat: 37.4529, lon: -122.1817 };
export const LIST = 'stolen';
export const HOT_PLATE = '7ABC123';

export interface Stage {
  readonly server: Server;
  readonly cameraToken: string;
  readonly dataDir: string;
  /**
   * The stage camera, connected on first use and shared after (a second connection for the
   * same camera would take over and restart its seq below what is already stored).
   */
  camera(): Promise<SimCamera>;
  /** Send one read over `POST /v1/reads` in MessagePack; resolves with the acked seqs. */
  postRead(read: ReadBody & { seq: number }): Promise<number[]>;
  close(): Promise<void>;
}

function rows(plates: ReadonlyArray<{ plate: string; reason: string; pri: number }>): Array<{ line: number; fields: Record<string, unknown> }> {
  return plates.map((p, i) => ({
    line: i + 2,
    fields: { plate: p.plate, state: 'CA', reason: p.reason, priority: p.pri, case: `26-${1000 + i}`, entered_by: 'Det. K. Nguyen', phone: '555-0111', synopsis: 'Reported stolen', source: 'NCIC' },
  }));
}

export interface StageOptions {
  /** Seconds an unacknowledged hit waits before it is re-sent as escalated. */
  readonly escalateAfterS?: number;
}

export async function stage(opts: StageOptions = {}): Promise<Stage> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ps-console-'));
  const server = await startServer({
    dataDir,
    server: { port: 0 },
    log: { level: 'silent' },
    ...(opts.escalateAfterS ? { consoles: { escalateAfterS: opts.escalateAfterS } } : {}),
  });
  const { accounts, cameras, hotlists } = server.rooms;
  const trainedAt = Date.now();
  await accounts.bootstrapAdministrator({ user: PEOPLE.admin.user, name: PEOPLE.admin.name, password: PASSWORD, trainedAt });
  const actor = { user: PEOPLE.admin.user, role: 'administrator' as const };
  for (const p of Object.values(PEOPLE)) {
    if (p.role !== 'administrator') await accounts.create(actor, { user: p.user, name: p.name, role: p.role, password: PASSWORD, trainedAt });
  }
  const { token } = await cameras.add({ id: CAMERA.id, name: CAMERA.name, placement: { lat: CAMERA.lat, lon: CAMERA.lon, justification: 'Arterial road, stolen-vehicle corridor' } });
  await hotlists.importRows(
    rows([
      { plate: HOT_PLATE, reason: 'stolen_vehicle', pri: 90 },
      { plate: '5XYZ789', reason: 'wanted_person', pri: 70 },
    ]),
    { list: LIST, replace: true, settings: { kind: 'general', maxDistance: 1 } },
  );
  let sim: Promise<SimCamera> | undefined;
  return {
    server,
    cameraToken: token,
    dataDir,
    camera() {
      sim ??= (async () => {
        const cam = new SimCamera({ url: `ws://127.0.0.1:${server.port}/v1/camera`, cam: CAMERA.id, token, rate: 0, next: () => ({}) });
        await cam.connect();
        return cam;
      })();
      return sim;
    },
    async postRead(read) {
      const res = await fetch(`${server.url}/v1/reads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/msgpack' },
        body: new Uint8Array(encode({ cam: CAMERA.id, ts: Date.now(), ...read })),
      });
      return ((await res.json()) as { acked: number[] }).acked;
    },
    async close() {
      if (sim) await (await sim).stop(2000);
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A read of the hot plate as a camera would send it (one character misread: a fuzzy hit). */
export function hotRead(plate = HOT_PLATE, extra: Partial<ReadBody> = {}): ReadBody {
  return { plate, st: 'CA', conf: 0.93, lat: CAMERA.lat, lon: CAMERA.lon, veh: { make: 'Toyota', model: 'Camry', color: 'silver', body: 'sedan' }, ...extra };
}

/** Wait until `check` holds (set-up steps outside a test, where `expect.poll` cannot run). */
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Sign in through the page's own form. */
export async function signIn(page: Page, baseUrl: string, path: string, user: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in').waitFor();
}
