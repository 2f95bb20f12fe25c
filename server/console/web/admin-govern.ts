/**
 * Governance on the administration page: release requests with the approver's decision and
 * the export of an approved request (POLICY R8), the random audit sample and the supervisor's
 * review of each sampled inquiry (POLICY R3, EC 427.8), and the quarterly report (POLICY R9).
 */
import { blobUrl, get, post, query } from './api.js';
import { fill, fmtTime, h, label, showStatus, type Child } from './dom.js';
import { actionForm, asList, choice, field, Panel, table } from './forms.js';
import { section } from './shell.js';

interface ReleaseRow {
  readonly id: string;
  readonly agencyName: string;
  readonly requester: { readonly name: string };
  readonly purpose: string;
  readonly case: string;
  readonly status: string;
  /** Rules of the profile that denied it automatically (POLICY R8). */
  readonly rules: readonly string[];
}

/** `POST /v1/audit/samples`: the audit records picked, by seq. */
interface Sample {
  readonly sample: number;
  readonly from: number;
  readonly to: number;
  readonly population: number;
  readonly picks: readonly number[];
}

interface AuditRow {
  readonly seq: number;
  readonly ts: number;
  readonly action: string;
  readonly actor: string;
  readonly case?: string;
  readonly purpose?: string;
}

export function releaseSections(): HTMLElement[] {
  const status = h('p', { class: 'form-status' });
  const act = (work: Promise<unknown>, done: string): void => {
    work.then(
      () => {
        showStatus(status, done, 'ok');
        void panel.refresh();
      },
      (e: unknown) => showStatus(status, e instanceof Error ? e.message : String(e), 'error'),
    );
  };
  const decide = (id: string, approve: boolean): void => act(post(`/v1/releases/${encodeURIComponent(id)}/decision`, { approve }), `Request ${id} ${approve ? 'approved' : 'denied'}.`);
  const fulfil = (id: string): void =>
    act(
      post(`/v1/releases/${encodeURIComponent(id)}/fulfil`, {}).then((out) => {
        const url = URL.createObjectURL(new Blob([JSON.stringify(out, null, 2)], { type: 'application/json' }));
        window.open(url, '_blank', 'noopener');
      }),
      `Export of ${id} opened.`,
    );
  const panel = new Panel(async () => {
    const rows = asList<ReleaseRow>(await get('/v1/releases'), 'requests');
    return [
      table(
        ['Request', 'Agency', 'Requester', 'Case', 'Purpose', 'State', ''],
        rows.map((r) => {
          const actions: Child[] =
            r.status === 'pending'
              ? [h('button', { type: 'button', class: 'small', onclick: () => decide(r.id, true) }, 'Approve'), ' ', h('button', { type: 'button', class: 'small secondary', onclick: () => decide(r.id, false) }, 'Deny')]
              : r.status === 'approved'
                ? [h('button', { type: 'button', class: 'small secondary', onclick: () => fulfil(r.id) }, 'Export')]
                : [r.rules.length ? `denied by rule: ${r.rules.map(label).join(', ')}` : ''];
          return [r.id, r.agencyName, r.requester.name, r.case, r.purpose, h('span', { class: 'badge' }, label(r.status)), h('span', {}, ...actions)];
        }),
        'Release requests',
      ),
    ];
  });
  void panel.refresh();
  return [section('releases', 'Release requests', panel.el, status)];
}

