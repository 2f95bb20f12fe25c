/**
 * The dispatch console (`/console/`): the live list of hits, newest first, the selected hit's
 * detail with its next step, camera health and list freshness at a glance, the connection
 * state, and the switchable sound. Hits others acted on update live (`hit-update`); after a
 * drop the link resubscribes with `since` and the page says how many hits it missed.
 */
import { get, type Session } from './api.js';
import { Beeper } from './beep.js';
import { announce, fmtAge, h, fill, label, showStatus } from './dom.js';
import { hitDetail, hitListItem, hitSummary } from './hit-view.js';
import { HitBoard, type HitFrame, type HitUpdateFrame } from './hits.js';
import { startPage } from './shell.js';
import { ConsoleLink, type LinkState } from './socket.js';

interface Healthz {
  readonly cameras: Record<string, number>;
  readonly faults: ReadonlyArray<{ cam: string; state: string; reason?: string }>;
  readonly lists: ReadonlyArray<{ list: string; state: string; age: number }>;
}

const SEQ_KEY = 'platesafe.lastSeq';
const HEALTH_POLL_MS = 60_000;
const URGENT_PRIORITY = 80;

class DispatchPage {
  private readonly board = new HitBoard(500, Number(sessionStorage.getItem(SEQ_KEY) ?? 0));
  private readonly beeper = new Beeper();
  private readonly cams = new Map<string, string>();
  private camCounts: Record<string, number> = {};
  private readonly lists = new Map<string, { state: string; age: number }>();
  private selected: string | undefined;
  /** The list entry drawn for each hit, by hit id. */
  private readonly items = new Map<string, HTMLLIElement>();
  private missedSinceReconnect = 0;
  private readonly link: ConsoleLink;

  private readonly hitList = h('ol', { id: 'hits', class: 'hits', 'aria-label': 'Hits, newest first' });
  private readonly detail = h('aside', { id: 'detail', class: 'card detail-pane', 'aria-label': 'Selected hit' });
  private readonly detailStatus = h('p', { class: 'form-status', id: 'detail-status' });
  private readonly linkPill = h('span', { class: 'pill', id: 'link-state', role: 'status' }, 'connecting');
  private readonly missedBanner = h('p', { class: 'missed-banner', id: 'missed', role: 'status', hidden: true });
  private readonly healthBox = h('div', { class: 'health', id: 'camera-health', 'aria-label': 'Camera health' });
  private readonly listBox = h('div', { class: 'health', id: 'list-freshness', 'aria-label': 'Hot-list freshness' });
  private readonly countBox = h('span', { class: 'count', id: 'hit-count' }, '0');

  constructor(s: Session, main: HTMLElement) {
    const sound = h('button', { type: 'button', class: 'secondary', id: 'sound-toggle', 'aria-pressed': String(this.beeper.enabled) }, this.soundLabel());
    sound.addEventListener('click', () => {
      this.beeper.set(!this.beeper.enabled);
      sound.setAttribute('aria-pressed', String(this.beeper.enabled));
      sound.textContent = this.soundLabel();
    });
    fill(
      main,
      h(
        'div',
        { class: 'dispatch' },
        h('div', { class: 'strip', role: 'region', 'aria-label': 'System status' }, h('span', {}, 'Link: ', this.linkPill), sound, this.healthBox, this.listBox),
        this.missedBanner,
        h('section', { class: 'card list-pane', 'aria-labelledby': 'hits-title' }, h('h1', { id: 'hits-title' }, 'Hits ', this.countBox), this.hitList),
        this.detail,
      ),
    );
    this.renderDetail();
    this.link = new ConsoleLink({
      token: s.token,
      lastSeq: () => this.board.lastSeq,
      onFrame: (f) => this.onFrame(f),
      onState: (st, detail) => this.onLink(st, detail),
    });
    this.link.open();
    void this.pollHealth();
    window.setInterval(() => void this.pollHealth(), HEALTH_POLL_MS);
  }

  private soundLabel(): string {
    return this.beeper.enabled ? 'Sound on' : 'Sound off';
  }

  private onLink(state: LinkState, detail?: string): void {
    this.linkPill.textContent = state === 'reconnecting' && detail ? `reconnecting (${detail})` : state;
    this.linkPill.className = `pill link-${state}`;
    if (state === 'reconnecting') {
      this.missedSinceReconnect = 0;
      announce('Connection lost; reconnecting.');
    } else if (state === 'live') announce('Connected; hits are live.');
  }

  private onFrame(f: Record<string, unknown>): void {
    switch (f.t) {
      case 'hit':
        return this.onHit(f as unknown as HitFrame);
      case 'hit-update': {
        const v = this.board.update(f as unknown as HitUpdateFrame);
        if (!v) return;
        const mine = v.frame.hit === this.selected;
        if (mine) showStatus(this.detailStatus, `${label(v.state)} recorded${v.by ? ` by ${v.by}` : ''}.`, 'ok');
        this.renderHit(v.frame.hit);
        if (mine) this.renderDetail();
        return;
      }
      case 'health':
        this.cams.set(String(f.cam), String(f.state));
        return this.renderHealth();
      case 'list':
        this.lists.set(String(f.list), { state: String(f.state), age: Number(f.age) });
        return this.renderHealth();
      case 'err':
        showStatus(this.detailStatus, `${String(f.msg)} (${String(f.code)})`, 'error');
        return;
    }
  }

