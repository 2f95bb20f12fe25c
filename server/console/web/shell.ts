/**
 * What every console page shares: the header (department, navigation, who is signed in, sign
 * out) and the login form shown until a session exists. POLICY R1: every person signs in with
 * their own credentials; the form says why a login was refused (locked, training lapsed,
 * review due) with the server's code.
 */
import { describe, login, logout, session, settings, whenSignedOut, type Session } from './api.js';
import { byId, fill, h, showStatus } from './dom.js';

export type PageName = 'dispatch' | 'investigate' | 'admin';

const PAGES: ReadonlyArray<readonly [PageName, string, string]> = [
  ['dispatch', '/console/', 'Dispatch'],
  ['investigate', '/console/investigate', 'Investigation'],
  ['admin', '/console/admin', 'Administration'],
];

function header(page: PageName, s: Session | undefined, department: string): HTMLElement {
  const nav = h(
    'nav',
    { 'aria-label': 'Console pages' },
    h('ul', {}, ...PAGES.map(([name, href, text]) => h('li', {}, h('a', { href, 'aria-current': name === page ? 'page' : undefined }, text)))),
  );
  const who = s
    ? h(
        'div',
        { class: 'who' },
        h('span', { 'data-testid': 'signed-in' }, `${s.user} (${s.role.replace(/_/g, ' ')})`),
        s.trainingCurrent ? null : h('span', { class: 'badge warn' }, 'training lapsed'),
        h('button', { type: 'button', class: 'secondary', onclick: () => void logout().finally(() => location.reload()) }, 'Sign out'),
      )
    : null;
  return h('div', { class: 'bar' }, h('span', { class: 'brand' }, 'PlateSafe', h('small', {}, department)), nav, who);
}

function loginForm(onDone: (s: Session) => void): HTMLElement {
  const status = h('p', { class: 'form-status', id: 'login-status' });
  const form = h(
    'form',
    { class: 'card login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in'),
    h('p', {}, 'Use your own account. Access to ALPR data is logged with your name.'),
    h('label', { for: 'login-user' }, 'User name'),
    h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true }),
    h('label', { for: 'login-password' }, 'Password'),
    h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const user = (form.elements.namedItem('user') as HTMLInputElement).value.trim();
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    login(user, password).then(onDone, (e: unknown) => showStatus(status, describe(e), 'error'));
  });
  return form;
}

/**
 * Draw the page for a signed-in person: the login form first when there is no session, the
 * page's own content after. The session ending (401 from any call) brings the form back.
 */
export async function startPage(page: PageName, render: (s: Session, main: HTMLElement) => void): Promise<void> {
  const top = byId('top');
  const main = byId('main');
  const { department } = await settings();
  const show = (): void => {
    const s = session();
    fill(top, header(page, s, department));
    if (!s) {
      fill(main, loginForm(() => show()));
      byId('login-user').focus();
      return;
    }
    fill(main);
    render(s, main);
  };
  whenSignedOut(show);
  show();
}

/** A titled section of a page with its own heading for screen-reader navigation. */
export function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': `${id}-title`, id }, h('h2', { id: `${id}-title` }, title), ...children);
}
