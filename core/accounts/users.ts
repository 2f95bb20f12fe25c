/**
 * A person's account record and the rules read from it (POLICY R1): individual credentials,
 * training completion and expiry, review-by date, disablement and lockout. Pure: the
 * `Accounts` room stores these records and asks these functions what they allow.
 */
import { z } from 'zod';
import { ErrBadInput } from '../errors.js';
import type { Principal } from '../policy/authz.js';
import { ROLES, type Role } from '../policy/roles.js';
import { DAY_MS } from '../util/time.js';
import type { PasswordHash } from './password.js';

export interface Training {
  readonly completed: number;
  readonly expires: number;
  readonly recordedBy: string;
}

export interface UserRecord {
  /** Login name, unique: one person, one account (MP 462.4 e, EC 427.5.2). */
  readonly user: string;
  /** The person's full name, for the access record (Civil Code § 1798.90.52). */
  readonly name: string;
  readonly role: Role;
  readonly password: PasswordHash;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly training?: Training;
  /** The account locks when this passes unless an administrator reviews it (RV 426.4.1 d). */
  readonly reviewBy: number;
  readonly reviewedAt?: number;
  readonly reviewedBy?: string;
  readonly disabled?: { readonly at: number; readonly by: string; readonly reason: string };
  /** Failed logins in a row, and until when the account is locked after too many. */
  readonly failures: number;
  readonly lockedUntil: number;
  readonly lastLogin?: number;
}

/** What may leave the room: everything but the password hash. */
export type UserView = Omit<UserRecord, 'password'> & { readonly trainingCurrent: boolean; readonly reviewDue: boolean };

const USER_NAME = /^[a-z][a-z0-9._-]{1,31}$/;

/** People's roles; cameras authenticate with device tokens of the camera registry instead. */
export const PERSON_ROLES = ROLES.filter((r) => r !== 'camera') as readonly Role[];

export const NewUserSchema = z.object({
  user: z.string().regex(USER_NAME, 'lower-case letters, digits, . _ - (2–32), starting with a letter'),
  name: z.string().trim().min(2).max(100),
  role: z.enum(PERSON_ROLES as [Role, ...Role[]]),
  password: z.string(),
  /** Training completion date (ms); expiry defaults to `trainingValidDays` later. */
  trainedAt: z.number().int().optional(),
  trainingExpires: z.number().int().optional(),
  reviewBy: z.number().int().optional(),
});
export type NewUser = z.input<typeof NewUserSchema>;

export function trainingFor(completed: number, expires: number | undefined, validDays: number, by: string): Training {
  const end = expires ?? completed + validDays * DAY_MS;
  if (end <= completed) throw new ErrBadInput('training expiry must be after its completion', { field: 'trainingExpires' });
  return { completed, expires: end, recordedBy: by };
}

export function viewOf(u: UserRecord, now: number): UserView {
  const { password, ...rest } = u;
  void password; // never leaves the room
  return { ...rest, trainingCurrent: u.training !== undefined && u.training.expires > now, reviewDue: u.reviewBy <= now };
}

export function principalOf(u: UserRecord): Principal {
  return u.training ? { user: u.user, role: u.role, trainingExpires: u.training.expires } : { user: u.user, role: u.role };
}
