/**
 * Small building blocks the administration page repeats: labelled fields, a form that runs an
 * API call and reports the result under itself, and a panel that loads a table and shows the
 * server's error (a role without the right sees the refusal with its code, not a blank).
 */
import { describe } from './api.js';
import { fill, formValues, h, showStatus, type Attrs, type Child } from './dom.js';

export function field(id: string, text: string, attrs: Attrs = {}): HTMLElement {
  return h('div', {}, h('label', { for: id }, text), h('input', { id, name: attrs.name ?? id.replace(/^[a-z]+-/, ''), autocomplete: 'off', ...attrs }));
}

export function choice(id: string, text: string, options: readonly string[], attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    {},
    h('label', { for: id }, text),
    h('select', { id, name: attrs.name ?? id.replace(/^[a-z]+-/, ''), ...attrs }, ...options.map((o) => h('option', { value: o }, o.replace(/_/g, ' ')))),
  );
}

export function checkbox(id: string, text: string): HTMLElement {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', id, name: id.replace(/^[a-z]+-/, '') }), text);
}

/**
 * A form whose submit runs `run` with its values; the returned sentence (or the error) is
 * shown under the form and read out. The form resets after success unless `keep` is set.
 */
export function actionForm(id: string, submit: string, children: Child[], run: (v: Record<string, string>, form: HTMLFormElement) => Promise<string>, keep = false): HTMLFormElement {
  const status = h('p', { class: 'form-status', id: `${id}-status` });
  const button = h('button', { type: 'submit', id: `${id}-submit` }, submit);
  const form = h('form', { id }, ...children, button, status);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    button.disabled = true;
    run(formValues(form), form)
      .then(
        (msg) => {
          showStatus(status, msg, 'ok');
          if (!keep) form.reset();
        },
        (e: unknown) => showStatus(status, describe(e), 'error'),
      )
      .finally(() => (button.disabled = false));
  });
  return form;
}

/** A panel that (re)loads its content; errors are shown in place with their code. */
export class Panel {
  readonly el = h('div', { class: 'panel-body', 'aria-live': 'polite' });

  constructor(private readonly load: () => Promise<Child[]>) {}

  async refresh(): Promise<void> {
    try {
      fill(this.el, ...(await this.load()));
    } catch (e) {
      fill(this.el, h('p', { class: 'form-status error', role: 'alert' }, describe(e)));
    }
  }
}

export function table(headers: readonly string[], rows: readonly Child[][], caption: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'hint' }, `No ${caption.toLowerCase()}.`);
  return h(
    'table',
    {},
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

/** `2026-11-23` from an `<input type=date>` or `datetime-local` as ms, or undefined when empty. */
export function dateMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : undefined;
}

/** Lists answered as an array or wrapped as `{ items }` / `{ <key>: [...] }`. */
export function asList<T>(answer: unknown, key: string): T[] {
  if (Array.isArray(answer)) return answer as T[];
  const obj = (answer ?? {}) as Record<string, unknown>;
  const inner = obj[key] ?? obj.items;
  return Array.isArray(inner) ? (inner as T[]) : [];
}
