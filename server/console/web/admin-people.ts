/**
 * Users and cameras on the administration page. Users (POLICY R1): role, training completion
 * and expiry, review-by date, disabled state, with the actions to create, record training,
 * review and disable. Cameras (POLICY R6): placement with its justification, health, exclusion
 * zones, a new token (shown once: only its hash is stored).
 */
import { get, post, put } from './api.js';
import { fmtTime, h, label, type Child } from './dom.js';
import { actionForm, asList, checkbox, choice, dateMs, field, Panel, table } from './forms.js';
import { section } from './shell.js';

interface UserRow {
  readonly user: string;
  readonly name: string;
  readonly role: string;
  readonly training?: { completed: number; expires: number };
  readonly trainingCurrent?: boolean;
  readonly reviewBy?: number;
  readonly reviewDue?: boolean;
  readonly disabled?: { reason: string };
}

interface CameraRow {
  readonly id: string;
  readonly name?: string;
  readonly placement?: { lat?: number; lon?: number; justification?: string };
  readonly zones?: unknown[];
  readonly disabled?: boolean;
  readonly health?: { state?: string; reason?: string } | string;
  readonly state?: string;
}

const DAY_MS = 86_400_000;

function dueBadge(ms: number | undefined, overdueText: string): Child {
  if (!ms) return h('span', { class: 'badge warn' }, 'not recorded');
  const days = Math.round((ms - Date.now()) / DAY_MS);
  const cls = days < 0 ? 'badge state-new' : days <= 30 ? 'badge warn' : 'badge';
  return h('span', { class: cls }, days < 0 ? `${overdueText} ${fmtTime(ms).slice(0, 10)}` : `${fmtTime(ms).slice(0, 10)} (${days} d)`);
}

