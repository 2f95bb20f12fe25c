/**
 * OCR in the path of a read: crops are read on the OCR worker pool before matching and
 * storage, and the read is matched on the union of the camera's candidates and the OCR's
 * (issue 6). The model is verified at start-up (a missing or altered file stops the server
 * there); the worker threads start on the first crop, so a fleet that sends only text never
 * pays for them.
 */
import type { OcrResult } from '../../core/ocr/reader.js';
import { mergeCandidates } from '../../core/ocr/merge.js';
import type { VerifiedModel } from '../../models/loader.js';
import { createOcrPool, type OcrPool } from '../../workers/ocr-pool.js';
import type { Accepted } from './pipeline.js';

export interface OcrStageOptions {
  readonly threads?: number;
  readonly maxQueue: number;
  readonly batch?: number;
}

export class OcrStage {
  private pool: OcrPool | undefined;

  constructor(
    private readonly model: VerifiedModel,
    private readonly options: OcrStageOptions,
    /** Counted and logged by the caller: crops that could not be read. */
    private readonly onError: (code: string) => void,
  ) {}

  /** Room for another batch of crops? Cameras are answered `busy` when not. */
  hasRoom(): boolean {
    return this.pool === undefined || this.pool.queued < this.options.maxQueue;
  }

  /** Reads every crop of the batch and fills in each item's OCR result and candidates. */
  async run(items: readonly Accepted[]): Promise<void> {
    this.pool ??= createOcrPool({ model: this.model, ...this.options });
    const results = await this.pool.read(
      items.map((a) => a.read.crop!),
      { states: items.map((a) => a.read.st) },
    );
    for (let i = 0; i < items.length; i++) attach(items[i]!, results[i]!, this.onError);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

function attach(a: Accepted, ocr: OcrResult, onError: (code: string) => void): void {
  if (ocr.error) {
    onError(ocr.error.code);
    // A crop that does not decode is bad input. Without a camera reading nothing of the read
    // is usable: it is refused with its code. With one, the read is kept on the camera's text.
    if (a.plate === undefined) a.refused = { code: ocr.error.code, msg: ocr.error.message };
    return;
  }
  if (ocr.plate === '') return;
  a.ocr = { plate: ocr.plate, conf: ocr.conf, cands: ocr.cands };
  a.cands = mergeCandidates(a.read, ocr);
  a.plate ??= ocr.plate;
}
