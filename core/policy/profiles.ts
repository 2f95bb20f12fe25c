/**
 * The five shipped profiles (POLICY.md) and loading a department's own profile file.
 * Profiles are validated and frozen once; a bad one stops start-up with the path and rule.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErrProfileInvalid, ErrProfileUnknown } from '../errors.js';
import { deepFreeze } from '../util/freeze.js';
import { ProfileSchema, type Profile } from './profile.js';
import menloPark from './profiles/menlo-park.json' with { type: 'json' };
import santaMonica from './profiles/santa-monica.json' with { type: 'json' };
import modesto from './profiles/modesto.json' with { type: 'json' };
import elCajon from './profiles/el-cajon.json' with { type: 'json' };
import roseville from './profiles/roseville.json' with { type: 'json' };

const SHIPPED: Record<string, unknown> = {
  'menlo-park': menloPark,
  'santa-monica': santaMonica,
  modesto,
  'el-cajon': elCajon,
  roseville,
};

export const SHIPPED_PROFILES: readonly string[] = Object.keys(SHIPPED);

export function parseProfile(data: unknown, origin: string): Profile {
  const parsed = ProfileSchema.safeParse(data);
  if (!parsed.success) {
    throw new ErrProfileInvalid(`profile ${origin}: ${z.prettifyError(parsed.error)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return deepFreeze(parsed.data);
}

/** A shipped profile by name, or a department's own JSON file by path. */
export function loadProfile(nameOrPath: string): Profile {
  const shipped = SHIPPED[nameOrPath];
  if (shipped) return parseProfile(shipped, nameOrPath);
  if (!nameOrPath.endsWith('.json')) {
    throw new ErrProfileUnknown(`no profile ${JSON.stringify(nameOrPath)}; shipped: ${SHIPPED_PROFILES.join(', ')}`);
  }
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (e) {
    throw new ErrProfileUnknown(`cannot read profile file ${nameOrPath}: ${(e as Error).message}`);
  }
  return parseProfile(JSON.parse(text), nameOrPath);
}
