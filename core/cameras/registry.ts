/**
 * Cameras and their credentials. An administrator registers a camera and is given its token
 * once; only the token's SHA-256 is stored (tokens are 256 random bits, so a fast hash is
 * enough). Each camera carries its placement justification and its exclusion zones
 * (POLICY R6: only plates in public view; placement recorded, never targeting a group).
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { z } from 'zod';
import { ErrBadInput, ErrConflict, ErrNotFound } from '../errors.js';
import type { Polygon } from '../geo.js';

const LatLon = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]);

export const CameraSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'camera id: 1–64 of A–Z a–z 0–9 . _ -'),
  name: z.string().max(200).default(''),
  /** Where it stands and why (MP 462.10). */
  placement: z
    .object({
      lat: z.number().min(-90).max(90).optional(),
      lon: z.number().min(-180).max(180).optional(),
      justification: z.string().max(1000).default(''),
    })
    .prefault({}),
  /** Polygons inside which reads are dropped at ingest (POLICY R6). */
  zones: z.array(z.array(LatLon).min(3)).default([]),
  disabled: z.boolean().default(false),
  created: z.number().int(),
});

export type Camera = z.infer<typeof CameraSchema>;
export type CameraInput = z.input<typeof CameraSchema>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class CameraRegistry {
  private constructor(
    private readonly root: RootDatabase,
    private readonly cameras: Database<Camera, string>,
    private readonly tokens: Database<string, string>,
  ) {}

  static open(dataDir: string): CameraRegistry {
    const root = open({ path: join(dataDir, 'cameras') });
    return new CameraRegistry(root, root.openDB({ name: 'cameras' }), root.openDB({ name: 'tokens' }));
  }

  /** Register a camera; returns its token, which is shown once and never stored. */
  async add(input: Omit<CameraInput, 'created'>): Promise<{ camera: Camera; token: string }> {
    const parsed = CameraSchema.safeParse({ ...input, created: Date.now() });
    if (!parsed.success) throw new ErrBadInput(`camera: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const camera = parsed.data;
    const token = `pst_${randomBytes(32).toString('base64url')}`;
    const ok = await this.root.transaction(() => {
      if (this.cameras.get(camera.id)) return false;
      this.cameras.put(camera.id, camera);
      this.tokens.put(hashToken(token), camera.id);
      return true;
    });
    if (!ok) throw new ErrConflict(`camera ${camera.id} already exists`);
    return { camera, token };
  }

  /** Issue a new token; the old one stops working at once. */
  async rotateToken(id: string): Promise<string> {
    this.require(id);
    const token = `pst_${randomBytes(32).toString('base64url')}`;
    await this.root.transaction(() => {
      for (const { key, value } of this.tokens.getRange()) if (value === id) this.tokens.remove(key);
      this.tokens.put(hashToken(token), id);
    });
    return token;
  }

  /** The camera a token belongs to, or undefined for an unknown token or a disabled camera. */
  authenticate(token: string): Camera | undefined {
    const id = this.tokens.get(hashToken(token));
    const cam = id === undefined ? undefined : this.cameras.get(id);
    return cam && !cam.disabled ? cam : undefined;
  }

  get(id: string): Camera | undefined {
    return this.cameras.get(id);
  }

  list(): Camera[] {
    return [...this.cameras.getRange().map(({ value }) => value)];
  }

  async setZones(id: string, zones: Polygon[]): Promise<Camera> {
    return this.update(id, { zones: zones.map((z) => z.map(([a, b]) => [a, b] as [number, number])) });
  }

  async setDisabled(id: string, disabled: boolean): Promise<Camera> {
    return this.update(id, { disabled });
  }

  async close(): Promise<void> {
    await this.root.close();
  }

  private require(id: string): Camera {
    const cam = this.cameras.get(id);
    if (!cam) throw new ErrNotFound(`no camera ${id}`);
    return cam;
  }

  private async update(id: string, patch: Partial<Camera>): Promise<Camera> {
    const next = CameraSchema.parse({ ...this.require(id), ...patch });
    await this.cameras.put(id, next);
    return next;
  }
}
