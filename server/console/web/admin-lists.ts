/**
 * Hot lists on the administration page (POLICY R4): every list with its kind, state, entry
 * count and freshness; special lists pending approval with the approve action; import of a
 * whole file with upload progress; and the manual hot plate form, whose member name, phone,
 * case number and synopsis are required (MP 462.4 g, EC 427.5.1 b, RV 426.6.5).
 */
import { get, post, put, upload, type Settings } from './api.js';
import { fmtAge, fmtTime, h, showStatus, type Child } from './dom.js';
import { actionForm, asList, checkbox, choice, dateMs, field, Panel, table } from './forms.js';
import { section } from './shell.js';

/** One list of `GET /v1/hotlists` (server/hotlists/governance.ts `listView`). */
interface ListRow {
  readonly name: string;
  readonly kind: string;
  readonly status: string;
  readonly count: number;
  readonly lastImport: number;
  /** General lists only: stale once older than the profile's download interval. */
  readonly freshness?: { readonly state: string; readonly age?: number };
  readonly approval?: {
    readonly status: string;
    readonly submittedBy: string;
    readonly submittedAt: number;
    readonly steps?: ReadonlyArray<{ readonly by: string; readonly role: string }>;
    /** The role whose approval the list waits for (POLICY R4: some profiles take two steps). */
    readonly next?: string;
  };
}

/** Who submitted a pending list, who approved it so far, and whose approval it waits for. */
function approvalText(a: NonNullable<ListRow['approval']>): string {
  const given = (a.steps ?? []).map((s) => `approved by ${s.by} (${s.role})`);
  return [`submitted by ${a.submittedBy} at ${fmtTime(a.submittedAt)}`, ...given, ...(a.next ? [`waits for the ${a.next}`] : [])].join('; ');
}

const waitsForApproval = (r: ListRow): boolean => r.status === 'pending' || r.approval?.status === 'pending';

function wide(el: HTMLElement): HTMLElement {
  el.classList.add('wide');
  return el;
}

export interface ListRights {
  readonly view: boolean;
  readonly designate: boolean;
  readonly import: boolean;
  readonly approve: boolean;
  readonly enter: boolean;
}