export function auditSections(): HTMLElement[] {
  const sampleBox = h('div', { id: 'audit-sample' });
  const renderSample = async (sample: Sample): Promise<void> => {
    // The picked inquiries' records, for the reviewer to judge (auditors and supervisors read them).
    const picked = new Set(sample.picks);
    let records: AuditRow[] = [];
    try {
      records = (await get<AuditRow[]>(`/v1/audit${query({ from: sample.from, to: sample.to, limit: 10_000 })}`)).filter((r) => picked.has(r.seq));
    } catch {
      records = sample.picks.map((seq) => ({ seq, ts: Number.NaN, action: '—', actor: '—' }));
    }
    fill(
      sampleBox,
      h('p', {}, `Sample ${sample.sample}: ${sample.picks.length} of ${sample.population} browsing inquiries, drawn at random, to review.`),
      table(
        ['Seq', 'Who', 'When', 'Action', 'Case', 'Purpose', 'Review'],
        records.map((r) => [r.seq, r.actor, fmtTime(r.ts), r.action, r.case ?? '—', label(r.purpose ?? '—'), reviewForm(sample.sample, r.seq)]),
        'Sampled inquiries',
      ),
    );
  };
  const reviewForm = (sampleId: number, seq: number): HTMLElement => {
    const status = h('span', { class: 'form-status' });
    const outcome = h('select', { 'aria-label': `Outcome for inquiry ${seq}` }, h('option', { value: 'compliant' }, 'compliant'), h('option', { value: 'violation' }, 'violation'));
    const note = h('input', { 'aria-label': `Note for inquiry ${seq}`, placeholder: 'note' });
    const save = h('button', { type: 'button', class: 'small' }, 'Record');
    save.addEventListener('click', () => {
      post(`/v1/audit/samples/${sampleId}/reviews`, { seq, outcome: outcome.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) }).then(
        () => showStatus(status, 'recorded', 'ok'),
        (e: unknown) => showStatus(status, e instanceof Error ? e.message : String(e), 'error'),
      );
    });
    return h('span', { class: 'review' }, outcome, note, save, status);
  };
  const draw = actionForm(
    'audit-draw',
    'Draw sample',
    [h('div', { class: 'grid-3' }, field('ad-months', 'Months back', { name: 'months', type: 'number', min: 1, max: 24, value: 6 }), field('ad-count', 'Inquiries', { name: 'count', type: 'number', min: 1, max: 500, value: 10 }), field('ad-seed', 'Seed (optional, to repeat a draw)', { name: 'seed' }))],
    async (v) => {
      const sample = await post<Sample>('/v1/audit/samples', { months: Number(v.months), count: Number(v.count), ...(v.seed ? { seed: v.seed } : {}) });
      await renderSample(sample);
      return `Sample ${sample.sample} drawn.`;
    },
    true,
  );
  const verify = new Panel(async () => {
    const r = await get<{ ok: boolean; checked: number; firstBroken?: number }>('/v1/audit/verify');
    return [h('p', { class: r.ok ? 'form-status ok' : 'form-status error' }, r.ok ? `Audit chain intact: ${r.checked} records checked.` : `Audit chain broken at record ${String(r.firstBroken)}.`)];
  });
  const now = new Date();
  const report = actionForm(
    'report',
    'Open quarterly report',
    [h('div', { class: 'grid-2' }, field('rp-year', 'Year', { name: 'year', type: 'number', value: now.getFullYear() }), choice('rp-quarter', 'Quarter', ['1', '2', '3', '4'], { name: 'quarter' }))],
    async (v) => {
      const url = await blobUrl(`/v1/reports/quarterly${query({ year: v.year, quarter: v.quarter, format: 'html' })}`);
      window.open(url, '_blank', 'noopener');
      return `Report ${v.year ?? ''} Q${v.quarter ?? ''} opened in a new tab.`;
    },
    true,
  );
  return [
    section('audit', 'Audit samples', draw, sampleBox, h('h3', {}, 'Audit chain'), verify.el, h('button', { type: 'button', class: 'secondary', onclick: () => void verify.refresh() }, 'Verify the chain')),
    section('reports', 'Quarterly report', report, h('p', { class: 'hint' }, 'Activity, hits by list, searches by purpose, releases, audits and purges (POLICY R9). '), h('a', { href: '/transparency' }, 'Public transparency page')),
  ];
}
