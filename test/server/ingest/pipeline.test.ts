/**
 * A batch that fails before reaching the store (here: the OCR model vanished from disk after
 * start-up, so the OCR workers cannot read the crop) must not let
 * the same camera's later reads be stored behind it. Acks are cumulative and a camera resumes
 * after the highest seq stored, so a later read stored first would make the camera drop the
 * failed ones for good. Real parts: the server's store, hit store and match pool, and a real
 * OCR stage.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../../server/app.js';
import { ReadAdmission } from '../../../server/camera/admission.js';
import { IngestPipeline } from '../../../server/ingest/pipeline.js';
import { PoolMatchService } from '../../../server/ingest/match-service.js';
import { OcrStage } from '../../../server/ingest/ocr-stage.js';
import { createMetrics } from '../../../server/metrics.js';
import { loadModel, packageDir } from '../../../models/loader.js';
import { MatchPool } from '../../../workers/match-pool.js';
import { addCamera, bootServer } from '../../support/server.js';

const crops = new URL('../../../fixtures/crops/png/', import.meta.url);
const labels = JSON.parse(readFileSync(new URL('labels.json', crops), 'utf8')) as Record<string, { plate: string; state: string }>;
const [cropFile] = Object.keys(labels);

describe('ingest pipeline after a failed batch', () => {
  let server: Server;
  let pool: MatchPool;
  let ocr: OcrStage;
  let admission: ReadAdmission;
  let pipeline: IngestPipeline;

  beforeAll(async () => {
    server = await bootServer();
    await addCamera(server, 'gap-cam');
    const log = pino({ level: 'silent' });
    const metrics = createMetrics();
    pool = new MatchPool(server.rooms.hotlists.snapshot(), { threads: 1 });
    // A copy of the model package, verified, then removed before the first crop.
    const copy = mkdtempSync(join(tmpdir(), 'ps-model-'));
    cpSync(packageDir(), copy, { recursive: true });
    ocr = new OcrStage(loadModel({ dir: copy }), { threads: 1, maxQueue: 16 }, () => undefined);
    rmSync(copy, { recursive: true, force: true });
    const published: unknown[] = [];
    pipeline = new IngestPipeline(
      new PoolMatchService(pool, server.rooms.hotlists, 4),
      server.rooms.detections,
      server.rooms.hits,
      { publish: (hit) => published.push(hit) },
      ocr,
      metrics,
      log,
      { maxInFlight: 1000, maxBatch: 100 },
    );
    admission = new ReadAdmission(pipeline, ocr, server.rooms.detections, metrics, log, 500);
  });
  afterAll(async () => {
    await ocr.close();
    await pool.close();
    await server.close();
  });

  const crop = () => ({ fmt: 'png', w: 1, h: 1, data: readFileSync(new URL(cropFile!, crops)) });

  it('withholds the later reads, reports them failed, and takes the camera back from its durable seq', async () => {
    const state = admission.state(server.rooms.cameras.get('gap-cam')!);
    // A first text read is stored and acked normally.
    expect(admission.admit(state, { seq: 1, ts: Date.now(), plate: 'GAP0001' }, 'http')).toMatchObject({ kind: 'accepted' });
    await state.whenDurable(1);

    // The crop read's batch fails; the text reads behind it, flushed in later batches and
    // ready first, must not be stored before it.
    expect(admission.admit(state, { seq: 2, ts: Date.now(), st: 'CA', crop: crop() }, 'http')).toMatchObject({ kind: 'accepted' });
    const outcomes = [state.whenDurable(2)];
    await new Promise((r) => setImmediate(r));
    for (let seq = 3; seq <= 5; seq++) {
      expect(admission.admit(state, { seq, ts: Date.now(), plate: `GAP000${seq}` }, 'http')).toMatchObject({ kind: 'accepted' });
      outcomes.push(state.whenDurable(seq));
      await new Promise((r) => setImmediate(r));
    }
    const settled = await Promise.allSettled(outcomes);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'PS_ERR_BUSY' });
    await pipeline.drain();

    // Nothing after the gap is stored; the camera resumes after seq 1.
    expect(server.rooms.detections.lastSeq('gap-cam')).toBe(1);
    expect(state.durableSeq).toBe(1);
    // Until the oldest failed read comes again, later ones are refused busy.
    expect(admission.admit(state, { seq: 4, ts: Date.now(), plate: 'GAP0004' }, 'http')).toMatchObject({ kind: 'busy' });
    expect(admission.admit(state, { seq: 2, ts: Date.now(), plate: 'GAP0002' }, 'http')).toMatchObject({ kind: 'accepted' });
    for (let seq = 3; seq <= 5; seq++) expect(admission.admit(state, { seq, ts: Date.now(), plate: `GAP000${seq}` }, 'http')).toMatchObject({ kind: 'accepted' });
    await state.whenDurable(5);
    expect(server.rooms.detections.lastSeq('gap-cam')).toBe(5);
  });
});
