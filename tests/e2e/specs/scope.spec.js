// Scope on the server: a county officer sees another county's published
// total but none of its townships or schools, and the public sees the
// published overview but no school.
const { test, expect } = require('@playwright/test');
const { OTHER_COUNTY, OWN_COUNTY, expectRefused, shot, watchErrors, login } = require('./helpers');

/** A township and a school of 历下区 (370102), found by the administrator through the drill-down. */
async function otherCountyPlaces(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, 'admin');
  await page.goto(`/areas/${OTHER_COUNTY}`);
  const townships = await page.locator('#drill-table tbody tr td a[href^="/areas/"]').evaluateAll((as) =>
    as.map((a) => a.getAttribute('href')));
  let code = null;
  let township = null;
  for (const href of townships) {
    await page.goto(href);
    const link = page.locator('#drill-table tbody tr td a[href^="/schools/"]').first();
    if (await link.count()) {
      code = (await link.getAttribute('href')).match(/\/schools\/(\d+)/)[1];
      township = href.match(/\/areas\/(\d+)/)[1];
      break;
    }
  }
  await context.close();
  expect(code, `a school in ${OTHER_COUNTY}`).not.toBeNull();
  return { school: code, township };
}

test("the county officer is refused another county's schools and townships", { tag: '@pg' }, async ({ page, browser }) => {
  const { school, township } = await otherCountyPlaces(browser);
  expect(school.slice(1, 7)).toBe(OTHER_COUNTY);
  const errors = watchErrors(page);
  await login(page, 'county');
  // The other county's school: refused, nothing of it shown.
  await expectRefused(page, `/schools/${school}`);
  await expect(page.locator('#classes')).toHaveCount(0);
  await expect(page.locator('#students')).toHaveCount(0);
  await shot(page, 'county-refused-school');
  // Its townships: refused.
  await expectRefused(page, `/areas/${township}`);
  await expect(page.locator('#drill-table')).toHaveCount(0);
  await shot(page, 'county-refused-township');
  // Its published total, as the public sees it, without its places.
  await page.goto(`/areas/${OTHER_COUNTY}`);
  await expect(page.locator('#published-only')).toBeVisible();
  await expect(page.locator('#drill-table')).toHaveCount(0);
  await shot(page, 'county-other-county-published-total');
  // The city's page lists every county, as published.
  await page.goto('/areas/3701');
  const cityRows = await page.locator('#drill-table tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(cityRows.length).toBeGreaterThan(1);
  expect(cityRows.some((href) => href.startsWith(`/areas/${OWN_COUNTY}?`))).toBe(true);
  // Its own county is fine, and lists only its own places.
  await page.goto(`/areas/${OWN_COUNTY}`);
  await expect(page.locator('#drill-table')).toBeVisible();
  const hrefs = await page.locator('#drill-table tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(hrefs.length).toBeGreaterThan(0);
  for (const href of hrefs) expect(href).toMatch(new RegExp(`^/areas/${OWN_COUNTY}`));
  // The API says the same.
  const api = await page.request.get(`/api/schools/${school}`);
  expect(api.status()).toBe(403);
  const townshipApi = await page.request.get(`/api/areas/${township}`);
  expect(townshipApi.status()).toBe(403);
  errors.check();
});

test('the school officer sees its own school only', { tag: '@pg' }, async ({ page }) => {
  await login(page, 'school');
  await page.goto('/schools/2370112001');
  await expect(page.locator('#classes')).toBeVisible();
  // Its students stay masked: no full view is offered to an officer.
  await expect(page.locator('#unmask')).toHaveCount(0);
  await expectRefused(page, '/schools/2370112002');
});

test('the public sees the overview but no school', { tag: '@pg' }, async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.locator('header .who')).toContainText('公开数据');
  await expect(page.locator('main h1')).toContainText('济南市');
  expect(await page.locator('.card').count()).toBeGreaterThan(0);
  await expect(page.locator('div.chart[data-chart] canvas').first()).toBeVisible();
  await shot(page, 'public-overview');
  await expectRefused(page, '/schools/2370112001');
  await expect(page.locator('#classes')).toHaveCount(0);
  await shot(page, 'public-refused-school');
  // No import for the public.
  await expectRefused(page, '/import');
  await expect(page.locator('#upload')).toHaveCount(0);
  errors.check();
});
