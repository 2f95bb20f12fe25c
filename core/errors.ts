/**
 * Every error PlateSafe reports, each with a stable code (`PS_ERR_…`) and the HTTP status it
 * maps to. Callers branch on `code`, never on message text. `docs/errors.md` documents each
 * code; a test keeps the two in step.
 */

export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly message: string;
}

export class PlateSafeError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(spec: ErrorSpec, message?: string, details?: Record<string, unknown>) {
    super(message ?? spec.message);
    this.name = 'PlateSafeError';
    this.code = spec.code;
    this.status = spec.status;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

const registry = new Map<string, ErrorSpec>();

/** A class per code, so `throw new ErrPlateInvalid('…')` reads like any error. */
export type PlateSafeErrorClass = {
  new (message?: string, details?: Record<string, unknown>): PlateSafeError;
  readonly code: string;
  readonly status: number;
};

function define(code: string, status: number, message: string): PlateSafeErrorClass {
  if (registry.has(code)) throw new Error(`duplicate error code ${code}`);
  const spec: ErrorSpec = { code, status, message };
  registry.set(code, spec);
  return class extends PlateSafeError {
    static readonly code = code;
    static readonly status = status;
    constructor(msg?: string, details?: Record<string, unknown>) {
      super(spec, msg, details);
    }
  };
}

/** All codes defined, for the documentation test and the OpenAPI file. */
export function errorCatalogue(): readonly ErrorSpec[] {
  return [...registry.values()];
}

export function isPlateSafeError(e: unknown): e is PlateSafeError {
  return e instanceof PlateSafeError;
}

// ── general ────────────────────────────────────────────────────────────────────────────
export const ErrInternal = define('PS_ERR_INTERNAL', 500, 'Internal error; it was logged');
export const ErrTooLarge = define('PS_ERR_TOO_LARGE', 413, 'Request or frame is over the size limit');
export const ErrBusy = define('PS_ERR_BUSY', 503, 'Shedding load; retry later, nothing was lost');
export const ErrUnauthenticated = define('PS_ERR_UNAUTHENTICATED', 401, 'Missing, wrong or expired credentials');
export const ErrForbidden = define('PS_ERR_FORBIDDEN', 403, 'Your role may not do this');
export const ErrConflict = define('PS_ERR_CONFLICT', 409, 'The record changed or already exists');

// ── input ──────────────────────────────────────────────────────────────────────────────
export const ErrBadInput = define('PS_ERR_BAD_INPUT', 400, 'Input failed validation');
export const ErrPlateInvalid = define('PS_ERR_PLATE_INVALID', 400, 'Plate text is empty or has characters no plate carries');
export const ErrPatternInvalid = define('PS_ERR_PATTERN_INVALID', 400, 'Partial-plate pattern is malformed or too broad');
export const ErrJurisdictionUnknown = define('PS_ERR_JURISDICTION_UNKNOWN', 400, 'Unknown jurisdiction code');

// ── configuration and policy profiles ──────────────────────────────────────────────────
export const ErrConfigInvalid = define('PS_ERR_CONFIG_INVALID', 500, 'Configuration is invalid');
export const ErrProfileInvalid = define('PS_ERR_PROFILE_INVALID', 500, 'Policy profile is invalid');
export const ErrProfileUnknown = define('PS_ERR_PROFILE_UNKNOWN', 500, 'No policy profile by that name');

// ── hot lists ──────────────────────────────────────────────────────────────────────────
export const ErrHotlistRow = define('PS_ERR_HOTLIST_ROW', 400, 'Hot-list row rejected');
export const ErrHotlistFormat = define('PS_ERR_HOTLIST_FORMAT', 400, 'Hot-list file format not recognised');
export const ErrHotlistUnknown = define('PS_ERR_HOTLIST_UNKNOWN', 404, 'No hot list by that name');

// ── storage ────────────────────────────────────────────────────────────────────────────
export const ErrStorage = define('PS_ERR_STORAGE', 500, 'Storage failure');
export const ErrNotFound = define('PS_ERR_NOT_FOUND', 404, 'Not found');

// ── OCR ────────────────────────────────────────────────────────────────────────────────
export const ErrModelMissing = define('PS_ERR_MODEL_MISSING', 500, 'OCR model file not found where its manifest says');
export const ErrModelAltered = define('PS_ERR_MODEL_ALTERED', 500, 'OCR model file does not match the sha256 in its manifest');
export const ErrCropInvalid = define('PS_ERR_CROP_INVALID', 400, 'Plate crop cannot be decoded or its size does not match');
