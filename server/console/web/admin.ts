/**
 * The administration page (`/console/admin`): hot lists, users, cameras, release requests,
 * audit samples and the quarterly report. Each part appears only for a role whose actions
 * include it (from `GET /v1/auth/me`, POLICY R1: a role grants only what its work needs);
 * the server checks every call again.
 */
import { get, settings, type Session } from './api.js';
import { fill, h } from './dom.js';
import { cameraSections, userSections } from './admin-people.js';
import { auditSections, releaseSections } from './admin-govern.js';
import { hotlistSections } from './admin-lists.js';
import { startPage } from './shell.js';

interface Me {
  readonly actions: readonly string[];
}

async function actionsOf(): Promise<Set<string> | undefined> {
  try {
    return new Set((await get<Me>('/v1/auth/me')).actions);
  } catch {
    // Without the answer every part is shown; the server still refuses what the role may not do.
    return undefined;
  }
}

async function render(_s: Session, main: HTMLElement): Promise<void> {
  const [cfg, actions] = await Promise.all([settings(), actionsOf()]);
  const may = (...names: string[]): boolean => !actions || names.some((n) => actions.has(n));
  const parts: Array<[string, string, HTMLElement[]]> = [];
  if (may('hotlist.designate', 'hotlist.import', 'hotlist.approve', 'hotplate.enter')) {
    const rights = {
      // GET /v1/hotlists answers roles that designate lists or watch cameras (docs/api.md).
      view: may('hotlist.designate', 'cameras.view'),
      designate: may('hotlist.designate'),
      import: may('hotlist.import'),
      approve: may('hotlist.approve'),
      enter: may('hotplate.enter'),
    };
    parts.push(['hotlists', 'Hot lists', hotlistSections(cfg, rights)]);
  }
  if (may('users.manage')) parts.push(['users', 'Users', userSections(cfg.roles)]);
  if (may('cameras.view', 'cameras.manage')) parts.push(['cameras', 'Cameras', cameraSections(may('cameras.manage'))]);
  if (may('releases.view', 'releases.decide')) parts.push(['releases', 'Releases', releaseSections()]);
  if (may('audit.sample', 'audit.review', 'audit.verify', 'reports.read')) parts.push(['audit', 'Audits and reports', auditSections()]);
  fill(
    main,
    h('h1', {}, 'Administration'),
    h('nav', { class: 'admin-nav', 'aria-label': 'Administration parts' }, ...parts.map(([id, text]) => h('a', { href: `#${id}` }, text))),
    parts.length === 0 ? h('p', {}, 'Your role has no administration tasks.') : null,
    h('div', { class: 'admin' }, ...parts.flatMap(([, , els]) => els)),
  );
}

void startPage('admin', (s, main) => void render(s, main));
