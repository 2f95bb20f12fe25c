/**
 * How a hit looks on the dispatch console: the list entry (crop, the read beside the list
 * entry with the differing characters marked, list, reason, priority, camera, place, time)
 * and the detail panel with the step the hit waits for: acknowledge, the verification
 * checklist, then the disposition. POLICY R5: every unverified hit carries the banner that it
 * is not grounds for action; enforcement dispositions are offered only after verification.
 */
import { fmtTime, h, label, type Child } from './dom.js';
import { CLOSABLE, diffSegments, type HitView } from './hits.js';

export type Send = (frame: Record<string, unknown>) => void;

const STOLEN_REASONS = new Set(['stolen_vehicle', 'stolen_plate']);

export function plateMarkup(plate: string | undefined, diff: readonly number[] | undefined, cls: string): HTMLElement {
  const text = plate ?? '—';
  return h('span', { class: `plate ${cls}` }, ...diffSegments(text, diff).map((s) => (s.differs ? h('mark', { title: 'differs' }, s.text) : s.text)));
}

function place(v: HitView): string {
  const { lat, lon } = v.frame.read;
  return lat !== undefined && lon !== undefined ? `${lat.toFixed(5)}, ${lon.toFixed(5)}` : 'no position';
}

function cropImage(v: HitView): HTMLElement | null {
  const crop = v.frame.read.crop;
  if (!crop?.data) return null;
  const alt = `plate crop of ${v.frame.read.plate ?? 'the read'}`;
  if (crop.fmt === 'png' || crop.fmt === 'jpeg') return h('img', { class: 'crop', src: `data:image/${crop.fmt};base64,${crop.data}`, alt });
  return crop.fmt === 'gray8' && crop.w && crop.h ? grayCanvas(crop.data, crop.w, crop.h, alt) : null;
}

/** A raw 8-bit grey crop painted on a canvas (cameras that send pixels, not files). */
function grayCanvas(base64: string, w: number, hgt: number, alt: string): HTMLElement | null {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.length < w * hgt) return null;
  const canvas = h('canvas', { class: 'crop', width: String(w), height: String(hgt), role: 'img', 'aria-label': alt }) as HTMLCanvasElement;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const img = ctx.createImageData(w, hgt);
  for (let i = 0; i < w * hgt; i++) img.data.set([bytes[i]!, bytes[i]!, bytes[i]!, 255], i * 4);
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function badges(v: HitView): Child[] {
  return [
    v.escalated ? h('span', { class: 'badge escalated' }, 'ESCALATED') : null,
    v.frame.entry.info ? h('span', { class: 'badge info' }, 'informational') : null,
    v.missed ? h('span', { class: 'badge missed' }, 'missed while offline') : null,
    h('span', { class: `badge state-${v.state}` }, label(v.state)),
  ];
}

export function unverifiedBanner(): HTMLElement {
  return h('p', { class: 'unverified', role: 'note' }, 'Unverified: not grounds for action. Confirm the list status with the source system and the plate, state and vehicle visually first.');
}

export function hitSummary(v: HitView): string {
  const { read, entry } = v.frame;
  return `${read.plate ?? 'unread plate'} matches ${entry.plate} on ${entry.list}, ${label(entry.reason)}, priority ${entry.pri}, camera ${read.cam}`;
}

export function hitListItem(v: HitView, selected: boolean, onSelect: (id: string) => void): HTMLLIElement {
  const { read, entry, match } = v.frame;
  const readPlate = match.candidate ?? read.plate;
  const cls = ['hit', `state-${v.state}`, v.escalated ? 'escalated' : '', v.missed ? 'missed' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return h(
    'li',
    { class: cls, 'data-hit': v.frame.hit },
    h(
      'button',
      { type: 'button', class: 'hit-select', 'aria-pressed': selected ? 'true' : 'false', 'aria-label': `${v.escalated ? 'Escalated. ' : ''}${hitSummary(v)}, ${label(v.state)}`, onclick: () => onSelect(v.frame.hit) },
      cropImage(v),
      h(
        'span',
        { class: 'plates' },
        plateMarkup(readPlate, match.diff, 'read'),
        h('span', { class: 'vs', 'aria-hidden': 'true' }, '≈'),
        plateMarkup(entry.plate, entry.plate.length === readPlate?.length ? match.diff : undefined, 'entry'),
        h('span', { class: 'st' }, read.st ?? entry.st ?? ''),
      ),
      h('span', { class: 'meta' }, h('strong', {}, entry.list), ` · ${label(entry.reason)} · P${entry.pri} · ${read.cam} · ${place(v)} · ${fmtTime(v.frame.ts)}`),
      h('span', { class: 'badges' }, ...badges(v)),
    ),
    v.verified ? null : unverifiedBanner(),
  );
}

function facts(v: HitView): HTMLElement {
  const { read, entry, match } = v.frame;
  const veh = read.veh ? [read.veh.color, read.veh.make, read.veh.model, read.veh.body].filter(Boolean).join(' ') : '';
  const rows: Array<[string, Child]> = [
    ['Read', h('span', {}, plateMarkup(match.candidate ?? read.plate, match.diff, 'read'), ` ${read.st ?? ''}`)],
    ['List entry', h('span', {}, plateMarkup(entry.plate, undefined, 'entry'), ` ${entry.st ?? ''}`)],
    ['Match', `${match.kind}, score ${match.score.toFixed(2)}${match.diff?.length ? `, ${match.diff.length} differing` : ''}`],
    ['List', `${entry.list}${entry.info ? ' (informational)' : ''}`],
    ['Reason', label(entry.reason)],
    ['Priority', String(entry.pri)],
    ['Case', entry.case ?? '—'],
    ['Camera', read.cam],
    ['Place', place(v)],
    ['Time', fmtTime(read.ts ?? v.frame.ts)],
    ['Vehicle', veh || '—'],
    ['OCR confidence', read.conf !== undefined ? read.conf.toFixed(2) : '—'],
    ['State', `${label(v.state)}${v.by ? ` by ${v.by}` : ''}${v.at ? ` at ${fmtTime(v.at)}` : ''}`],
  ];
  if (v.disp) rows.push(['Disposition', `${label(v.disp)}${v.cfs ? `, CFS ${v.cfs}` : ''}`]);
  return h('dl', { class: 'facts' }, ...rows.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)]));
}

