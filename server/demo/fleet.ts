/**
 * The demo fleet of `platesafe serve --demo`: a few simulated cameras around a town centre
 * stream reads of random plates, with now and then a plate from the demo hot list (sometimes
 * misread the way OCR misreads), so a newcomer sees hits flow on the console.
 */
import type { Logger } from 'pino';
import type { CameraRegistry } from '../../core/cameras/registry.js';
import { PlateGenerator } from '../../core/plates/synthetic.js';
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

export async function startDemoFleet(registry: CameraRegistry, o: DemoFleetOptions, log: Logger): Promise<() => Promise<void>> {
  const sims: SimCamera[] = [];
  for (let c = 0; c < o.cameras; c++) {
    const id = `demo-${String(c + 1).padStart(2, '0')}`;
    const pos = { lat: CENTRE.lat + (c % 3) * 0.004 - 0.004, lon: CENTRE.lon + Math.floor(c / 3) * 0.005 - 0.005 };
    const token = registry.get(id)
      ? await registry.rotateToken(id)
      : (await registry.add({ id, name: `Demo camera ${c + 1}`, placement: { ...pos, justification: 'demo: arterial road, public view' } })).token;
    const g = new PlateGenerator(c + 1);
    const next = (): ReadBody => {
      const hot = o.hotPlates.length > 0 && g.random() < o.hitShare ? g.pick(o.hotPlates) : undefined;
      const st = hot?.st ?? g.state();
      const plate = hot ? (g.random() < 0.3 ? g.confuse(hot.plate, 1) : hot.plate) : g.plate(st);
      return {
        plate,
        st,
        conf: 0.8 + g.random() * 0.2,
        lat: pos.lat + (g.random() - 0.5) * 0.0004,
        lon: pos.lon + (g.random() - 0.5) * 0.0004,
        hdg: g.int(360),
        veh: { make: g.pick(MAKES), color: g.pick(COLOURS), body: g.pick(BODIES) },
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