  private onHit(f: HitFrame): void {
    const arrival = this.board.addHit(f);
    sessionStorage.setItem(SEQ_KEY, String(this.board.lastSeq));
    if (arrival === 'known') return;
    if (f.replay && arrival === 'new') {
      this.missedSinceReconnect++;
      this.missedBanner.hidden = false;
      this.missedBanner.textContent = `Reconnected: ${this.missedSinceReconnect} hit${this.missedSinceReconnect === 1 ? '' : 's'} arrived while this console was offline (marked “missed”).`;
    }
    const v = this.board.get(f.hit)!;
    this.beeper.play(arrival === 'escalated' || f.entry.pri >= URGENT_PRIORITY);
    announce(`${arrival === 'escalated' ? 'Escalated hit' : 'New hit'}: ${hitSummary(v)}. Unverified.`, true);
    this.selected ??= f.hit;
    this.renderHit(f.hit);
    this.dropEvicted();
    if (this.selected === f.hit) this.renderDetail();
  }

  private select(id: string): void {
    const before = this.selected;
    this.selected = id;
    this.detailStatus.textContent = '';
    if (before && before !== id) this.renderHit(before);
    this.renderHit(id);
    this.renderDetail();
    this.detail.querySelector<HTMLElement>('#detail-title')?.focus();
  }

  private send = (frame: Record<string, unknown>): void => {
    if (this.link.send(frame)) showStatus(this.detailStatus, `${label(String(frame.t))} sent…`, 'ok');
    else showStatus(this.detailStatus, 'Not connected: the step was not sent. It can be repeated once the link is live.', 'error');
  };

  /**
   * Draw one hit's entry in place, or insert it in seq order (newest first). Only the entry
   * that changed is rebuilt, so a long shift's list costs the same per hit as an empty one.
   */
  private renderHit(id: string): void {
    const v = this.board.get(id);
    if (!v) return;
    const li = hitListItem(v, id === this.selected, (hit) => this.select(hit));
    li.dataset.seq = String(v.frame.seq);
    const old = this.items.get(id);
    this.items.set(id, li);
    if (old) {
      const hadFocus = old.contains(document.activeElement);
      old.replaceWith(li);
      if (hadFocus) li.querySelector('button')?.focus();
    } else {
      let after: Element | null = this.hitList.firstElementChild;
      while (after && Number((after as HTMLElement).dataset.seq) > v.frame.seq) after = after.nextElementSibling;
      this.hitList.insertBefore(li, after);
    }
    this.renderCount();
  }

  /** Remove entries the board let go of to stay bounded. */
  private dropEvicted(): void {
    if (this.items.size <= this.board.size) return;
    for (const [id, li] of this.items) {
      if (this.board.get(id)) continue;
      li.remove();
      this.items.delete(id);
    }
    this.renderCount();
  }

  private renderCount(): void {
    let open = 0;
    for (const v of this.board.list()) if (v.state !== 'disposed') open++;
    this.countBox.textContent = `${open} open · ${this.board.size} shown`;
  }

  private renderDetail(): void {
    const v = this.selected ? this.board.get(this.selected) : undefined;
    if (!v) {
      fill(this.detail, h('h2', {}, 'No hit selected'), h('p', {}, 'New hits appear on the left, newest first. Select one to verify and dispose it.'));
      return;
    }
    const keepStatus = this.detailStatus.textContent;
    fill(this.detail, hitDetail(v, this.send, this.detailStatus));
    this.detailStatus.textContent = keepStatus;
  }

  private async pollHealth(): Promise<void> {
    try {
      const hz = await get<Healthz>('/healthz');
      this.camCounts = hz.cameras;
      for (const f of hz.faults) this.cams.set(f.cam, f.state);
      for (const l of hz.lists) this.lists.set(l.list, { state: l.state, age: l.age });
      this.renderHealth();
    } catch {
      // The link pill already shows a server that does not answer.
    }
  }

  private renderHealth(): void {
    const bad = [...this.cams].filter(([, st]) => st !== 'ok');
    const counts = Object.entries(this.camCounts).map(([st, n]) => `${n} ${st}`).join(', ') || 'no cameras';
    fill(
      this.healthBox,
      h('strong', {}, 'Cameras: '),
      counts,
      ...bad.map(([cam, st]) => h('span', { class: `pill cam-${st}` }, `${cam}: ${st}`)),
    );
    fill(
      this.listBox,
      h('strong', {}, 'Lists: '),
      this.lists.size === 0 ? 'none' : null,
      ...[...this.lists].map(([name, l]) => h('span', { class: `pill list-${l.state}`, title: `last import ${fmtAge(l.age)} ago` }, `${name}: ${l.state} (${fmtAge(l.age)})`)),
    );
  }
}

void startPage('dispatch', (s, main) => new DispatchPage(s, main));
