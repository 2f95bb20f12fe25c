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
