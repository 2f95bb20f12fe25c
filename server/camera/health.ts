/**
 * Camera health from connections, reads and heartbeats (POLICY R6, RV 426.6.2: a camera that
 * stops reporting, loses GPS or reports damage is flagged). States: `ok`, `stale` (connected
 * but silent past two heartbeat periods), `offline` (not connected), `fault` (the camera
 * reports a camera fault or no GPS fix). Every change is pushed to consoles.
 */
import type { Logger } from 'pino';
import type { Frame } from '../codec.js';

export type HealthState = 'ok' | 'stale' | 'offline' | 'fault';

export interface CameraStatus {
  readonly cam: string;
  readonly state: HealthState;
  readonly since: number;
  readonly fw?: string;
  readonly lastSeen?: number;
  readonly reason?: string;
}

interface Tracked {
  state: HealthState;
  since: number;
  connected: boolean;
  lastSeen: number;
  fault: string | undefined;
  fw: string | undefined;
}

export class CameraHealth {
  private readonly cams = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly heartbeatS: number,
    private readonly onChange: (status: CameraStatus) => void,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Known cameras start offline until they connect. */
  register(cam: string): void {
    if (!this.cams.has(cam)) this.cams.set(cam, { state: 'offline', since: this.clock(), connected: false, lastSeen: 0, fault: undefined, fw: undefined });
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), Math.max(250, (this.heartbeatS * 1000) / 4));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  connected(cam: string, fw?: string): void {
    const t = this.track(cam);
    t.connected = true;
    t.fw = fw ?? t.fw;
    t.lastSeen = this.clock();
    this.evaluate(cam, t);
  }

  disconnected(cam: string): void {
    const t = this.track(cam);
    t.connected = false;
    this.evaluate(cam, t);
  }

  /** Any frame from the camera shows it is alive. Cheap: called for every frame. */
  seen(cam: string): void {
    const t = this.cams.get(cam);
    if (t) t.lastSeen = this.clock();
  }

  heartbeat(cam: string, frame: Frame): void {
    const t = this.track(cam);
    const st = (frame.st ?? {}) as { cams?: unknown; gps?: unknown };
    t.fault = st.cams === 'fault' ? 'camera fault reported' : st.gps === 'nofix' ? 'GPS has no fix' : undefined;
    t.lastSeen = this.clock();
    this.evaluate(cam, t);
  }

  status(): CameraStatus[] {
    return [...this.cams].map(([cam, t]) => toStatus(cam, t));
  }

  counts(): Record<HealthState, number> {
    const out: Record<HealthState, number> = { ok: 0, stale: 0, offline: 0, fault: 0 };
    for (const t of this.cams.values()) out[t.state]++;
    return out;
  }

  /** Re-evaluate every camera; stale ones are found here. */
  sweep(): void {
    for (const [cam, t] of this.cams) this.evaluate(cam, t);
  }

  private track(cam: string): Tracked {
    this.register(cam);
    return this.cams.get(cam)!;
  }

  private evaluate(cam: string, t: Tracked): void {
    const now = this.clock();
    const next: HealthState = !t.connected
      ? 'offline'
      : t.fault
        ? 'fault'
        : now - t.lastSeen > 2 * this.heartbeatS * 1000
          ? 'stale'
          : 'ok';
    if (next === t.state) return;
    t.state = next;
    t.since = now;
    const status = toStatus(cam, t);
    this.log.info({ cam, state: next, reason: status.reason }, 'camera health changed');
    this.onChange(status);
  }
}

function toStatus(cam: string, t: Tracked): CameraStatus {
  const reason = t.state === 'fault' ? t.fault : t.state === 'stale' ? 'no heartbeat or read for two periods' : undefined;
  return { cam, state: t.state, since: t.since, fw: t.fw, lastSeen: t.lastSeen || undefined, reason };
}