function checklist(v: HitView, send: Send): HTMLFormElement {
  const form = h(
    'form',
    { class: 'step', 'aria-labelledby': 'verify-title' },
    h('h3', { id: 'verify-title' }, 'Verification checklist'),
    h('p', { class: 'hint' }, 'Both must be confirmed by you before any action. Leaving one unticked records the hit as rejected.'),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'listConfirmed', id: 'chk-list' }), 'List status confirmed with the source system (CLETS/NCIC)'),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'visualMatch', id: 'chk-visual' }), 'Plate characters, state and vehicle visually match the read'),
    h('label', { for: 'verify-note' }, 'Note (optional)'),
    h('textarea', { id: 'verify-note', name: 'note', rows: 2, maxlength: 2000 }),
    h('button', { type: 'submit' }, 'Record verification'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const el = form.elements;
    const note = (el.namedItem('note') as HTMLTextAreaElement).value.trim();
    send({
      t: 'verify',
      hit: v.frame.hit,
      listConfirmed: (el.namedItem('listConfirmed') as HTMLInputElement).checked,
      visualMatch: (el.namedItem('visualMatch') as HTMLInputElement).checked,
      ...(note ? { note } : {}),
    });
  });
  return form;
}

function disposition(v: HitView, send: Send): HTMLFormElement {
  const options = CLOSABLE[v.state] ?? [];
  const stolen = STOLEN_REASONS.has(v.frame.entry.reason);
  const cfs = h('input', { id: 'disp-cfs', name: 'cfs', maxlength: 40, autocomplete: 'off' });
  const select = h('select', { id: 'disp-select', name: 'disp', required: true }, ...options.map((d) => h('option', { value: d }, label(d))));
  // RV 426.6.1 e: a confirmed stolen vehicle becomes a call for service; its number is recorded.
  const syncCfs = (): void => {
    cfs.required = select.value === 'cfs_created' || (select.value === 'recovered' && stolen);
  };
  select.addEventListener('change', syncCfs);
  syncCfs();
  const form = h(
    'form',
    { class: 'step', 'aria-labelledby': 'disp-title' },
    h('h3', { id: 'disp-title' }, 'Disposition'),
    h('label', { for: 'disp-select' }, 'Outcome'),
    select,
    h('label', { for: 'disp-cfs' }, 'Call-for-service number'),
    cfs,
    h('label', { for: 'disp-note' }, 'Note (optional)'),
    h('textarea', { id: 'disp-note', name: 'note', rows: 2, maxlength: 2000 }),
    h('button', { type: 'submit' }, 'Record disposition'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const note = (form.elements.namedItem('note') as HTMLTextAreaElement).value.trim();
    const cfsValue = cfs.value.trim();
    send({ t: 'dispose', hit: v.frame.hit, disp: select.value, ...(cfsValue ? { cfs: cfsValue } : {}), ...(note ? { note } : {}) });
  });
  return form;
}

function nextStep(v: HitView, send: Send): HTMLElement {
  switch (v.state) {
    case 'new':
      return h(
        'div',
        { class: 'step' },
        h('button', { type: 'button', id: 'ack-button', onclick: () => send({ t: 'ack', hit: v.frame.hit }) }, 'Acknowledge'),
        h('p', { class: 'hint' }, 'Acknowledging tells the other consoles you have this hit.'),
      );
    case 'acked':
      return checklist(v, send);
    case 'verified':
    case 'rejected':
      return disposition(v, send);
    default:
      return h('p', { class: 'step done' }, 'Closed. The disposition is recorded.');
  }
}

export function hitDetail(v: HitView, send: Send, status: HTMLElement): HTMLElement {
  return h(
    'div',
    { class: `detail state-${v.state}${v.escalated ? ' escalated' : ''}` },
    h('h2', { id: 'detail-title', tabindex: -1 }, `Hit ${v.frame.read.plate ?? ''} on ${v.frame.entry.list}`),
    h('div', { class: 'badges' }, ...badges(v)),
    v.verified ? null : unverifiedBanner(),
    cropImage(v),
    facts(v),
    nextStep(v, send),
    status,
  );
}
