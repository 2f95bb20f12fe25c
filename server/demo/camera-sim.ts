/**
 * A simulated camera speaking PROTOCOL.md over a real WebSocket, as a well-behaved camera
 * does: `hello`, resend everything after `welcome.ack`, keep every read until it is acked,
 * stop on `busy` and resend after `retry`, forget a read on `nack`. The demo fleet and the
 * fleet benchmark are built from it.
 */
import { encode } from 'msgpackr';
import WebSocket from 'ws';
import { Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ mapsAsObjects: true, useRecords: false });

export type ReadBody = Record<string, unknown> & { plate?: string };

export interface SimCameraOptions {
  readonly url: string;
  readonly cam: string;
  readonly token: string;
  /** Reads a second. */
  readonly rate: number;
  /** Frames leave every `tickMs`, one `reads` batch each. */
  readonly tickMs?: number;
  /** Reads sent and not yet acked at most; later ones wait on the camera, as on a real one. */
  readonly window?: number;
  /** Produces the content of the next read (plate, st, position…). */
  readonly next: (seq: number) => ReadBody;
  /** Called when a read is acknowledged, with its round-trip in ms. */
  readonly onAck?: (seq: number, ms: number) => void;
  readonly onNack?: (seq: number, code: string) => void;
  readonly onError?: (frame: Record<string, unknown>) => void;
}

export interface SimCameraStats {
  sent: number;
  acked: number;
  nacked: number;
  busy: number;
  reconnects: number;
}

export class SimCamera {
  readonly stats: SimCameraStats = { sent: 0, acked: 0, nacked: 0, busy: 0, reconnects: 0 };
  private ws: WebSocket | undefined;
  private seq = 0;
  private readonly unacked = new Map<number, { body: Record<string, unknown>; sentAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private pausedUntil = 0;
  private credit = 0;
  private welcomed = false;
  private stopped = false;
  private lastTick = 0;
  /** Highest seq sent on the current connection. */
  private sentUpTo = 0;

  constructor(private readonly o: SimCameraOptions) {}

  get pending(): number {
    return this.unacked.size;
  }

  /** Connect and say hello; resolves on `welcome`. */
  connect(): Promise<void> {
    this.welcomed = false;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.o.url, { headers: { authorization: `Bearer ${this.o.token}` } });
      this.ws = ws;
      ws.binaryType = 'nodebuffer';
      ws.on('open', () => ws.send(encode({ t: 'hello', cam: this.o.cam, fw: 'sim-1' })));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const frame = (isBinary ? unpackr.unpack(data) : JSON.parse(data.toString())) as Record<string, unknown>;
        if (frame.t === 'welcome') {
          this.onWelcome(Number(frame.ack));
          resolve();
        } else this.onFrame(frame);
      });
      ws.on('error', (e) => (this.welcomed ? undefined : reject(e)));
      ws.on('close', () => {
        this.welcomed = false;
        if (!this.stopped) setTimeout(() => this.reconnect(), 200).unref();
      });
    });
  }

  start(): void {
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 100);
  }

  /** Stop producing reads; resolves once every read is acked (or the deadline passes). */
  async stop(deadlineMs = 10_000): Promise<void> {
    clearInterval(this.timer);
    const until = performance.now() + deadlineMs;
    while (this.unacked.size > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    this.stopped = true;
    this.ws?.close();
  }

  /** Send one read now (tests). */
  sendRead(body: ReadBody): number {
    const seq = ++this.seq;
    this.unacked.set(seq, { body: { ...body, seq, ts: body.ts ?? Date.now() }, sentAt: performance.now() });
    this.stats.sent++;
    this.flush();
    return seq;
  }

  private async reconnect(): Promise<void> {
    if (this.stopped) return;
    this.stats.reconnects++;
    try {
      await this.connect();
    } catch {
      if (!this.stopped) setTimeout(() => this.reconnect(), 500).unref();
    }
  }

  private tick(): void {
    const now = performance.now();
    this.credit += ((now - this.lastTick) / 1000) * this.o.rate;
    this.lastTick = now;
    // A camera holds a bounded backlog; past it, a saturated camera produces no more.
    const room = Math.max(0, 2 * (this.o.window ?? 5000) - this.unacked.size);
    const n = Math.min(Math.floor(this.credit), room);
    this.credit = n < Math.floor(this.credit) ? 0 : this.credit - n;
    if (n === 0) return;
    for (let i = 0; i < n; i++) {
      const seq = ++this.seq;
      this.unacked.set(seq, { body: { ...this.o.next(seq), seq, ts: Date.now() }, sentAt: now });
    }
    this.stats.sent += n;
    this.flush();
  }

  /** Send what the window allows, oldest first, in batches. */
  private flush(): void {
    if (!this.ready || performance.now() < this.pausedUntil) return;
    const window = this.o.window ?? 5000;
    const first = this.unacked.keys().next().value ?? this.seq + 1;
    const until = Math.min(this.seq, first + window - 1);
    let items: Record<string, unknown>[] = [];
    for (let s = this.sentUpTo + 1; s <= until; s++) {
      const u = this.unacked.get(s);
      if (!u) continue;
      u.sentAt = performance.now();
      items.push(u.body);
      if (items.length === 500) {
        this.ws!.send(encode({ t: 'reads', items }));
        items = [];
      }
    }
    if (items.length === 1) this.ws!.send(encode({ t: 'read', ...items[0] }));
    else if (items.length > 1) this.ws!.send(encode({ t: 'reads', items }));
    if (until > this.sentUpTo) this.sentUpTo = until;
  }

  /** The server resumes after `ack`: everything later is sent again. */
  private onWelcome(ack: number): void {
    this.welcomed = true;
    // A camera that kept nothing (a fresh process) numbers on from what the server holds.
    if (this.unacked.size === 0 && ack > this.seq) this.seq = this.sentUpTo = ack;
    this.ackUpTo(ack);
    this.resend();
  }

  private get ready(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN;
  }

  private resend(): void {
    this.sentUpTo = (this.unacked.keys().next().value ?? this.seq + 1) - 1;
    this.flush();
  }

  private onFrame(frame: Record<string, unknown>): void {
    switch (frame.t) {
      case 'ack':
        return this.ackUpTo(Number(frame.seq));
      case 'nack': {
        const seq = Number(frame.seq);
        if (this.unacked.delete(seq)) this.stats.nacked++;
        return this.o.onNack?.(seq, String(frame.code));
      }
      case 'busy': {
        this.stats.busy++;
        const retry = Number(frame.retry) || 100;
        this.pausedUntil = performance.now() + retry;
        setTimeout(() => this.resend(), retry).unref();
        return;
      }
      default:
        this.o.onError?.(frame);
    }
  }

  private ackUpTo(seq: number): void {
    const now = performance.now();
    for (const [s, u] of this.unacked) {
      if (s > seq) break;
      this.unacked.delete(s);
      this.stats.acked++;
      this.o.onAck?.(s, now - u.sentAt);
    }
    this.flush();
  }
}
