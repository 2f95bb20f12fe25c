/**
 * A few DOM helpers so the pages build their markup without a framework: `h` creates an
 * element with attributes, listeners and children (text is always a text node, never parsed
 * as HTML, so a plate or a note can never inject markup), `svg` does the same in the SVG
 * namespace, and `announce` speaks through the page's live region for screen readers.
 */

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | undefined | null | ((ev: Event) => void);
export type Attrs = Record<string, AttrValue>;

function apply(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replace an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page has no #${id}`);
  return el as T;
}

/** Polite announcements (status); assertive ones interrupt (a new hit). */
export function announce(text: string, assertive = false): void {
  const region = document.getElementById(assertive ? 'alert-region' : 'status-region');
  if (!region) return;
  // Clearing first makes screen readers repeat an identical message.
  region.textContent = '';
  window.setTimeout(() => (region.textContent = text), 30);
}

export function fmtTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtAge(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** `cfs_created` → `cfs created`: enum values as people read them. */
export function label(value: string): string {
  return value.replace(/_/g, ' ');
}

/** Read a form's named fields as trimmed strings (checkboxes as 'on' when checked). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v.trim();
  });
  return out;
}

/** A status line under a form: errors are announced, successes are quiet. */
export function showStatus(el: HTMLElement, text: string, kind: 'ok' | 'error'): void {
  el.textContent = text;
  el.className = `form-status ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}
