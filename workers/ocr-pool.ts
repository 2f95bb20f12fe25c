/**
 * The OCR worker pool: piscina, one worker per core, a bounded queue. A full queue rejects
 * at once with `PS_ERR_BUSY` so the server answers the camera `busy` and the camera keeps
 * its reads and resends them (PROTOCOL.md); nothing waits unbounded and nothing is lost.
 * Crops travel in batches: one task carries many crops and the worker runs them through
 * the recogniser as one inference batch.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ErrBusy } from '../core/errors.js';
import type { OcrResult } from '../core/ocr/reader.js';
import type { ModelPaths } from '../core/ocr/recognizer.js';
import type { Crop } from '../core/reads/read.js';
import type { OcrTask, OcrWorkerData } from './ocr-worker.js';

export interface OcrPoolOptions {
  /** A model `loadModel()` (models/loader.ts) has verified. */
  readonly model: ModelPaths;
  /** Worker threads; default one per core. */
  readonly threads?: number;
  /** Tasks waiting for a worker before reads are refused with `PS_ERR_BUSY`. */
  readonly maxQueue?: number;
  /** Most crops in one task (one inference batch). */
  readonly batch?: number;
}

export interface OcrReadOptions {
  /** Jurisdiction of each crop, when the camera sent one (ranks candidates by its formats). */
  readonly states?: ReadonlyArray<string | undefined>;
  /** `plain` reads the whole crop without locating the characters (the benchmark baseline). */
  readonly mode?: 'centre' | 'plain';
}

export interface OcrPool {
  /** Results in the order of `crops`. Rejects with `PS_ERR_BUSY` when the queue is full. */
  read(crops: readonly Crop[], options?: OcrReadOptions): Promise<OcrResult[]>;
  readonly threads: number;
  /** Tasks waiting for a worker. */
  readonly queued: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_QUEUE = 64;
export const DEFAULT_BATCH = 16;

/**
 * Worker threads run JavaScript: the compiled worker beside this module, or, when this
 * module runs as TypeScript source (tests), the one the build put in `dist/`.
 */
function workerFile(): string {
  const own = new URL(import.meta.url);
  if (own.pathname.endsWith('.ts')) return fileURLToPath(new URL('../dist/workers/ocr-worker.js', own));
  return fileURLToPath(new URL('./ocr-worker.js', own));
}

export function createOcrPool(options: OcrPoolOptions): OcrPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const maxQueue = Math.max(1, options.maxQueue ?? DEFAULT_MAX_QUEUE);
  const batch = Math.max(1, options.batch ?? DEFAULT_BATCH);
  const { recognizerPath, dictionaryPath, headPath } = options.model;
  const workerData: OcrWorkerData = { model: { recognizerPath, dictionaryPath, headPath } };
  const piscina = new Piscina<OcrTask, OcrResult[]>({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    maxQueue,
    workerData,
  });

  async function read(crops: readonly Crop[], opts: OcrReadOptions = {}): Promise<OcrResult[]> {
    if (crops.length === 0) return [];
    const tasks = Math.ceil(crops.length / batch);
    // All or nothing: a read split over tasks is refused whole rather than half queued.
    if (piscina.queueSize + tasks > maxQueue) {
      throw new ErrBusy(`OCR queue full (${piscina.queueSize} of ${maxQueue} batches waiting)`, { queued: piscina.queueSize, maxQueue });
    }
    const runs: Array<Promise<OcrResult[]>> = [];
    for (let i = 0; i < crops.length; i += batch) {
      runs.push(piscina.run({ crops: crops.slice(i, i + batch), states: opts.states?.slice(i, i + batch), mode: opts.mode }));
    }
    return (await Promise.all(runs)).flat();
  }

  return {
    read,
    threads,
    get queued() {
      return piscina.queueSize;
    },
    close: () => piscina.destroy(),
  };
}
