/**
 * The demo fleet of `platesafe serve --demo`: a few simulated cameras around a town centre
 * stream reads of random plates, with now and then a plate from the demo hot list (sometimes
 * misread the way OCR misreads), so a newcomer sees hits flow on the console.
 */
import type { Logger } from 'pino';
import type { CameraRegistry } from '../../core/cameras/registry.js';
import { confusablesOf } from '../../core/plates/confusion.js';
import { FORMATS } from '../../core/plates/formats.js';
import { SimCamera, type ReadBody } from './camera-sim.js';

export interface DemoFleetOptions {
  readonly url: string;
  readonly cameras: number;
  /** Reads a second per camera. */
  readonly rate: number;
  /** Share of reads that carry a hot-list plate. */
  readonly hitShare: number;
  /** Plates (and states) to draw hits from. */
  readonly hotPlates: ReadonlyArray<{ plate: string; st?: string }>;
}

const CENTRE = { lat: 37.4530, lon: -122.1817 };
const COLOURS = ['white', 'black', 'silver', 'grey', 'blue', 'red'];
const MAKES = ['Toyota', 'Honda', 'Ford', 'Tesla', 'Chevrolet', 'Nissan'];
const BODIES = ['sedan', 'suv', 'pickup', 'van', 'hatchback'];

/** A seeded generator, so a demo run is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

/** A random plate in one of the state's formats. */
export function randomPlate(r: () => number, state = 'CA'): string {
  const template = pick(r, FORMATS[state] ?? FORMATS.CA!);
  let out = '';
  for (const t of template) {
    if (t === '#') out += String(Math.floor(r() * 10));
    else if (t === '@') out += String.fromCharCode(65 + Math.floor(r() * 26));
    else out += t;
  }
  return out;
}

/** The plate as OCR might read it: one confusable character swapped, sometimes. */
export function misread(r: () => number, plate: string): string {
  const i = Math.floor(r() * plate.length);
  const alt = confusablesOf(plate[i]!);
  return alt.length === 0 ? plate : plate.slice(0, i) + alt[0] + plate.slice(i + 1);
}

export async function startDemoFleet(registry: CameraRegistry, o: DemoFleetOptions, log: Logger): Promise<() => Promise<void>> {
  const sims: SimCamera[] = [];
  for (let c = 0; c < o.cameras; c++) {
    const id = `demo-${String(c + 1).padStart(2, '0')}`;
    const pos = { lat: CENTRE.lat + (c % 3) * 0.004 - 0.004, lon: CENTRE.lon + Math.floor(c / 3) * 0.005 - 0.005 };
    const token = registry.get(id)
      ? await registry.rotateToken(id)
      : (await registry.add({ id, name: `Demo camera ${c + 1}`, placement: { ...pos, justification: 'demo: arterial road, public view' } })).token;
    const r = rng(c + 1);
    const next = (): ReadBody => {
      const hot = o.hotPlates.length > 0 && r() < o.hitShare ? pick(r, o.hotPlates) : undefined;
      const plate = hot ? (r() < 0.3 ? misread(r, hot.plate) : hot.plate) : randomPlate(r);
      return {
        plate,
        st: hot?.st ?? 'CA',
        conf: 0.8 + r() * 0.2,
        lat: pos.lat + (r() - 0.5) * 0.0004,
        lon: pos.lon + (r() - 0.5) * 0.0004,
        hdg: Math.floor(r() * 360),
        veh: { make: pick(r, MAKES), color: pick(r, COLOURS), body: pick(r, BODIES) },
      };
    };
    const sim = new SimCamera({ url: o.url, cam: id, token, rate: o.rate, tickMs: 250, next });
    await sim.connect();
    sim.start();
    sims.push(sim);
  }
  log.info({ cameras: o.cameras, rate: o.rate }, 'demo fleet streaming');
  return async () => {
    await Promise.all(sims.map((s) => s.stop(2000)));
  };
}
