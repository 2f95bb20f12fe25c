/**
 * `npm run bench:console -- [--hits N] [--gap MS]`: how long a hit takes from the camera's
 * read to the dispatch page's list in a real browser (chromium), against a bare WebSocket
 * console client receiving the same hits in the same run (the channel's own latency, the
 * baseline). Reads are spaced `gap` ms apart so each is a separate hit, not a batch. Also
 * reports the size of what a browser downloads for each page. Prints the environment first
 * and a final JSON line.
 */
import { statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { apiToken, hotRead, launchBrowser, PEOPLE, signIn, stage, until } from './console-stage.js';
import { consoleAssetDir } from '../server/routes/console.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number): number => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const hits = arg('hits', 100);
  const gap = arg('gap', 50);
  console.log(`node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; hits ${hits}, gap ${gap} ms`);
  const st = await stage();
  const browser = await launchBrowser();
  try {
    const plates = Array.from({ length: hits }, (_, i) => `8BEN${String(i).padStart(3, '0')}`);
    await st.server.rooms.hotlists.importRows(
      plates.map((plate, i) => ({ line: i + 2, fields: { plate, state: 'CA', reason: 'stolen_vehicle', priority: 50 } })),
      { list: 'bench', replace: true, settings: { kind: 'general', maxDistance: 0 } },
    );

    // Baseline: a bare console client on the same channel.
    const wsSeen = new Map<string, number>();
    const token = await apiToken(st.server.url, PEOPLE.dispatcher2.user);
    const ws = new WebSocket(`ws://127.0.0.1:${st.server.port}/v1/console?token=${encodeURIComponent(token)}`);
    await new Promise<void>((ok, fail) => ws.once('open', () => ok()).once('error', fail));
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as { t: string; read?: { plate?: string } };
      if (f.t === 'hit' && f.read?.plate && !wsSeen.has(f.read.plate)) wsSeen.set(f.read.plate, Date.now());
    });
    ws.send(JSON.stringify({ t: 'sub' }));

    const page = await browser.page();
    await signIn(page, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await page.locator('#link-state', { hasText: 'live' }).waitFor();
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { seen: Record<string, number> }).seen = seen;
      new MutationObserver(() => {
        document.querySelectorAll('#hits .plate.read').forEach((el) => void (seen[el.textContent ?? ''] ??= Date.now()));
      }).observe(document.getElementById('hits')!, { childList: true, subtree: true });
    });

    const cam = await st.camera();
    const sent = new Map<string, number>();
    for (const plate of plates) {
      sent.set(plate, Date.now());
      cam.sendRead(hotRead(plate));
      await new Promise((r) => setTimeout(r, gap));
    }
    await until(() => wsSeen.size === hits, 'the baseline client to see every hit', 30_000);
    await page.waitForFunction((n) => Object.keys((window as unknown as { seen: Record<string, number> }).seen).length >= n, hits, { timeout: 30_000 });
    const pageSeen = await page.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);
    ws.close();

    const lat = (seen: (p: string) => number | undefined): number[] => plates.map((p) => seen(p)! - sent.get(p)!).sort((a, b) => a - b);
    const pageLat = lat((p) => pageSeen[p]);
    const wsLat = lat((p) => wsSeen.get(p));
    const dir = consoleAssetDir();
    const size = (f: string): number => (dir ? statSync(join(dir, f)).size : 0);
    const result = {
      bench: 'console',
      hits,
      gap_ms: gap,
      page_p50_ms: round(percentile(pageLat, 50)),
      page_p99_ms: round(percentile(pageLat, 99)),
      ws_p50_ms: round(percentile(wsLat, 50)),
      ws_p99_ms: round(percentile(wsLat, 99)),
      ratio_p50: round(percentile(pageLat, 50) / Math.max(1, percentile(wsLat, 50))),
      lost: plates.filter((p) => pageSeen[p] === undefined).length,
      bundle_bytes: { dispatch_js: size('dispatch.js'), investigate_js: size('investigate.js'), admin_js: size('admin.js'), css: size('console.css') },
    };
    console.log(`page: p50 ${result.page_p50_ms} ms, p99 ${result.page_p99_ms} ms; bare client: p50 ${result.ws_p50_ms} ms, p99 ${result.ws_p99_ms} ms`);
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await st.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
