// Child process for the crash test: appends detections as fast as it can from several
// concurrent loops and prints `<cam> <seq> <id>` for each read once it is reported durable.
import { DetectionStore } from '../../../dist/core/detections/store.js';
import { parseProfile } from '../../../dist/core/policy/profiles.js';

const [dir, masterKey, nowText] = process.argv.slice(2);
const now = Number(nowText);
const profile = parseProfile({ name: 'crash', department: 'Crash PD', policyRef: 'x', retention: { detectionDays: 30, auditDays: 400 } }, 'crash');
const store = DetectionStore.open({ dir, profile, masterKey, clock: () => now });

async function loop(cam) {
  let seq = store.lastSeq(cam) + 1;
  for (;;) {
    const batch = [];
    for (let i = 0; i < 40; i++, seq++) {
      // Alternate between two days so batches span two partitions.
      const ts = now - (seq % 2) * 86_400_000 - (seq % 1000);
      batch.push({ cam, read: { seq, ts, plate: `C${cam.slice(-1)}${String(seq).padStart(6, '0')}`.slice(0, 10) } });
    }
    const res = await store.appendBatch(batch);
    let out = '';
    for (let i = 0; i < res.length; i++) if (res[i].status === 'stored') out += `${cam} ${batch[i].read.seq} ${res[i].id}\n`;
    process.stdout.write(out);
  }
}
for (const cam of ['cam-1', 'cam-2', 'cam-3', 'cam-4']) void loop(cam);
