import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSON_ROLES } from '../../../core/accounts/users.js';
import { allows } from '../../../core/policy/authz.js';
import { ENDPOINTS } from '../../../server/openapi.js';
import { apiHarness, type ApiHarness } from '../../support/api.js';

/** Every endpoint a person's session may call, with the actions that let a role through. */
const GATED = Object.entries(ENDPOINTS)
  .filter(([, op]) => op.auth === 'session' && op.action !== undefined)
  .map(([key, op]) => {
    const [method, path] = key.split(' ') as [string, string];
    const actions = typeof op.action === 'string' ? [op.action] : [...op.action!];
    return { method, path: path.replace(/:[a-z]+/g, 'nope-1'), actions };
  });

describe('role × action walk over the HTTP API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness();
  }, 60_000);
  afterAll(() => h.server.close());

  it('documents in the OpenAPI table every endpoint docs/api.md lists', () => {
    const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    const listed = [...doc.matchAll(/`(GET|POST|PUT|DELETE) (\/[^`?]*)[^`]*`/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed.length).toBeGreaterThan(30);
    for (const key of listed) expect(Object.keys(ENDPOINTS), key).toContain(key);
  });

  it('lets exactly the roles the authorization table allows past the gate of every endpoint', async () => {
    expect(GATED.length).toBeGreaterThan(30);
    const mismatches: string[] = [];
    for (const ep of GATED) {
      for (const role of PERSON_ROLES) {
        const isImport = ep.path.endsWith('/import');
        const r = await h.call<{ error?: { code: string } }>(ep.method, ep.path, {
          as: role,
          ...(ep.method === 'GET' ? {} : isImport ? { body: 'plate\n', type: 'text/csv' } : { json: {} }),
        });
        const code = r.body?.error?.code;
        const allowed = ep.actions.some((a) => allows(role, a));
        const refusedAtGate = r.status === 403 && code === 'PS_ERR_FORBIDDEN';
        if (allowed === refusedAtGate) mismatches.push(`${ep.method} ${ep.path} as ${role}: ${r.status} ${code ?? ''} (allowed: ${allowed})`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('answers 401 without a session, with a camera token on session endpoints, with a session on camera endpoints, and after logout', async () => {
    const cam = await h.call<{ token: string }>('POST', '/v1/cameras', { as: 'administrator', json: { id: 'walk-cam', placement: { justification: 'walk test' } } });
    // The camera role holds only `reads.write`: its token opens no session endpoint…
    for (const ep of GATED) {
      expect((await h.call(ep.method, ep.path)).status, `${ep.method} ${ep.path}`).toBe(401);
      expect((await h.call(ep.method, ep.path, { token: cam.body.token })).status, `${ep.method} ${ep.path}`).toBe(401);
    }
    // …and no person's session may post reads as a camera.
    for (const role of PERSON_ROLES) {
      const r = await h.call<{ error: { code: string } }>('POST', '/v1/reads', { as: role, json: [{ seq: 1, ts: Date.now(), plate: '1ABC234' }] });
      expect([r.status, r.body.error.code], role).toEqual([401, 'PS_ERR_UNAUTHENTICATED']);
    }
    const token = await h.addUser('leaving', 'auditor');
    expect((await h.call('GET', '/v1/audit/verify', { token })).status).toBe(200);
    expect((await h.call('POST', '/v1/auth/logout', { token })).status).toBe(200);
    const after = await h.call<{ error: { code: string } }>('GET', '/v1/audit/verify', { token });
    expect([after.status, after.body.error.code]).toEqual([401, 'PS_ERR_UNAUTHENTICATED']);
  });

  it('refuses data actions to a person whose training is not recorded, and says so', async () => {
    const token = await h.addUser('det-untrained', 'investigator', false);
    const r = await h.call<{ error: { code: string } }>('POST', '/v1/search', { token, json: { pattern: '7AB*', case: '26-1', purpose: 'stolen_vehicle' } });
    expect([r.status, r.body.error.code]).toEqual([403, 'PS_ERR_TRAINING_REQUIRED']);
    const me = await h.call<{ role: string; actions: string[] }>('GET', '/v1/auth/me', { token });
    expect(me.body.role).toBe('investigator');
    expect(me.body.actions).not.toContain('detections.search');
    const trained = await h.call<{ actions: string[] }>('GET', '/v1/auth/me', { as: 'investigator' });
    expect(trained.body.actions).toContain('detections.search');
  });
});