export function userSections(roles: readonly string[]): HTMLElement[] {
  const panel = new Panel(async () => {
    const users = asList<UserRow>(await get('/v1/users'), 'users');
    return [
      table(
        ['User', 'Name', 'Role', 'Training expires', 'Review by', 'State'],
        users.map((u) => [
          h('strong', {}, u.user),
          u.name,
          label(u.role),
          dueBadge(u.training?.expires, 'lapsed'),
          dueBadge(u.reviewBy, 'overdue'),
          u.disabled ? h('span', { class: 'badge state-new' }, `disabled: ${u.disabled.reason}`) : 'active',
        ]),
        'Users',
      ),
    ];
  });
  void panel.refresh();
  const after = async (msg: string): Promise<string> => {
    await panel.refresh();
    return msg;
  };
  const create = actionForm(
    'user-new',
    'Create user',
    [
      h('div', { class: 'grid-3' }, field('un-user', 'User name', { name: 'user', required: true }), field('un-name', 'Full name', { name: 'name', required: true }), choice('un-role', 'Role', roles, { name: 'role' })),
      h('div', { class: 'grid-3' }, field('un-password', 'Initial password', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' }), field('un-trained', 'Training completed', { name: 'trainedAt', type: 'date' }), field('un-review', 'Review by', { name: 'reviewBy', type: 'date' })),
    ],
    async (v) => {
      await post('/v1/users', { user: v.user, name: v.name, role: v.role, password: v.password, ...(dateMs(v.trainedAt) ? { trainedAt: dateMs(v.trainedAt) } : {}), ...(dateMs(v.reviewBy) ? { reviewBy: dateMs(v.reviewBy) } : {}) });
      return after(`User ${v.user ?? ''} created.`);
    },
  );
  const maintain = actionForm(
    'user-act',
    'Apply',
    [
      h('div', { class: 'grid-3' }, field('ua-user', 'User name', { name: 'user', required: true }), choice('ua-action', 'Action', ['record training', 'review', 'disable'], { name: 'action' }), field('ua-date', 'Date (training completed / next review)', { name: 'date', type: 'date' })),
      field('ua-reason', 'Reason (required to disable)', { name: 'reason' }),
      checkbox('ua-enable', 'Re-enable the account on review'),
    ],
    async (v) => {
      const path = `/v1/users/${encodeURIComponent(v.user ?? '')}`;
      if (v.action === 'record training') await post(`${path}/train`, { completed: dateMs(v.date) ?? Date.now() });
      else if (v.action === 'review') await post(`${path}/review`, { ...(dateMs(v.date) ? { reviewBy: dateMs(v.date) } : {}), ...(v.enable ? { enable: true } : {}) });
      else await post(`${path}/disable`, { reason: v.reason });
      return after(`${v.action ?? ''} recorded for ${v.user ?? ''}.`);
    },
  );
  return [section('users', 'Users', panel.el), section('user-forms', 'Accounts', create, h('h3', {}, 'Training, review, disable'), maintain)];
}

function cameraHealth(c: CameraRow): string {
  if (typeof c.health === 'string') return c.health;
  return c.health?.state ?? c.state ?? 'unknown';
}

export function cameraSections(canManage: boolean): HTMLElement[] {
  const tokenBox = h('p', { class: 'token', id: 'camera-token', hidden: true, role: 'status' });
  const showToken = (id: string, token: string): void => {
    tokenBox.hidden = false;
    tokenBox.textContent = `Token for ${id} (shown once; configure it on the camera now): ${token}`;
  };
  const panel = new Panel(async () => {
    const cams = asList<CameraRow>(await get('/v1/cameras'), 'cameras');
    return [
      table(
        ['Camera', 'Name', 'Placement', 'Health', 'Zones', ''],
        cams.map((c) => [
          h('strong', {}, c.id),
          c.name ?? '',
          c.placement?.lat !== undefined ? `${c.placement.lat.toFixed(4)}, ${(c.placement.lon ?? 0).toFixed(4)}${c.placement.justification ? ` — ${c.placement.justification}` : ''}` : '—',
          h('span', { class: `pill cam-${cameraHealth(c)}` }, cameraHealth(c)),
          String(c.zones?.length ?? 0),
          canManage
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'small secondary',
                  'aria-label': `New token for ${c.id}`,
                  onclick: () => void post<{ token: string }>(`/v1/cameras/${encodeURIComponent(c.id)}/token`, {}).then((t) => showToken(c.id, t.token)),
                },
                'New token',
              )
            : null,
        ]),
        'Cameras',
      ),
    ];
  });
  void panel.refresh();
  const add = actionForm(
    'camera-new',
    'Add camera',
    [
      h('div', { class: 'grid-4' }, field('cn-id', 'Camera id', { name: 'id', required: true, pattern: '[A-Za-z0-9._-]{1,64}' }), field('cn-name', 'Name', { name: 'name' }), field('cn-lat', 'Latitude', { name: 'lat', type: 'number', step: 'any', required: true }), field('cn-lon', 'Longitude', { name: 'lon', type: 'number', step: 'any', required: true })),
      field('cn-just', 'Placement justification (POLICY R6: never targets a protected group)', { name: 'justification', required: true }),
    ],
    async (v) => {
      const ans = await post<{ token: string }>('/v1/cameras', { id: v.id, name: v.name, placement: { lat: Number(v.lat), lon: Number(v.lon), justification: v.justification } });
      showToken(v.id ?? '', ans.token);
      await panel.refresh();
      return `Camera ${v.id ?? ''} added.`;
    },
  );
  const zones = actionForm(
    'camera-zones',
    'Save zones',
    [
      field('cz-id', 'Camera id', { name: 'id', required: true }),
      h('label', { for: 'cz-zones' }, 'Exclusion zones: JSON polygons [[[lat, lon], …], …] (reads inside are dropped at ingest)'),
      h('textarea', { id: 'cz-zones', name: 'zones', rows: 3, spellcheck: 'false' }, '[]'),
    ],
    async (v) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(v.zones || '[]');
      } catch {
        throw new Error('zones are not valid JSON');
      }
      await put(`/v1/cameras/${encodeURIComponent(v.id ?? '')}/zones`, { zones: parsed });
      await panel.refresh();
      return `Zones of ${v.id ?? ''} saved.`;
    },
  );
  const cameras = section('cameras', 'Cameras', panel.el, tokenBox);
  return canManage ? [cameras, section('camera-forms', 'Add a camera, exclusion zones', add, zones)] : [cameras];
}