export function hotlistSections(cfg: Settings, may: ListRights): HTMLElement[] {
  let names: string[] = [];
  const panel = new Panel(async () => {
    const rows = asList<ListRow>(await get('/v1/hotlists'), 'lists');
    names = rows.map((r) => r.name);
    const pending = rows.filter(waitsForApproval);
    const out: Child[] = [
      table(
        ['List', 'Kind', 'State', 'Entries', 'Last import', 'Freshness'],
        rows.map((r) => [
          h('strong', {}, r.name),
          r.kind,
          h('span', { class: `badge ${r.status === 'pending' ? 'warn' : ''}` }, r.status),
          r.count,
          r.lastImport > 0 ? `${fmtTime(r.lastImport)} (${fmtAge((Date.now() - r.lastImport) / 1000)} ago)` : 'never',
          r.freshness ? h('span', { class: `pill list-${r.freshness.state}` }, r.freshness.state) : 'not a feed',
        ]),
        'Hot lists',
      ),
      h('h3', {}, 'Pending approval'),
      pending.length === 0
        ? h('p', { class: 'hint' }, 'Nothing waits for approval.')
        : h(
            'ul',
            { id: 'pending-lists' },
            ...pending.map((r) =>
              h(
                'li',
                {},
                `${r.name} (${r.kind}, ${r.count} entries${r.approval ? `; ${approvalText(r.approval)}` : ''}) `,
                may.approve
                  ? h('button', { type: 'button', class: 'small', 'data-approve': r.name, onclick: () => void approve(r.name) }, `Approve ${r.name}`)
                  : h('span', { class: 'hint' }, `the ${r.approval?.next ?? 'supervisor'} approves`),
              ),
            ),
          ),
    ];
    return out;
  });
  const approveStatus = h('p', { class: 'form-status' });
  const approve = async (list: string): Promise<void> => {
    try {
      const after = await post<ListRow>(`/v1/hotlists/${encodeURIComponent(list)}/approve`, {});
      const next = after.approval?.next;
      showStatus(approveStatus, next ? `${list}: your approval is recorded; it waits for the ${next}.` : `${list} approved; it is live.`, 'ok');
      await panel.refresh();
    } catch (e) {
      showStatus(approveStatus, e instanceof Error ? e.message : String(e), 'error');
    }
  };
  const refresh = (): void => void (may.view ? panel.refresh() : undefined);
  refresh();

  const progress = h('progress', { id: 'import-progress', max: 100, value: 0, 'aria-label': 'Upload progress' });
  const importForm = actionForm(
    'import',
    'Import',
    [
      h('div', { class: 'grid-2' }, field('import-list', 'List name', { required: true, list: 'list-names' }), h('div', {}, h('label', { for: 'import-file' }, 'File (CSV or JSON Lines)'), h('input', { id: 'import-file', name: 'file', type: 'file', accept: '.csv,.jsonl,.ndjson,text/csv', required: true }))),
      checkbox('import-replace', 'Replace the whole list (general lists: the newest download overwrites the old)'),
      progress,
    ],
    async (v, form) => {
      const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
      if (!file) throw new Error('choose a file');
      const type = /\.(jsonl|ndjson)$/i.test(file.name) ? 'application/x-ndjson' : 'text/csv';
      const path = `/v1/hotlists/${encodeURIComponent(v.list ?? '')}/import${v.replace ? '?replace=1' : ''}`;
      const report = await upload<{ imported: number; rejectedCount: number; excluded: number; generation: number }>(path, file, type, (sent, total) => {
        progress.value = total > 0 ? Math.round((sent / total) * 100) : 0;
      });
      progress.value = 100;
      refresh();
      return `Imported ${report.imported} entries, ${report.rejectedCount} rejected, ${report.excluded} excluded by source (generation ${report.generation}).`;
    },
  );

  const plateForm = actionForm(
    'hotplate',
    'Enter hot plate',
    [
      h('div', { class: 'grid-4' }, field('hp-list', 'List', { name: 'list', required: true, list: 'list-names' }), field('hp-plate', 'Plate or partial (?, *)', { name: 'plate', required: true, maxlength: 16 }), field('hp-state', 'State', { name: 'state', maxlength: 3 }), choice('hp-reason', 'Reason', cfg.reasons, { name: 'reason' })),
      h('div', { class: 'grid-4' }, field('hp-by', 'Entering member', { name: 'entered_by', required: true }), field('hp-phone', 'Contact phone', { name: 'phone', required: true, type: 'tel' }), field('hp-case', 'Case number', { name: 'case', required: true }), field('hp-priority', 'Priority (0–100)', { name: 'priority', type: 'number', min: 0, max: 100, value: 50 })),
      h('div', { class: 'grid-2' }, field('hp-synopsis', 'Synopsis', { name: 'synopsis', required: true, maxlength: 500 }), field('hp-expires', 'Expires', { name: 'expires', type: 'datetime-local' })),
      checkbox('hp-ncic', 'Also entered in NCIC (shorter expiry cap where the profile sets one)'),
    ],
    async (v) => {
      const entry = await post<{ list: ListRow }>('/v1/hotplates', {
        list: v.list,
        plate: v.plate?.toUpperCase(),
        ...(v.state ? { state: v.state.toUpperCase() } : {}),
        reason: v.reason,
        priority: Number(v.priority || 50),
        entered_by: v.entered_by,
        phone: v.phone,
        case: v.case,
        synopsis: v.synopsis,
        ...(dateMs(v.expires) !== undefined ? { expires: dateMs(v.expires) } : {}),
        ...(v.ncic ? { ncic: true } : {}),
      });
      refresh();
      return `Hot plate ${v.plate?.toUpperCase() ?? ''} entered${entry.list.status === 'pending' ? '; the list waits for approval before it matches' : ''}.`;
    },
  );
  const designate = actionForm(
    'designate',
    'Save list',
    [
      h('div', { class: 'grid-3' }, field('dl-name', 'List name', { name: 'name', required: true, pattern: '[A-Za-z0-9_.-]{1,64}' }), choice('dl-kind', 'Kind', cfg.listKinds, { name: 'kind' }), field('dl-distance', 'Fuzzy distance (0 = exact)', { name: 'maxDistance', type: 'number', min: 0, max: 3, step: 0.5, value: 1 })),
      checkbox('dl-informational', 'Hits are informational (special lists always are)'),
      checkbox('dl-covert', 'Covert: hits reach only cleared roles'),
    ],
    async (v) => {
      const list = await put<ListRow>(`/v1/hotlists/${encodeURIComponent(v.name ?? '')}`, { kind: v.kind, maxDistance: Number(v.maxDistance || 0), ...(v.informational ? { informational: true } : {}), ...(v.covert ? { covert: true } : {}) });
      await panel.refresh();
      return `List ${list.name} saved (${list.kind}, ${list.status}).`;
    },
  );
  const datalist = h('datalist', { id: 'list-names' });
  const refreshNames = (): void => datalist.replaceChildren(...names.map((n) => h('option', { value: n })));
  importForm.addEventListener('focusin', refreshNames);
  plateForm.addEventListener('focusin', refreshNames);

  const out: HTMLElement[] = [];
  if (may.view) out.push(section('hotlists', 'Hot lists', panel.el, approveStatus, h('button', { type: 'button', class: 'secondary', onclick: () => void panel.refresh() }, 'Refresh')));
  if (may.designate || may.import) out.push(section('import-card', 'Designate or import a list', may.designate ? designate : null, may.import ? h('h3', {}, 'Import a feed file') : null, may.import ? importForm : null));
  if (may.enter) out.push(wide(section('hotplate-card', 'Manual hot plate (required: member, phone, case, synopsis)', plateForm)));
  out[0]?.append(datalist);
  return out;
}
