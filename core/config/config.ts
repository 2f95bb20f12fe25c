/**
 * Server and command configuration: one zod schema, defaults in the schema, validated and
 * frozen at start-up. Errors name the option path. Sections belong to the room that reads
 * them; everything a newcomer needs has a default so `npm start` runs with none given.
 */
import { z } from 'zod';
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
