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

// ── wire protocol ──────────────────────────────────────────────────────────────────────
export const ErrUnknownType = define('PS_ERR_UNKNOWN_TYPE', 400, 'Unknown frame type `t`');
export const ErrHelloFirst = define('PS_ERR_HELLO_FIRST', 400, 'The first frame on a camera channel must be `hello`');
export const ErrCameraMismatch = define('PS_ERR_CAMERA_MISMATCH', 403, 'The camera id does not belong to this token');
export const ErrSeqOrder = define('PS_ERR_SEQ_ORDER', 409, 'seq is not after the last seq sent on this connection');
export const ErrExcludedZone = define('PS_ERR_EXCLUDED_ZONE', 403, 'Read taken inside an exclusion zone; dropped by policy');
export const ErrReplaced = define('PS_ERR_REPLACED', 409, 'Another connection for this camera took over');
export const ErrRetentionPassed = define('PS_ERR_RETENTION_PASSED', 422, 'The read is older than the retention window and is not stored');
export const ErrSlowConsumer = define('PS_ERR_SLOW_CONSUMER', 503, 'The client did not keep up; reconnect with `since`');

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

// ── accounts and access (POLICY R1, R2) ────────────────────────────────────────────────
export const ErrAccountLocked = define('PS_ERR_ACCOUNT_LOCKED', 401, 'Account is locked after repeated failed logins; try later');
export const ErrAccountDisabled = define('PS_ERR_ACCOUNT_DISABLED', 401, 'Account is disabled');
export const ErrReviewDue = define('PS_ERR_REVIEW_DUE', 401, 'Account review date has passed; an administrator must review it');
export const ErrTrainingRequired = define('PS_ERR_TRAINING_REQUIRED', 403, 'Department-approved training is not recorded or has lapsed');
export const ErrPasswordWeak = define('PS_ERR_PASSWORD_WEAK', 400, 'Password is too short');
export const ErrCaseRequired = define('PS_ERR_CASE_REQUIRED', 400, 'A case or incident number is required for this inquiry');
export const ErrPurposeRequired = define('PS_ERR_PURPOSE_REQUIRED', 400, 'A permitted purpose is required for this inquiry');
export const ErrInquiryRequired = define('PS_ERR_INQUIRY_REQUIRED', 400, 'A case number or a permitted purpose is required for this inquiry');
export const ErrPurposeNotPermitted = define('PS_ERR_PURPOSE_NOT_PERMITTED', 400, 'That purpose is not permitted by the policy profile');
export const ErrSelfApproval = define('PS_ERR_SELF_APPROVAL', 403, 'Nobody approves their own request or reviews their own inquiry');
export const ErrApproverRole = define('PS_ERR_APPROVER_ROLE', 403, 'The policy profile names another role as approver');

// ── audit trail (POLICY R2, R3) ────────────────────────────────────────────────────────
export const ErrAuditRetention = define('PS_ERR_AUDIT_RETENTION', 409, 'Audit records younger than the audit retention may not be purged');
export const ErrAuditBroken = define('PS_ERR_AUDIT_BROKEN', 500, 'The audit log hash chain is broken');
export const ErrAuditSample = define('PS_ERR_AUDIT_SAMPLE', 400, 'No such audit sample, or the inquiry is not in it');

// ── hits (POLICY R5) ───────────────────────────────────────────────────────────────────
export const ErrHitTransition = define('PS_ERR_HIT_TRANSITION', 409, 'That step is not allowed from the hit’s current state');
export const ErrHitDisposition = define('PS_ERR_HIT_DISPOSITION', 400, 'Unknown disposition, or not allowed for this hit');
export const ErrCfsRequired = define('PS_ERR_CFS_REQUIRED', 400, 'A call-for-service number is required for this disposition');

// ── hot-list governance (POLICY R4) ────────────────────────────────────────────────────
export const ErrHotplateIncomplete = define('PS_ERR_HOTPLATE_INCOMPLETE', 400, 'A manual hot plate needs the member’s name, phone, case number and synopsis');
export const ErrHotplateExpiry = define('PS_ERR_HOTPLATE_EXPIRY', 400, 'Hot-plate expiry is past the profile’s cap');

// ── releases (POLICY R8) ───────────────────────────────────────────────────────────────
export const ErrReleaseState = define('PS_ERR_RELEASE_STATE', 409, 'The release request is not in a state that allows this');

export const ErrKeyStore = define('PS_ERR_KEY_STORE', 500, 'The key store cannot be read with this master key, or a key cannot be stored');

// ── inquiries (POLICY R2) ──────────────────────────────────────────────────────────────
export const ErrInquiryIncomplete = define('PS_ERR_INQUIRY_INCOMPLETE', 400, 'A case number and a purpose are required for this inquiry');
export const ErrCursorInvalid = define('PS_ERR_CURSOR_INVALID', 400, 'The page cursor is malformed or belongs to another query');
