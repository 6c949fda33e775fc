// 中考招生 in the browser: the "Done when" story of issue 16 on the demo
// city's runs (`edugov demo` stores the year's inputs with a 50 % and a
// 60 % run). The city administrator opens the 50 % run, sees the cutoffs
// per senior school and per junior school, asks why a candidate missed
// their first choice, corrects a wrong input and re-runs, sees who moved,
// and compares the 50 % with the 60 % run; 历城区's officer sees only its
// candidates, and another county's candidate is answered as an unknown
// one. Screenshots go to artifacts/ (or EDUGOV_SHOTS_DIR).
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { watchErrors, login, OWN_COUNTY, OTHER_COUNTY } = require('./helpers');

const SHOTS = process.env.EDUGOV_SHOTS_DIR || path.join(__dirname, '..', 'artifacts');

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `admission-${name}.png`), fullPage: true });
}

/** The id of the demo's run under a policy whose name holds `share` (50% or 60%), from /admission. */
async function runId(page, share) {
  await page.goto('/admission');
  const row = page.locator('#admission-runs tbody tr', { hasText: `指标到校${share}` }).last();
  await expect(row).toHaveCount(1);
  return row.getAttribute('data-run');
}

test.describe.configure({ mode: 'serial' });

let run50;
let farRow;

test('the administrator opens the 50 % run, sees cutoffs per school and per junior school, and asks why a first choice was missed', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await login(page, 'admin');
  await page.locator('header nav a#nav-admission').click();
  await expect(page).toHaveURL(/\/admission$/);
  await expect(page.locator('#inputs-versions tbody tr').first()).toBeVisible();
  await shot(page, '1-index');
  run50 = await runId(page, '50%');
  await page.goto(`/admission/runs/${run50}`);
  await expect(page.locator('#run-summary')).toBeVisible();
  await expect(page.locator('#policy-words li').first()).toContainText('指标到校50%');
  const cutoffs = page.locator('#school-results td.open-cutoff');
  expect(await cutoffs.count()).toBeGreaterThan(1);
  await expect(cutoffs.filter({ hasText: /^\d+(\.\d)?$/ }).first()).toBeVisible();
  await shot(page, '2-run');

  // A quality school's quota split: a cutoff per junior school.
  await page.locator('#school-results a.quota-school').first().click();
  await expect(page).toHaveURL(/\/admission\/runs\/\d+\/schools\/\d{10}$/);
  await expect(page.locator('#junior-cutoffs tbody tr').first()).toBeVisible();
  await expect(page.locator('#junior-cutoffs td.junior-cutoff', { hasText: /^\d+(\.\d)?$/ }).first()).toBeVisible();
  await shot(page, '3-quota-school');

  // A candidate not placed at their first choice, and why; on the way,
  // another county's candidate placed outside 历城区 (for the officer's test).
  let missedHref;
  for (let n = 0; n < 60 && (missedHref === undefined || farRow === undefined); n += 1) {
    await page.goto(`/admission/runs/${run50}/candidates?page=${n}`);
    const far = page.locator(`#candidates tbody tr[data-junior-county="${OTHER_COUNTY}"]:not([data-admitted-county="${OWN_COUNTY}"])`);
    if (farRow === undefined && (await far.count()) > 0) {
      farRow = await far.first().getAttribute('data-row');
    }
    const missed = page.locator('#candidates tbody tr').filter({ hasNotText: '第 1 志愿' }).filter({ has: page.locator('a.explain') });
    if (missedHref === undefined && (await missed.count()) > 0) {
      missedHref = await missed.first().locator('a.explain').getAttribute('href');
    }
    if ((await page.locator('.pager a[rel=next]').count()) === 0) break;
  }
  expect(missedHref, 'a candidate who missed their first choice').toBeDefined();
  await page.goto(missedHref);
  await expect(page.locator('#verdict')).toBeVisible();
  await expect(page.locator('#explanation li').first()).toBeVisible();
  await expect(page.locator('#verdict')).not.toContainText('已录取');
  await shot(page, '4-explain');
  errors.check();
});

