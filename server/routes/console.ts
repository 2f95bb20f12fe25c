/**
 * The consoles people use, served by PlateSafe itself: `/console/…` answers the page shells
 * and the scripts and styles built from `server/console/web/` into `dist/console/` (no CDN at
 * run time), `/` and `/console`
 * redirect to `/console/`, and `/console/settings.json` tells the pages what the active policy
 * profile permits (inquiry purposes, whether case and purpose are both required) so they never
 * hard-code one department's rules (POLICY R2).
 *
 * Files are read once at start-up into a map keyed by their relative name; a request is
 * answered only from that map, so no path a client sends can reach the disk (no traversal).
 * Every answer carries a strong ETag and `Cache-Control: no-cache`: the browser keeps the
 * file and revalidates it with one cheap 304, and a new build is picked up at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type uWS from 'uWebSockets.js';
import { DISPOSITIONS } from '../../core/hits/lifecycle.js';
import { REASONS } from '../../core/hotlist/entry.js';
import { LIST_KINDS } from '../../core/hotlist/list.js';
import type { Profile } from '../../core/policy/profile.js';
import { ROLES } from '../../core/policy/roles.js';
import { statusLine } from '../http.js';

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The pages talk only to their own origin: scripts and styles from `/console/`, images
 * from the API (as blob URLs) or inline data, sockets to the console channel.
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Frame-Options', 'DENY'],
];

/** Where the built pages are: beside the compiled server, or under `dist/` when run from source. */
export function consoleAssetDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', '..', 'console'), join(here, '..', '..', 'dist', 'console')]) {
    if (existsSync(join(candidate, 'dispatch.js'))) return candidate;
  }
  return undefined;
}

/** The pages: one shell each, told apart by title and script (`server/console/web/<script>.ts`). */
const PAGES: ReadonlyArray<readonly [file: string, title: string, script: string]> = [
  ['index.html', 'Dispatch', 'dispatch'],
  ['investigate.html', 'Investigation', 'investigate'],
  ['admin.html', 'Administration', 'admin'],
];

export function pageHtml(title: string, script: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · PlateSafe</title>
<link rel="stylesheet" href="/console/console.css">
<script type="module" src="/console/${script}.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header id="top"></header>
<main id="main" tabindex="-1"><p>Loading…</p><noscript>The console needs JavaScript.</noscript></main>
<div id="status-region" class="sr-only" aria-live="polite"></div>
<div id="alert-region" class="sr-only" aria-live="assertive"></div>
</body>
</html>
`;
}

function fileOf(body: Buffer, type: string): StaticFile {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Every servable file under `root`, keyed by its path relative to it with `/` separators. */
export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const type = TYPES[extname(name)];
      if (!type) continue;
      files.set(relative(root, full).split(sep).join('/'), fileOf(readFileSync(full), type));
    }
  };
  walk(root);
  return files;
}

/**
 * The file a request path names, or undefined. Clean page URLs (`/console/investigate`) map
 * to their `.html`; the folder maps to `index.html`. Only names present in the map resolve.
 */
export function resolveAsset(files: ReadonlyMap<string, StaticFile>, urlPath: string): StaticFile | undefined {
  if (!urlPath.startsWith('/console/')) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(urlPath.slice('/console/'.length));
  } catch {
    return undefined;
  }
  if (name === '') name = 'index.html';
  return files.get(name) ?? (extname(name) === '' ? files.get(`${name}.html`) : undefined);
}

export interface ConsoleSettings {
  readonly profile: string;
  readonly department: string;
  readonly inquiry: { readonly requires: string; readonly purposes: readonly string[] };
  readonly dispositions: readonly string[];
  /** Reasons a hot-list entry may give, and the roles a person may hold (not `camera`). */
  readonly reasons: readonly string[];
  readonly roles: readonly string[];
  readonly listKinds: readonly string[];
}

export function consoleSettings(profile: Profile): ConsoleSettings {
  return {
    profile: profile.name,
    department: profile.department,
    // POLICY R2: only the profile's permitted purposes are offered; prohibited uses never are.
    inquiry: { requires: profile.inquiry.requires, purposes: profile.inquiry.purposes },
    dispositions: DISPOSITIONS,
    reasons: REASONS,
    roles: ROLES.filter((r) => r !== 'camera'),
    listKinds: LIST_KINDS,
  };
}

// Every answer here is written synchronously inside the uWS handler, which corks it already.
// `endWithoutBody` is called without a length: with one (or inside an explicit cork) this
// uWS build does not count it as a response and aborts the process.

function redirect(res: uWS.HttpResponse, to: string): void {
  res.writeStatus('302 Found').writeHeader('Location', to).writeHeader('Cache-Control', 'no-cache').end();
}

function answer(res: uWS.HttpResponse, file: StaticFile, ifNoneMatch: string, head: boolean): void {
  const fresh = ifNoneMatch !== '' && ifNoneMatch.split(',').some((t) => t.trim() === file.etag);
  res.writeStatus(statusLine(fresh ? 304 : 200));
  res.writeHeader('Content-Type', file.type).writeHeader('ETag', file.etag).writeHeader('Cache-Control', 'no-cache');
  for (const [k, v] of SECURITY_HEADERS) res.writeHeader(k, v);
  if (fresh || head) res.endWithoutBody();
  else res.end(file.body);
}

function notFound(res: uWS.HttpResponse): void {
  res.writeStatus(statusLine(404)).writeHeader('Content-Type', 'application/json').end(JSON.stringify({ error: { code: 'PS_ERR_NOT_FOUND', message: 'Not found' } }));
}

export interface ConsoleRouteOptions {
  readonly profile: Profile;
  /** Folder of the built pages; found beside the server when omitted. */
  readonly dir?: string;
}

/** Registers `/`, `/console` and `/console/*`. Without a build the pages answer 404. */
export function consoleRoutes(app: uWS.TemplatedApp, opts: ConsoleRouteOptions): void {
  const dir = opts.dir ?? consoleAssetDir();
  const files = dir ? loadStaticFiles(dir) : new Map<string, StaticFile>();
  for (const [file, title, script] of PAGES) if (dir) files.set(file, fileOf(Buffer.from(pageHtml(title, script)), TYPES['.html']!));
  files.set('settings.json', fileOf(Buffer.from(JSON.stringify(consoleSettings(opts.profile))), TYPES['.json']!));

  app.get('/', (res) => redirect(res, '/console/'));
  app.get('/console', (res) => redirect(res, '/console/'));
  const serve = (head: boolean) => (res: uWS.HttpResponse, req: uWS.HttpRequest) => {
    const file = resolveAsset(files, req.getUrl());
    if (!file) return notFound(res);
    answer(res, file, req.getHeader('if-none-match'), head);
  };
  app.get('/console/*', serve(false));
  app.head('/console/*', serve(true));
}
