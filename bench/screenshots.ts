/**
 * `npm run screenshots [-- --out DIR]`: PNG screenshots of every console page at a patrol
 * laptop's 1366×768, for reviewers. It stages a real server with people, a camera and a hot
 * list, makes some hits (one escalated, one missed while a console was away, one verified),
 * a stored search with results, and then photographs each page as a person of the right role
 * sees it. Prints its environment first and a final JSON line naming the files.
 */
import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { CAMERA, hotRead, launchBrowser, PEOPLE, signIn, stage, until } from './console-stage.js';

function outDir(argv: readonly string[]): string {
  const i = argv.indexOf('--out');
  return resolve(i >= 0 && argv[i + 1] ? argv[i + 1]! : 'screenshots');
}

async function shot(page: Page, dir: string, name: string, files: string[]): Promise<void> {
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  files.push(file);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} cpus, ${Math.round(totalmem() / 2 ** 30)} GiB`);
  const dir = outDir(process.argv.slice(2));
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const st = await stage();
  const browser = await launchBrowser();
  try {
    const cam = await st.camera();
    const login = await browser.page();
    await login.goto(`${st.server.url}/console/`);
    await login.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(login, dir, '0-login', files);
    await login.close();

    const dispatch = await browser.page();
    await signIn(dispatch, st.server.url, '/console/', PEOPLE.dispatcher.user);
    await dispatch.locator('#link-state', { hasText: 'live' }).waitFor();
    cam.sendRead(hotRead('7A8C123'));
    cam.sendRead(hotRead('5XYZ789', { lat: CAMERA.lat + 0.004 }));
    cam.sendRead(hotRead('7ABC123', { veh: { make: 'Honda', model: 'Civic', color: 'blue', body: 'sedan' } }));
    await until(() => cam.pending === 0, 'reads acked');
    await dispatch.locator('li.hit').nth(2).waitFor();
    await dispatch.locator('li.hit').first().locator('button.hit-select').click();
    await shot(dispatch, dir, '1-dispatch-new-hit', files);
    await dispatch.getByRole('button', { name: 'Acknowledge' }).click();
    await dispatch.getByRole('heading', { name: 'Verification checklist' }).waitFor();
    await shot(dispatch, dir, '2-dispatch-checklist', files);
    await dispatch.getByLabel('List status confirmed with the source system (CLETS/NCIC)').check();
    await dispatch.getByLabel('Plate characters, state and vehicle visually match the read').check();
    await dispatch.getByRole('button', { name: 'Record verification' }).click();
    await dispatch.getByRole('heading', { name: 'Disposition' }).waitFor();
    await dispatch.getByLabel('Outcome').selectOption('cfs_created');
    await dispatch.getByLabel('Call-for-service number').fill('CFS-26-0042');
    await shot(dispatch, dir, '3-dispatch-disposition', files);
    await dispatch.close();

    const investigate = await browser.page();
    await signIn(investigate, st.server.url, '/console/investigate', PEOPLE.investigator.user);
    await shot(investigate, dir, '4-investigate-locked', files);
    await investigate.getByLabel('Case or incident number').fill('26-4711');
    await investigate.getByLabel('Purpose', { exact: true }).selectOption('stolen_vehicle');
    await investigate.getByRole('button', { name: 'Begin inquiry' }).click();
    await investigate.getByLabel('Plate pattern').fill('7A?C12*');
    await investigate.getByRole('button', { name: 'Search', exact: true }).click();
    await investigate.locator('#results tr').first().waitFor();
    await investigate.locator('#results-card').scrollIntoViewIfNeeded();
    await shot(investigate, dir, '5-investigate-results', files);
    await investigate.close();

    const admin = await browser.page();
    await signIn(admin, st.server.url, '/console/admin', PEOPLE.admin.user);
    await admin.locator('#hotlists table').waitFor();
    await shot(admin, dir, '6-admin-top', files);
    await admin.locator('#users').scrollIntoViewIfNeeded();
    await admin.locator('#users table').waitFor();
    await shot(admin, dir, '7-admin-users-cameras', files);
    await admin.close();

    const supervisor = await browser.page();
    await signIn(supervisor, st.server.url, '/console/admin', PEOPLE.supervisor.user);
    await supervisor.locator('#audit').scrollIntoViewIfNeeded();
    await shot(supervisor, dir, '8-admin-supervisor-audit', files);
    await supervisor.close();
  } finally {
    await browser.close();
    await st.close();
  }
  console.log(JSON.stringify({ bench: 'screenshots', dir, files: files.map((f) => f.slice(dir.length + 1)) }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
