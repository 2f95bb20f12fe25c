/**
 * The dispatch console in a real browser (Debian's chromium) against a real server: a camera
 * read becomes a hit on the page, verified and disposed through the page's own forms; another
 * dispatcher's step shows up live; a dropped link resubscribes with `since` and shows what it
 * missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { launchBrowser, PEOPLE, signIn, stage, hotRead, type Browser, type Stage } from '../../../bench/console-stage.js';

describe('dispatch console in chromium', () => {
  let st: Stage;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    st = await stage();
  });
  afterAll(async () => {
    await browser?.close();
    await st?.close();
  });

  const hitItem = (page: Page, plate: string) => page.locator('li.hit', { has: page.locator('.plate.read', { hasText: plate }) });

  it('shows a hit with its differing characters and the unverified banner, then verifies and disposes it', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await expect.poll(() => page.locator('#link-state').textContent()).toBe('live');

    const cam = await st.camera();
    cam.sendRead(hotRead('7A8C123'));
    const item = hitItem(page, '7A8C123');
    await item.waitFor();
    // The read beside the entry with the misread character marked (`match.diff`).
    expect(await item.locator('.plate.read mark').allTextContents()).toEqual(['8']);
    expect(await item.locator('.plate.entry').textContent()).toBe('7ABC123');
    expect(await item.locator('.meta').textContent()).toContain('stolen · stolen vehicle · P90 · cam-elm-1');
    // POLICY R5: not grounds for action until verified.
    expect(await item.locator('.unverified').textContent()).toContain('not grounds for action');
    await expect.poll(() => page.locator('#alert-region').textContent()).toContain('New hit: 7A8C123 matches 7ABC123');

    await item.locator('button.hit-select').click();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('heading', { name: 'Verification checklist' }).waitFor();
    await page.getByLabel('List status confirmed with the source system (CLETS/NCIC)').check();
    await page.getByLabel('Plate characters, state and vehicle visually match the read').check();
    await page.getByRole('button', { name: 'Record verification' }).click();
    await page.getByRole('heading', { name: 'Disposition' }).waitFor();
    await expect.poll(() => item.locator('.unverified').count()).toBe(0);

    await page.getByLabel('Outcome').selectOption('cfs_created');
    expect(await page.getByLabel('Call-for-service number').evaluate((el) => (el as HTMLInputElement).required)).toBe(true);
    await page.getByLabel('Call-for-service number').fill('CFS-26-0042');
    await page.getByLabel('Note (optional)').fill('Vehicle stopped at Elm and 5th');
    await page.getByRole('button', { name: 'Record disposition' }).click();
    await expect.poll(() => item.getAttribute('class')).toContain('state-disposed');

    const id = await item.getAttribute('data-hit');
    const stored = st.server.rooms.hits.get(id!);
    expect(stored?.life.state).toBe('disposed');
    expect(stored?.life.verification).toMatchObject({ by: PEOPLE.dispatcher.user, listConfirmed: true, visualMatch: true });
    expect(stored?.life.disposition).toMatchObject({ by: PEOPLE.dispatcher.user, disp: 'cfs_created', cfs: 'CFS-26-0042' });
    await page.close();
  });

  it('refuses an enforcement outcome before verification: only the closures the state allows are offered', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await expect.poll(() => page.locator('#link-state').textContent()).toBe('live');
    const cam = await st.camera();
    cam.sendRead(hotRead('5XYZ789'));
    const item = hitItem(page, '5XYZ789');
    await item.waitFor();
    await item.locator('button.hit-select').click();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    // Ticking nothing rejects the hit: it may close only as a misread, no longer wanted, or other.
    await page.getByRole('button', { name: 'Record verification' }).click();
    await page.getByRole('heading', { name: 'Disposition' }).waitFor();
    expect(await page.getByLabel('Outcome').locator('option').allTextContents()).toEqual(['misread', 'no longer wanted', 'other']);
    await page.getByLabel('Outcome').selectOption('misread');
    await page.getByRole('button', { name: 'Record disposition' }).click();
    await expect.poll(() => item.getAttribute('class')).toContain('state-disposed');
    expect(st.server.rooms.hits.get((await item.getAttribute('data-hit'))!)?.life.disposition?.disp).toBe('misread');
    await page.close();
  });

  it('updates live when another dispatcher acts, and replays what it missed after a network drop', async () => {
    // The first console's socket runs through a route the test can cut, as a network would.
    let down = false;
    let current: WebSocketRoute | undefined;
    const watcher = await browser.page();
    await watcher.routeWebSocket(/\/v1\/console/, (ws) => {
      if (down) return void ws.close({ code: 1001, reason: 'network down' }).catch(() => undefined);
      current = ws;
      ws.connectToServer();
    });
    await signIn(watcher, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await expect.poll(() => watcher.locator('#link-state').textContent()).toBe('live');
    const other = await browser.page();
    await signIn(other, st.server.url, '/console/', PEOPLE.dispatcher2.user);
    await expect.poll(() => other.locator('#link-state').textContent()).toBe('live');

    const cam = await st.camera();
    cam.sendRead(hotRead('7ABC123', { lane: 1 }));
    await hitItem(watcher, '7ABC123').first().waitFor();
    const otherItem = hitItem(other, '7ABC123').first();
    await otherItem.locator('button.hit-select').click();
    await other.getByRole('button', { name: 'Acknowledge' }).click();
    // The watcher sees the other dispatcher's step without doing anything.
    await expect.poll(() => hitItem(watcher, '7ABC123').first().getAttribute('class')).toContain('state-acked');

    down = true;
    await current!.close({ code: 1001, reason: 'network down' });
    await expect.poll(() => watcher.locator('#link-state').textContent()).toContain('reconnecting');
    cam.sendRead(hotRead('7ABC12J'));
    await hitItem(other, '7ABC12J').waitFor();
    expect(await hitItem(watcher, '7ABC12J').count()).toBe(0);
    down = false;

    const missed = hitItem(watcher, '7ABC12J');
    await missed.waitFor({ timeout: 20_000 });
    expect(await missed.locator('.badge.missed').textContent()).toBe('missed while offline');
    expect(await watcher.locator('#missed').textContent()).toContain('Reconnected: 1 hit arrived while this console was offline');
    await expect.poll(() => watcher.locator('#link-state').textContent()).toBe('live');
    // Entries are drawn one at a time in seq order: newest first, replayed ones included.
    const seqs = await watcher.locator('li.hit').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.seq)));
    expect(seqs.length).toBeGreaterThanOrEqual(2);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    await watcher.close();
    await other.close();
  });

  it('shows camera health and list freshness at a glance', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await expect.poll(() => page.locator('#list-freshness').textContent()).toContain('stolen: fresh');
    await expect.poll(() => page.locator('#camera-health').textContent()).toMatch(/Cameras: .*\d+ ok/);
    await page.close();
  });

  it('says plainly what to do when chromium is missing, instead of skipping', async () => {
    await expect(launchBrowser('/nonexistent/chromium')).rejects.toThrow('/nonexistent/chromium is missing: install it with `apt-get install -y chromium`');
  });
});

describe('escalation and keyboard use of the dispatch console', () => {
  let st: Stage;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    st = await stage({ escalateAfterS: 1 });
  });
  afterAll(async () => {
    await browser?.close();
    await st?.close();
  });

  it('makes a hit nobody acknowledged stand out, and lets the keyboard alone reach and acknowledge it', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await expect.poll(() => page.locator('#link-state').textContent()).toBe('live');
    const cam = await st.camera();
    cam.sendRead(hotRead());
    const item = page.locator('li.hit').first();
    await item.waitFor();
    await expect.poll(() => item.getAttribute('class'), { timeout: 15_000 }).toContain('escalated');
    expect(await item.locator('.badge.escalated').textContent()).toBe('ESCALATED');
    expect(await item.locator('button.hit-select').getAttribute('aria-label')).toMatch(/^Escalated\. 7ABC123 matches 7ABC123/);
    await expect.poll(() => page.locator('#alert-region').textContent()).toContain('Escalated hit: 7ABC123');

    // Keyboard only: the hit is a button; choosing it moves focus to the detail's heading,
    // the next Tab stop is the step the hit waits for, and focus is always visible.
    await item.locator('button.hit-select').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('detail-title');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Acknowledge');
    const outline = await page.evaluate(() => {
      const cs = getComputedStyle(document.activeElement!);
      return `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`;
    });
    expect(outline).toBe('solid 3px rgb(255, 210, 63)');
    await page.keyboard.press('Enter');
    await expect.poll(() => item.getAttribute('class')).toContain('state-acked');
    expect(await item.getAttribute('class')).not.toContain('escalated');
    await page.close();
  });
});