test('the administrator corrects a wrong input, re-runs with the same policy and sees who moved', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await login(page, 'admin');
  // Numbers in full (audited) to name the candidate to correct: the best placed one.
  await page.goto(`/admission/runs/${run50}/candidates`);
  await page.locator('#unmask button[type=submit]').click();
  await expect(page.locator('#unmasked-notice')).toBeVisible();
  const top = page.locator('#candidates tbody tr').first();
  const number = (await top.locator('td.exam-number').textContent()).trim();
  expect(number).not.toContain('*');

  await page.goto(`/admission/runs/${run50}`);
  const inputsLink = page.locator('p.lead a[href^="/admission/inputs/"]').first();
  await inputsLink.click();
  await page.locator('#correct-link').click();
  await page.locator('#correct-form input[name=candidate]').fill(number);
  await page.locator('#correct-form select[name=field]').selectOption('总分');
  await page.locator('#correct-form input[name=value]').fill('300');
  await page.locator('#correct-form input[name=reason]').fill('总分录入错误');
  await page.locator('#correct-form button[type=submit]').click();
  await expect(page).toHaveURL(/\/admission\/inputs\/\d+\?corrected=1$/);
  await expect(page.locator('#corrections tbody tr')).toHaveCount(1);
  await shot(page, '5-corrected');
  await page.locator(`#rerun button.rerun[data-run="${run50}"]`).click();
  await expect(page).toHaveURL(/\/admission\/runs\/\d+$/);
  await page.locator('#changes-link').click();
  await expect(page.locator('#changes tbody tr').first()).toBeVisible();
  await expect(page.locator('#changes-count')).toContainText('录取结果变化的考生');
  await shot(page, '6-changes');
  errors.check();
});

test('the administrator compares the 50 % with the 60 % run', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await login(page, 'admin');
  const a = await runId(page, '50%');
  const b = await runId(page, '60%');
  await page.locator('#compare-form select[name=a]').selectOption(a);
  await page.locator('#compare-form select[name=b]').selectOption(b);
  await page.locator('#compare-form button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/admission/compare\\?a=${a}&b=${b}$`));
  await expect(page.locator('#compare-summary')).toContainText('指标到校60%');
  await expect(page.locator('#spread-by-school tbody tr').first()).toBeVisible();
  await expect(page.locator('#moved-count')).toBeVisible();
  await shot(page, '7-compare');
  errors.check();
});

test("历城区's officer sees only its candidates, and another county's is answered as unknown", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await login(page, 'county');
  await page.goto(`/admission/runs/${run50}/candidates`);
  const rows = page.locator('#candidates tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
  for (const row of await rows.all()) {
    const junior = await row.getAttribute('data-junior-county');
    const admitted = await row.getAttribute('data-admitted-county');
    expect(junior === OWN_COUNTY || admitted === OWN_COUNTY, `${junior} / ${admitted}`).toBeTruthy();
  }
  await expect(page.locator('#unmask')).toHaveCount(0);
  await shot(page, '8-county-list');
  // The admin's explanation of another county's candidate: to this officer,
  // the same answer as a candidate that does not exist.
  const unknown = await page.goto(`/admission/runs/${run50}/explain?row=99999999`);
  expect(unknown.status()).toBe(404);
  await expect(page.locator('#no-candidate')).toBeVisible();
  const unknownText = await page.locator('main').innerHTML();
  expect(farRow, "another county's candidate seen by the administrator").toBeDefined();
  const outside = await page.goto(`/admission/runs/${run50}/explain?row=${farRow}`);
  expect(outside.status()).toBe(404);
  expect(await page.locator('main').innerHTML()).toBe(unknownText);
  await shot(page, '9-county-outside');
  errors.check();
});
