/**
 * The investigation and administration pages in a real browser against the real HTTP API:
 * a search only under a case and purpose (POLICY R2), results with thumbnails and a plot, a
 * detection opened, an evidence hold placed; a special list designated, a manual hot plate
 * entered with its required fields, and the pending list approved by a supervisor (POLICY R4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMERA, launchBrowser, PEOPLE, signIn, stage, hotRead, until, api, apiToken, type Browser, type Stage } from '../../../bench/console-stage.js';

describe('investigation and administration pages in chromium', () => {
  let st: Stage;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    st = await stage();
    const cam = await st.camera();
    // Three reads at two places; one carries a gray8 crop (drawn by the page from PGM).
    cam.sendRead(hotRead('7ABX12', { lat: CAMERA.lat + 0.01, lon: CAMERA.lon - 0.01 }));
    cam.sendRead(hotRead('9QQQ999'));
    await until(() => cam.pending === 0, 'the reads to be acked');
    const crop = { fmt: 'gray8', w: 8, h: 4, data: new Uint8Array(32).map((_, i) => (i * 8) & 255) };
    expect(await st.postRead({ ...hotRead('7ABX129', { crop }), seq: 1000 })).toEqual([1000]);
  });
  afterAll(async () => {
    await browser?.close();
    await st?.close();
  });

  it('will not search before the case and purpose, then searches under them and places a hold', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/investigate', PEOPLE.investigator.user);
    const fieldset = page.locator('#search-fields');
    expect(await fieldset.evaluate((el) => (el as HTMLFieldSetElement).disabled)).toBe(true);
    await page.getByLabel('Case or incident number').fill('26-4711');
    // The purpose list is the profile's permitted purposes; prohibited uses are never offered.
    const purposes = await page.getByLabel('Purpose', { exact: true }).locator('option').allTextContents();
    expect(purposes).toContain('stolen vehicle');
    expect(purposes.join(' ')).not.toMatch(/immigration|personal/);
    await page.getByLabel('Purpose', { exact: true }).selectOption('stolen_vehicle');
    await page.getByRole('button', { name: 'Begin inquiry' }).click();
    expect(await fieldset.evaluate((el) => (el as HTMLFieldSetElement).disabled)).toBe(false);
    expect(await page.locator('#inquiry-banner').textContent()).toContain('case 26-4711');

    await page.getByLabel('Plate pattern').fill('7ABX12*');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('#results tr').count()).toBe(2);
    expect(await page.locator('#result-summary').textContent()).toContain('2 found');
    expect(await page.locator('#results .plate').allTextContents()).toEqual(expect.arrayContaining(['7ABX129', '7ABX12']));
    // The plot groups reads by place: two places, drawn from their coordinates.
    expect(await page.locator('#plot svg circle').count()).toBe(2);
    // The gray8 crop arrives as PGM and is painted into a PNG data URL.
    await expect.poll(() => page.locator('#results tr[data-det] img.thumb[src^="data:image/png"]').count()).toBe(1);

    const searches = st.server.rooms.audit.query({ actions: ['detections.search'], limit: 10 });
    expect(searches.at(-1)).toMatchObject({ actor: PEOPLE.investigator.user, case: '26-4711', purpose: 'stolen_vehicle', outcome: 'ok' });

    await page.locator('#results tr', { hasText: '7ABX129' }).getByRole('button', { name: 'Open' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Detection 7ABX129');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('checkbox', { name: 'Select 7ABX129 for an evidence hold' }).check();
    await page.getByLabel('Note').fill('Suspect vehicle seen twice');
    await page.getByRole('button', { name: 'Place evidence hold on selected' }).click();
    await expect.poll(() => page.locator('#hold .form-status').textContent()).toMatch(/^Hold .+ placed on 1 detection\.$/);
    const holds = st.server.rooms.detections.holds();
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ case: '26-4711', note: 'Suspect vehicle seen twice' });
    await page.close();
  });

  it('designates a special list, takes a manual hot plate with its required fields, and the administrator then a supervisor approve it', async () => {
    const admin = await browser.page();
    await signIn(admin, st.server.url, '/console/admin', PEOPLE.admin.user);
    await admin.locator('#dl-name').fill('dept-special');
    await admin.locator('#dl-kind').selectOption('special');
    await admin.locator('#dl-distance').fill('0');
    await admin.getByRole('button', { name: 'Save list' }).click();
    await expect.poll(() => admin.locator('#designate-status').textContent()).toContain('List dept-special saved (special');
    await admin.close();

    const investigator = await browser.page();
    await signIn(investigator, st.server.url, '/console/admin', PEOPLE.investigator.user);
    const form = investigator.locator('#hotplate');
    await form.getByLabel('List').fill('dept-special');
    await form.getByLabel('Plate or partial (?, *)').fill('8kzt301');
    await form.getByLabel('State').fill('CA');
    await form.getByLabel('Reason').selectOption('felony_vehicle');
    await form.getByLabel('Entering member').fill('Det. Ivy Invest #4471');
    await form.getByLabel('Contact phone').fill('555-0142');
    await form.getByLabel('Case number').fill('26-4711');
    // Without a synopsis the form does not go out (POLICY R4: all four fields are required).
    await investigator.getByRole('button', { name: 'Enter hot plate' }).click();
    expect(await form.getByLabel('Synopsis').evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    await form.getByLabel('Synopsis').fill('Vehicle used in a robbery on Elm St');
    await investigator.getByRole('button', { name: 'Enter hot plate' }).click();
    await expect.poll(() => investigator.locator('#hotplate-status').textContent()).toContain('Hot plate 8KZT301 entered; the list waits for approval');
    await investigator.close();

    // Menlo Park takes two steps: the ALPR administrator, then a supervisor (MP 462.4 g 5).
    const administrator = await browser.page();
    await signIn(administrator, st.server.url, '/console/admin', PEOPLE.admin.user);
    await expect.poll(() => administrator.locator('#pending-lists').textContent()).toContain('waits for the administrator');
    await administrator.getByRole('button', { name: 'Approve dept-special' }).click();
    await expect.poll(() => administrator.locator('#hotlists .form-status').first().textContent()).toContain('dept-special: your approval is recorded; it waits for the supervisor.');
    expect(st.server.rooms.hotlists.list('dept-special').settings.status).toBe('pending');
    await administrator.close();

    const supervisor = await browser.page();
    await signIn(supervisor, st.server.url, '/console/admin', PEOPLE.supervisor.user);
    await expect.poll(() => supervisor.locator('#pending-lists').textContent()).toContain(`approved by ${PEOPLE.admin.user} (administrator); waits for the supervisor`);
    const approve = supervisor.getByRole('button', { name: 'Approve dept-special' });
    await approve.click();
    await expect.poll(() => supervisor.locator('#hotlists .form-status').first().textContent()).toContain('dept-special approved; it is live.');
    expect(st.server.rooms.hotlists.list('dept-special').settings.status).toBe('live');
    expect(st.server.rooms.hotlists.list('dept-special').count).toBe(1);
    const steps = st.server.rooms.audit.query({ actions: ['hotlist.approve'] }).map((r) => [r.actor, r.subject]);
    expect(steps).toEqual([
      [PEOPLE.admin.user, expect.objectContaining({ status: 'pending', step: 1, of: 2 })],
      [PEOPLE.supervisor.user, expect.objectContaining({ status: 'approved', step: 2, of: 2 })],
    ]);
    await supervisor.close();
  });

  it('creates a user with training and review dates, and adds a camera whose token is shown once', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/admin', PEOPLE.admin.user);
    await page.locator('#un-user').fill('olive-op');
    await page.locator('#un-name').fill('Olive Operator');
    await page.locator('#un-role').selectOption('operator');
    await page.locator('#un-password').fill('a-long-enough-password');
    await page.locator('#un-trained').fill('2026-11-01');
    await page.locator('#un-review').fill('2027-05-01');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => page.locator('#user-new-status').textContent()).toBe('User olive-op created.');
    await expect.poll(() => page.locator('#users tr', { hasText: 'olive-op' }).count()).toBe(1);
    const olive = st.server.rooms.accounts.get('olive-op');
    expect(olive).toMatchObject({ role: 'operator', training: { completed: new Date('2026-11-01').getTime() } });

    await page.locator('#cn-id').fill('cam-oak-2');
    await page.locator('#cn-name').fill('Oak Ave');
    await page.locator('#cn-lat').fill('37.45');
    await page.locator('#cn-lon').fill('-122.18');
    await page.locator('#cn-just').fill('School-zone speed corridor, reviewed by council');
    await page.getByRole('button', { name: 'Add camera' }).click();
    await expect.poll(() => page.locator('#camera-token').textContent()).toMatch(/^Token for cam-oak-2 \(shown once.*\): pst_/);
    expect(st.server.rooms.cameras.list().map((c) => c.id)).toContain('cam-oak-2');
    await page.close();
  });

  it('imports a feed file with upload progress and reports what it took', async () => {
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/admin', PEOPLE.admin.user);
    const csv = ['plate,state,reason,priority,source', '7ABC123,CA,stolen_vehicle,90,NCIC', '5XYZ789,CA,wanted_person,70,NCIC', '4QRS555,CA,stolen_plate,60,NCIC', '1IMM000,CA,other,10,IMMIGRATION_VIOLATOR'].join('\n');
    await page.locator('#import-list').fill('stolen');
    await page.locator('#import-file').setInputFiles({ name: 'ncic.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel('Replace the whole list').check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.locator('#import-status').textContent()).toMatch(/^Imported 3 entries, 0 rejected, 1 excluded by source/);
    expect(await page.locator('#import-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(100);
    expect(st.server.rooms.hotlists.list('stolen').count).toBe(3);
    await page.close();
  });

  it('lets a supervisor draw a random audit sample and review an inquiry in it (POLICY R3)', async () => {
    // The investigator's search in the first test is in the population.
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/admin', PEOPLE.supervisor.user);
    await page.getByRole('button', { name: 'Draw sample' }).click();
    await expect.poll(() => page.locator('#audit-draw-status').textContent()).toMatch(/^Sample \d+ drawn\.$/);
    const row = page.locator('#audit-sample tbody tr', { hasText: 'detections.search' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain(PEOPLE.investigator.user);
    await row.getByRole('combobox').selectOption('compliant');
    await row.getByRole('textbox').fill('Case and purpose match the report');
    await row.getByRole('button', { name: 'Record' }).click();
    await expect.poll(() => row.locator('.form-status').textContent()).toBe('recorded');
    const reviews = st.server.rooms.audit.query({ actions: ['audit.review'], limit: 10 });
    expect(reviews.at(-1)).toMatchObject({ actor: PEOPLE.supervisor.user });
    await page.close();
  });

  it('shows release requests to the approver, with the rule that denied one, and takes a decision (POLICY R8)', async () => {
    const rex = await apiToken(st.server.url, PEOPLE.custodian.user);
    const agency = { id: 'sjpd', name: 'San Jose Police Department', kind: 'law_enforcement', state: 'CA' };
    expect((await api(st.server.url, rex, 'POST', '/v1/agencies', agency)).status).toBe(201);
    const scope = { kind: 'search', pattern: '7ABX12*', from: Date.now() - 86_400_000, to: Date.now() };
    const ask = (uses: string[]) =>
      api(st.server.url, rex, 'POST', '/v1/releases', { agency: 'sjpd', requester: { name: 'Sgt. Lee' }, purpose: 'Robbery series on the county line', uses, case: '26-9001', scope });
    const ok = (await ask(['criminal_investigation'])).body as { id: string; status: string };
    const refused = (await ask(['immigration_enforcement'])).body as { id: string; status: string };
    expect([ok.status, refused.status]).toEqual(['pending', 'denied']);

    // Nobody approves their own request: a second custodian decides.
    const page = await browser.page();
    await signIn(page, st.server.url, '/console/admin', PEOPLE.custodian2.user);
    const deniedRow = page.locator('#releases tr', { hasText: refused.id });
    await deniedRow.waitFor();
    expect(await deniedRow.textContent()).toContain('denied by rule');
    const row = page.locator('#releases tr', { hasText: ok.id });
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('#releases .form-status').textContent()).toBe(`Request ${ok.id} approved.`);
    await row.getByRole('button', { name: 'Export' }).waitFor();
    await page.close();
  });
});
