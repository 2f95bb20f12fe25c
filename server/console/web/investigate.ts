/**
 * The investigation page (`/console/investigate`). POLICY R2: the case or incident number and
 * the purpose come first, and the search form stays disabled until the profile's rule is met
 * (`both`, or `either` for SM/MO); every search, view and image carries them. Results come
 * newest first with thumbnails and a plot of where the reads were; a detection opens in a
 * dialog; selected detections go under an evidence hold for the case (POLICY R7).
 */
import { describe, get, post, query, settings, type Session, type Settings } from './api.js';
import { announce, fill, fmtTime, formValues, h, label, showStatus } from './dom.js';
import { dateMs } from './forms.js';
import { detectionImage } from './images.js';
import { inquiryComplete, type Inquiry } from './inquiry.js';
import { plotSvg } from './plot.js';
import { section, startPage } from './shell.js';

interface Detection {
  readonly id: string;
  readonly cam: string;
  readonly ts: number;
  readonly plate?: string;
  readonly st?: string;
  readonly conf?: number;
  readonly lat?: number;
  readonly lon?: number;
  readonly veh?: { make?: string; model?: string; color?: string; body?: string };
  readonly crop?: { fmt: string; w?: number; h?: number };
  readonly hasImages?: boolean;
}

interface SearchAnswer {
  readonly total: number;
  readonly items: Detection[];
  readonly cursor?: string;
}

const vehicleText = (d: Detection): string => (d.veh ? [d.veh.color, d.veh.make, d.veh.model, d.veh.body].filter(Boolean).join(' ') : '');

