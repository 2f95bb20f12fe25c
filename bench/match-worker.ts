/**
 * Lookup thread of the match benchmark: matches reads without pause against whatever
 * snapshot the main thread last posted, while the main thread replaces a list. It checks
 * that every lookup saw one generation of the list (never a mix) and counts lookups.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Matcher } from '../core/hotlist/matcher.js';
import type { IndexSnapshot } from '../core/hotlist/list-index.js';
import { PlateGenerator } from '../core/plates/synthetic.js';

interface Msg {
  snapshot?: IndexSnapshot;
  stop?: boolean;
}

const port = parentPort!;
const { list } = workerData as { list: string };
let matcher = Matcher.fromSnapshot((workerData as { snapshot: IndexSnapshot }).snapshot);
const g = new PlateGenerator(99);
const probes = Array.from({ length: 4096 }, () => g.next());
let lookups = 0;
let mixed = 0;
const generations = new Set<number>();
for (;;) {
  for (let i = 0; i < 1000; i++) {
    const p = probes[(lookups + i) & 4095]!;
    const gens = new Set<string>();
    for (const m of matcher.match({ plate: p.plate, st: p.state })) if (m.list === list) gens.add(m.entryId.split(':')[1]!);
    if (gens.size > 1) mixed++;
  }
  lookups += 1000;
  generations.add(matcher.generation);
  const msg = receiveMessageOnPort(port)?.message as Msg | undefined;
  if (msg?.stop) break;
  if (msg?.snapshot) matcher = Matcher.fromSnapshot(msg.snapshot);
}
port.postMessage({ lookups, mixed, generations: [...generations] });
