/**
 * Server and command configuration: one zod schema, defaults in the schema, validated and
 * frozen at start-up. Errors name the option path. Sections belong to the room that reads
 * them; everything a newcomer needs has a default so `npm start` runs with none given.
 */
import { z } from 'zod';
import { RESIDENT_PARTITIONS } from '../detections/residency.js';
import { ErrConfigInvalid } from '../errors.js';
import { deepFreeze } from '../util/freeze.js';

export const ConfigSchema = z
  .object({
    /** Folder of all persistent state. */
    dataDir: z.string().min(1).default('./data'),
    /** Shipped profile name or path to a department's profile JSON. */
    profile: z.string().min(1).default('menlo-park'),
    /**
     * Master key that encrypts the partition key store (DESIGN.md). Production deployments
     * set it from a secret; without one a key is generated into the data folder on first start.
     */
    masterKey: z.string().min(32).optional(),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .prefault({}),
    /** Reads in: batching, bounds and shedding (DESIGN.md, "Hot path"). */
    ingest: z
      .object({
        /** Reads accepted but not yet durable; past it cameras are answered `busy`. */
        maxInFlight: z.number().int().positive().default(50_000),
        /** A batch leaves for matching and storage at this size, or at the end of the event-loop turn. */
        maxBatch: z.number().int().positive().default(2048),
        busyRetryMs: z.number().int().positive().default(250),
        /** Largest WebSocket frame (a `reads` batch with crops). */
        maxFrameBytes: z.number().int().positive().default(16 << 20),
        /** Largest HTTP body for `POST /v1/reads`. */
        maxBodyBytes: z.number().int().positive().default(16 << 20),
        /** Seconds between heartbeats a camera is told to keep (`welcome.hb`). */
        heartbeatS: z.number().int().positive().default(30),
      })
      .prefault({}),
    match: z
      .object({
        /** Match worker threads; default: one core left to the event loop. */
        threads: z.number().int().positive().optional(),
        /** Batches waiting for a worker before ingest sheds load. */
        maxQueue: z.number().int().positive().default(256),
        /** Hits raised per read at most (a broad partial must not flood consoles). */
        maxHitsPerRead: z.number().int().positive().default(3),
      })
      .prefault({}),
    ocr: z
      .object({
        /** OCR worker threads; default one per core. They start with the first crop. */
        threads: z.number().int().positive().optional(),
        /** OCR tasks waiting before cameras sending crops are answered `busy`. */
        maxQueue: z.number().int().positive().default(64),
        batch: z.number().int().positive().default(16),
      })
      .prefault({}),
    consoles: z
      .object({
        /** Bytes queued to one console before it is disconnected as too slow. */
        maxBufferedBytes: z.number().int().positive().default(4 << 20),
        replayLimit: z.number().int().positive().default(500),
        /** `sub { open: true }` replays hits not yet disposed from this many hours back. */
        openReplayHours: z.number().positive().default(12),
        /** A hit still unacknowledged after this long is re-sent as escalated (POLICY R5). */
        escalateAfterS: z.number().positive().default(60),
        maxEscalations: z.number().int().nonnegative().default(3),
      })
      .prefault({}),
    /**
     * Hot-list feeds (POLICY R4): a folder polled for `<list>.csv` / `<list>.jsonl` files, each
     * replacing its designated list whole, and the largest upload `POST …/import` takes.
     */
    hotlistImports: z
      .object({
        enabled: z.boolean().default(true),
        /** Folder of feed files; relative paths are inside the data folder. */
        folder: z.string().min(1).default('imports'),
        /** Seconds between polls; never longer than the profile's download interval. */
        pollS: z.number().positive().default(60),
        /** Feeds published over HTTP on the local network, downloaded into the folder each poll. */
        urls: z
          .array(z.object({ list: z.string().min(1), url: z.url({ protocol: /^https?$/ }), format: z.enum(['csv', 'jsonl']).default('csv') }))
          .default([]),
        maxBodyBytes: z.number().int().positive().default(256 << 20),
      })
      .prefault({}),
    /** Detection store memory: partitions whose search index stays in memory, the least used let go first (`core/detections/residency.ts`). */
    detections: z
      .object({
        residentPartitions: z.number().int().min(1).default(RESIDENT_PARTITIONS),
      })
      .prefault({}),
    /** The scheduled purge of detections past the profile's retention (POLICY R7). */
    compaction: z
      .object({
        everyS: z.number().int().min(1).default(3600),
        /** The first run, soon after start: what expired while the server was down is purged then, not up to an hour later. */
        firstAfterS: z.number().int().min(0).default(10),
      })
      .prefault({}),
    /** `serve --demo`: a simulated fleet and the demo hot list. */
    demo: z
      .object({
        enabled: z.boolean().default(false),
        cameras: z.number().int().positive().default(6),
        rate: z.number().positive().default(2),
        hitShare: z.number().min(0).max(1).default(0.02),
      })
      .prefault({}),
    /** People's accounts (POLICY R1): password hashing, lockout, sessions, training, review. */
    accounts: z
      .object({
        /** scrypt cost: N = 2^logN (at least 2^15), block size r, parallelism p; stored with each hash. */
        scrypt: z
          .object({
            logN: z.number().int().min(15).max(22).default(15),
            r: z.number().int().min(8).max(32).default(8),
            p: z.number().int().min(1).max(4).default(1),
          })
          .prefault({}),
        passwordMinLength: z.number().int().min(8).default(12),
        /** This many failed logins in a row lock the account for `lockMinutes`. */
        maxFailures: z.number().int().positive().default(5),
        lockMinutes: z.number().int().positive().default(15),
        sessionIdleMinutes: z.number().int().positive().default(30),
        sessionMaxHours: z.number().int().positive().default(12),
        /** Training is valid this long when no expiry is given (MP 462.11). */
        trainingValidDays: z.number().int().positive().default(365),
        /** Accounts lock unless reviewed within this many days (RV 426.4.1 d). */
        reviewDays: z.number().int().positive().default(365),
      })
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export function parseConfig(input: ConfigInput = {}): Config {
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ErrConfigInvalid(`configuration: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return deepFreeze(parsed.data);
}
