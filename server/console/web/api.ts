/**
 * The pages' client of the HTTP API (docs/api.md): the session token from
 * `POST /v1/auth/login` kept in sessionStorage (gone when the tab closes, never in a cookie
 * another site could ride on), JSON requests with the bearer token, errors surfaced with their
 * stable code, uploads with progress, and authenticated images as blob URLs (an `<img src>`
 * cannot carry the token).
 */

export interface Session {
  readonly token: string;
  readonly user: string;
  readonly role: string;
  readonly expires: number;
  readonly trainingCurrent: boolean;
}

export interface Settings {
  readonly profile: string;
  readonly department: string;
  readonly inquiry: { readonly requires: 'both' | 'either'; readonly purposes: readonly string[] };
  readonly dispositions: readonly string[];
  readonly reasons: readonly string[];
  readonly roles: readonly string[];
  readonly listKinds: readonly string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const KEY = 'platesafe.session';

export function session(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  const s = JSON.parse(raw) as Session;
  if (s.expires <= Date.now()) {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
  return s;
}

export async function login(user: string, password: string): Promise<Session> {
  const s = await request<Session>('POST', '/v1/auth/login', { user, password }, false);
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

export async function logout(): Promise<void> {
  try {
    await request('POST', '/v1/auth/logout', {});
  } finally {
    sessionStorage.removeItem(KEY);
  }
}

/** Called when the server says the session is gone; the shell shows the login again. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

async function failure(res: Response): Promise<ApiError> {
  let code = 'PS_ERR_HTTP';
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not JSON (a proxy's page): the status line is all there is.
  }
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    onSignedOut();
  }
  return new ApiError(res.status, code, message);
}

function headers(auth: boolean, type?: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (type) out['content-type'] = type;
  const s = auth ? session() : undefined;
  if (s) out.authorization = `Bearer ${s.token}`;
  return out;
}

export async function request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers(auth, body === undefined ? undefined : 'application/json'),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export const get = <T>(path: string): Promise<T> => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => request<T>('POST', path, body);
export const put = <T>(path: string, body: unknown): Promise<T> => request<T>('PUT', path, body);

/** Query string from defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Authenticated bytes (an image, a report). */
export async function fetchBlob(path: string): Promise<Blob> {
  const res = await fetch(path, { headers: headers(true) });
  if (!res.ok) throw await failure(res);
  return res.blob();
}

/** Authenticated bytes as an object URL the page can show or open. */
export async function blobUrl(path: string): Promise<string> {
  return URL.createObjectURL(await fetchBlob(path));
}

/**
 * Upload a file with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * Resolves with the JSON answer.
 */
export function upload<T>(path: string, file: Blob, type: string, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(headers(true, type))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'PS_ERR_NETWORK', 'the upload failed: network error'));
    xhr.onload = () => {
      let body: { error?: { code?: string; message?: string } } & Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // fall through with the status line
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      if (xhr.status === 401) {
        sessionStorage.removeItem(KEY);
        onSignedOut();
      }
      reject(new ApiError(xhr.status, body.error?.code ?? 'PS_ERR_HTTP', body.error?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.send(file);
  });
}

let settingsCache: Promise<Settings> | undefined;
export function settings(): Promise<Settings> {
  settingsCache ??= fetch('/console/settings.json').then((r) => r.json() as Promise<Settings>);
  return settingsCache;
}

/** A message for a person: the server's sentence, with its code for the help desk. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  return e instanceof Error ? e.message : String(e);
}
