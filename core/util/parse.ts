/** Parse input against a zod schema, or throw PS_ERR_BAD_INPUT naming the first bad field. */
import type { z } from 'zod';
import { ErrBadInput } from '../errors.js';

export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const field = first.path.join('.');
    throw new ErrBadInput(`${what}: ${field || 'input'}: ${first.message}`, { field });
  }
  return r.data;
}