class InvestigatePage {
  private inquiry: Inquiry | undefined;
  private results: Detection[] = [];
  private cursor: string | undefined;
  private lastSearch: Record<string, unknown> | undefined;
  private readonly selected = new Set<string>();
  private readonly searchSet = h('fieldset', { disabled: true, id: 'search-fields' });
  private readonly searchStatus = h('p', { class: 'form-status' });
  private readonly banner = h('div', { id: 'inquiry-banner', hidden: true, class: 'inquiry-banner', role: 'status' });
  private readonly table = h('tbody', { id: 'results' });
  private readonly summary = h('p', { id: 'result-summary', role: 'status' });
  private readonly plot = h('div', { id: 'plot' });
  private readonly more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => void this.search(true) }, 'Load more');
  private readonly holdStatus = h('p', { class: 'form-status' });
  private readonly dialog = h('dialog', { id: 'detection-dialog', 'aria-labelledby': 'det-title' });

  constructor(
    private readonly cfg: Settings,
    main: HTMLElement,
  ) {
    fill(
      main,
      h('h1', {}, 'Investigation'),
      this.inquiryForm(),
      this.banner,
      this.searchForm(),
      h(
        'div',
        { class: 'results' },
        section(
          'results-card',
          'Results',
          this.summary,
          h('table', {}, h('thead', {}, h('tr', {}, ...['Hold', 'Crop', 'Plate', 'State', 'Camera', 'Time', 'Vehicle', ''].map((c) => h('th', { scope: 'col' }, c)))), this.table),
          this.more,
        ),
        h('div', {}, section('plot-card', 'Where the reads were', this.plot), this.holdForm()),
      ),
      this.dialog,
    );
    this.renderResults();
  }

  private inquiryForm(): HTMLElement {
    const status = h('p', { class: 'form-status' });
    const needs = this.cfg.inquiry.requires === 'either' ? 'a case number or a purpose' : 'a case number and a purpose';
    const form = h(
      'form',
      { id: 'inquiry-form', 'aria-describedby': 'inquiry-help' },
      h('p', { id: 'inquiry-help', class: 'hint' }, `Every search, view and image is logged under ${needs} (${this.cfg.department}). The search stays locked until you give them.`),
      h(
        'div',
        { class: 'grid-3' },
        h('div', {}, h('label', { for: 'inq-case' }, 'Case or incident number'), h('input', { id: 'inq-case', name: 'case', maxlength: 64, autocomplete: 'off', required: this.cfg.inquiry.requires === 'both' })),
        h(
          'div',
          {},
          h('label', { for: 'inq-purpose' }, 'Purpose'),
          h('select', { id: 'inq-purpose', name: 'purpose', required: this.cfg.inquiry.requires === 'both' }, h('option', { value: '' }, 'Choose a permitted purpose'), ...this.cfg.inquiry.purposes.map((p) => h('option', { value: p }, label(p)))),
        ),
        h('div', {}, h('button', { type: 'submit', id: 'inq-begin' }, 'Begin inquiry')),
      ),
      status,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = formValues(form);
      const inq = { case: v.case ?? '', purpose: v.purpose ?? '' };
      if (!inquiryComplete(this.cfg.inquiry.requires, inq)) return showStatus(status, `Give ${needs} first.`, 'error');
      status.textContent = '';
      this.begin(inq);
    });
    return section('inquiry', '1. Case and purpose', form);
  }

  private begin(inq: Inquiry): void {
    this.inquiry = inq;
    this.searchSet.disabled = false;
    // The inquiry form folds into the banner so the results fit a laptop screen.
    const card = document.getElementById('inquiry');
    if (card) card.hidden = true;
    const change = h('button', { type: 'button', class: 'small secondary', onclick: () => this.change() }, 'Change case or purpose');
    fill(this.banner, h('strong', {}, 'Inquiry'), `case ${inq.case || '—'} · purpose ${label(inq.purpose) || '—'}`, change);
    this.banner.hidden = false;
    announce('Inquiry recorded; the search is unlocked.');
    document.getElementById('s-pattern')?.focus();
  }

  /** Back to the case and purpose: the search locks again until they are given. */
  private change(): void {
    this.inquiry = undefined;
    this.searchSet.disabled = true;
    this.banner.hidden = true;
    const card = document.getElementById('inquiry');
    if (card) card.hidden = false;
    document.getElementById('inq-case')?.focus();
  }

  private searchForm(): HTMLElement {
    const field = (id: string, text: string, attrs: Record<string, string | number | boolean> = {}): HTMLElement =>
      h('div', {}, h('label', { for: id }, text), h('input', { id, name: id.slice(2), autocomplete: 'off', ...attrs }));
    fill(
      this.searchSet,
      h('legend', {}, 'Search stored detections'),
      h(
        'div',
        { class: 'grid-4' },
        h('div', {}, h('label', { for: 's-pattern' }, 'Plate pattern'), h('input', { id: 's-pattern', name: 'pattern', required: true, maxlength: 32, autocomplete: 'off', 'aria-describedby': 's-pattern-help', spellcheck: 'false' })),
        field('s-from', 'From', { type: 'datetime-local' }),
        field('s-to', 'To', { type: 'datetime-local' }),
        field('s-cams', 'Cameras (comma separated)'),
      ),
      h('p', { id: 's-pattern-help', class: 'hint' }, '? one character, * any run of characters, [ABC] one of A, B or C. Example: 7AB?12*'),
      h('div', { class: 'grid-4' }, field('s-state', 'State', { maxlength: 3 }), field('s-make', 'Make'), field('s-color', 'Colour'), field('s-body', 'Body')),
      h('div', { class: 'row' }, h('button', { type: 'submit', id: 's-submit' }, 'Search'), h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'fuzzy', id: 's-fuzzy' }), 'Also find OCR look-alikes (0/O, 8/B …)')),
    );
    const form = h('form', { id: 'search-form' }, this.searchSet, this.searchStatus);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = formValues(form);
      const cams = (v.cams ?? '').split(',').map((c) => c.trim()).filter(Boolean);
      this.lastSearch = {
        pattern: v.pattern,
        ...(v.fuzzy ? { fuzzy: true } : {}),
        ...(dateMs(v.from) !== undefined ? { from: dateMs(v.from) } : {}),
        ...(dateMs(v.to) !== undefined ? { to: dateMs(v.to) } : {}),
        ...(cams.length ? { cams } : {}),
        ...(v.state ? { state: v.state.toUpperCase() } : {}),
        ...(v.make ? { make: v.make } : {}),
        ...(v.color ? { color: v.color } : {}),
        ...(v.body ? { body: v.body } : {}),
        limit: 100,
      };
      void this.search(false);
    });
    return section('search', '2. Search', form);
  }

  private async search(more: boolean): Promise<void> {
    if (!this.inquiry || !this.lastSearch) return;
    showStatus(this.searchStatus, 'Searching…', 'ok');
    try {
      const body = { ...this.lastSearch, ...(more && this.cursor ? { cursor: this.cursor } : {}), case: this.inquiry.case || undefined, purpose: this.inquiry.purpose || undefined };
      const ans = await post<SearchAnswer>('/v1/search', body);
      if (!more) {
        this.results = [];
        this.selected.clear();
      }
      this.results.push(...ans.items);
      this.cursor = ans.cursor;
      this.searchStatus.textContent = '';
      this.renderResults(ans.total);
      announce(`${ans.total} detection${ans.total === 1 ? '' : 's'} found.`);
    } catch (e) {
      showStatus(this.searchStatus, describe(e), 'error');
    }
  }

  private renderResults(total?: number): void {
    const inq = this.inquiry;
    this.summary.textContent = total === undefined ? 'No search yet.' : `${total} found, ${this.results.length} shown, newest first.`;
    fill(
      this.table,
      ...this.results.map((d) => {
        const thumb = h('img', { class: 'thumb', alt: d.crop ? `crop of ${d.plate ?? 'read'}` : 'no crop', hidden: !d.crop });
        if (d.crop && inq) void detectionImage(d.id, 'crop', inq).then((src) => src && (thumb.src = src), () => undefined);
        const box = h('input', { type: 'checkbox', 'aria-label': `Select ${d.plate ?? d.id} for an evidence hold`, checked: this.selected.has(d.id) });
        box.addEventListener('change', () => (box.checked ? this.selected.add(d.id) : this.selected.delete(d.id)));
        return h(
          'tr',
          { 'data-det': d.id },
          h('td', {}, box),
          h('td', {}, thumb),
          h('td', {}, h('span', { class: 'plate' }, d.plate ?? '—')),
          h('td', {}, d.st ?? ''),
          h('td', {}, d.cam),
          h('td', {}, fmtTime(d.ts)),
          h('td', {}, vehicleText(d)),
          h('td', {}, h('button', { type: 'button', class: 'small secondary', onclick: () => void this.open(d.id) }, 'Open')),
        );
      }),
    );
    this.more.hidden = !this.cursor;
    const points = this.results.filter((d) => d.lat !== undefined && d.lon !== undefined).map((d) => ({ lat: d.lat!, lon: d.lon!, label: `${d.plate ?? '?'} ${d.cam} ${fmtTime(d.ts)}` }));
    fill(this.plot, plotSvg(points));
  }

  private async open(id: string): Promise<void> {
    const inq = this.inquiry;
    if (!inq) return;
    try {
      const d = await get<Detection>(`/v1/detections/${encodeURIComponent(id)}${query({ case: inq.case, purpose: inq.purpose })}`);
      const crop = h('img', { class: 'crop', alt: `plate crop of ${d.plate ?? 'the read'}`, hidden: true });
      const overview = h('img', { class: 'overview', alt: 'overview image of the vehicle', hidden: true });
      fill(
        this.dialog,
        h('h2', { id: 'det-title' }, `Detection ${d.plate ?? ''}`),
        crop,
        h(
          'dl',
          { class: 'facts' },
          ...([
            ['Plate', `${d.plate ?? '—'} ${d.st ?? ''}`],
            ['Camera', d.cam],
            ['Time', fmtTime(d.ts)],
            ['Place', d.lat !== undefined && d.lon !== undefined ? `${d.lat.toFixed(5)}, ${d.lon.toFixed(5)}` : '—'],
            ['Vehicle', vehicleText(d) || '—'],
            ['OCR confidence', d.conf !== undefined ? d.conf.toFixed(2) : '—'],
            ['Id', d.id],
          ] as const).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        ),
        overview,
        h('form', { method: 'dialog' }, h('button', { type: 'submit', id: 'det-close' }, 'Close')),
      );
      this.dialog.showModal();
      if (d.crop) void detectionImage(d.id, 'crop', inq).then((src) => src && ((crop.src = src), (crop.hidden = false)), () => undefined);
      if (d.hasImages) void detectionImage(d.id, 'image', inq).then((src) => src && ((overview.src = src), (overview.hidden = false)), () => undefined);
    } catch (e) {
      showStatus(this.searchStatus, describe(e), 'error');
    }
  }

  private holdForm(): HTMLElement {
    const form = h(
      'form',
      { id: 'hold-form' },
      h('p', { class: 'hint' }, 'Selected detections are kept as evidence for this case past the retention window, until a records custodian releases the hold.'),
      h('label', { for: 'hold-note' }, 'Note'),
      h('textarea', { id: 'hold-note', name: 'note', rows: 2, maxlength: 2000 }),
      h('button', { type: 'submit', id: 'hold-submit' }, 'Place evidence hold on selected'),
      this.holdStatus,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const inq = this.inquiry;
      if (!inq) return showStatus(this.holdStatus, 'Begin an inquiry first.', 'error');
      if (this.selected.size === 0) return showStatus(this.holdStatus, 'Select at least one detection.', 'error');
      const note = formValues(form).note;
      post<{ id: string; ids: string[] }>('/v1/holds', { case: inq.case, purpose: inq.purpose, ids: [...this.selected], ...(note ? { note } : {}) }).then(
        (hold) => showStatus(this.holdStatus, `Hold ${hold.id} placed on ${hold.ids.length} detection${hold.ids.length === 1 ? '' : 's'}.`, 'ok'),
        (e: unknown) => showStatus(this.holdStatus, describe(e), 'error'),
      );
    });
    return section('hold', 'Evidence hold', form);
  }
}

void startPage('investigate', (_s: Session, main) => {
  void settings().then((cfg) => new InvestigatePage(cfg, main));
});
