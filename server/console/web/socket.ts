/**
 * The console channel from a browser (PROTOCOL.md, `/v1/console`): JSON text frames, the
 * session token in `?token=` (a browser cannot set headers on a WebSocket), `sub` on every
 * open, with `since` = the last hit seq seen once the page has seen any, so after a network
 * drop or a slow-consumer disconnect the server replays what the console missed. Reconnects
 * with a growing delay, capped, and reports its state to the page.
 */

export type LinkState = 'connecting' | 'live' | 'reconnecting';

export interface ConsoleLinkOptions {
  readonly token: string;
  /** The `since` of the next `sub`: the last hit seq the page holds (0 = none yet). */
  readonly lastSeq: () => number;
  readonly onFrame: (frame: Record<string, unknown>) => void;
  readonly onState: (state: LinkState, detail?: string) => void;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;

export class ConsoleLink {
  private ws: WebSocket | undefined;
  private delay = MIN_DELAY_MS;
  private timer: number | undefined;
  private closed = false;

  constructor(private readonly o: ConsoleLinkOptions) {}

  open(): void {
    this.closed = false;
    this.o.onState(this.ws ? 'reconnecting' : 'connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/v1/console?token=${encodeURIComponent(this.o.token)}`);
    this.ws = ws;
    ws.onopen = () => {
      this.delay = MIN_DELAY_MS;
      const since = this.o.lastSeq();
      // A page starting fresh asks for the hits still open, so a shift starts with them.
      ws.send(JSON.stringify(since > 0 ? { t: 'sub', since } : { t: 'sub', open: true }));
      this.o.onState('live');
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(ev.data) as Record<string, unknown>;
      } catch {
        return;
      }
      this.o.onFrame(frame);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.closed) return;
      this.o.onState('reconnecting', ev.reason || `closed (${ev.code})`);
      this.timer = window.setTimeout(() => this.open(), this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    };
  }

  send(frame: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.timer);
    this.ws?.close();
  }
}
