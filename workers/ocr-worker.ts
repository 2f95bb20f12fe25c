/**
 * OCR worker thread: one plate reader (one onnxruntime session, one intra-op thread) per
 * worker, so a pool of N workers keeps N cores busy without oversubscribing them.
 */
import { workerData } from 'node:worker_threads';
import type { Crop } from '../core/reads/read.js';
import { PlateReader, type OcrResult } from '../core/ocr/reader.js';
import type { ModelPaths } from '../core/ocr/recognizer.js';

export interface OcrWorkerData {
  readonly model: ModelPaths;
}

export interface OcrTask {
  readonly crops: readonly Crop[];
  readonly states?: ReadonlyArray<string | undefined>;
  readonly mode?: 'centre' | 'plain';
}

const { model } = workerData as OcrWorkerData;
const reader = await PlateReader.create(model, { threads: 1 });

export default function read(task: OcrTask): Promise<OcrResult[]> {
  return reader.read(task.crops, { states: task.states, mode: task.mode });
}
