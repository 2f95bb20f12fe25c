/**
 * Canonical encoding of audit records: JSON with object keys sorted at every depth and
 * `undefined` members dropped, so the same record always hashes to the same bytes whatever
 * order its fields were built in (the hash chain of POLICY R2 depends on it).
 */
import { createHash } from 'node:crypto';

function normalise(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    if (typeof v === 'bigint') return Number(v);
    return v;
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : normalise(x)));
  if (v instanceof Date) return v.getTime();
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && typeof x !== 'function') out[k] = normalise(x);
  }
  return out;
}

export function canonicalJson(v: unknown): string {
  return JSON.stringify(normalise(v));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
