/** The echo server's worker thread: sends every message straight back (one round trip, nothing else). */
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (m: unknown) => parentPort!.postMessage(m));
