// The city administrator's questions: where are the most 大班额 classes,
// and what does one school's class list look like.
const { test, expect } = require('@playwright/test');
const { CITY, shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

/** The numbers of a table column, in the order shown. */
async function columnNumbers(table, index) {
  const texts = await table.locator(`tbody tr td:nth-child(${index})`).allTextContents();
  return texts.map((t) => parseFloat(t.replace(/[^0-9.\-]/g, '')));
}

test('the counties with the most 大班额 in three clicks', { tag: '@pg' }, async ({ page }) => {
  const errors = watchErrors(page);
  // Click 1: sign in (lands on the city's overview, the latest school year).
  await login(page, 'admin');
  await expect(page.locator('#most-large-classes')).toBeVisible();
  const ranking = page.locator('#ranking');
  await expect(ranking).toBeVisible();
  // The ranking lists every county, most 大班额 first.
  let values = await columnNumbers(ranking, 2);
  expect(values.length).toBeGreaterThanOrEqual(10);
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  await shot(page, 'admin-ranking-latest-year');
  // Click 2: the school year with the most 大班额, read off the first trend
  // chart (大班额班级数; in the demo city the latest years have few or none).
  const trend = JSON.parse(await page.locator('#trend-0').getAttribute('data-chart'));
  expect(trend.title.text).toBe('大班额班级数');
  // The axis reads school years (2019—2020学年); the select's value is the first year.
  const years = trend.xAxis.data.map((label) => label.slice(0, 4));
  const counts = trend.series[0].data;
  const worst = years[counts.indexOf(Math.max(...counts.filter((v) => v !== null)))];
  await page.locator('form.filters select[name=year]').first().selectOption(String(worst));
  await expect(page).toHaveURL(new RegExp(`year=${worst}`));
  values = await columnNumbers(ranking, 2);
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  expect(values[0]).toBeGreaterThan(0);
  const top = ranking.locator('tbody tr').first().locator('td a');
  const topName = (await top.textContent()).trim();
  await expectChartsDrawn(page, 2);
  await shot(page, 'admin-ranking');
  // Click 3: the top county — its townships' 大班额, as a table and a chart.
  await top.click();
  await expect(page).toHaveURL(new RegExp(`/areas/3701\\d\\d\\?year=${worst}`));
  await expect(page.locator('main h1')).toContainText(topName);
  await expect(page.locator('main h1')).toContainText('大班额');
  const drill = page.locator('#drill-table');
  await expect(drill).toBeVisible();
  await expectChartsDrawn(page, 1);
  // The county's value is the one ranked, and its townships add up to it.
  await expect(page.locator('main p strong').first()).toHaveText(String(values[0]));
  const townships = (await drill.locator('tbody tr td:nth-child(3)').evaluateAll((cells) =>
    cells.map((c) => parseFloat(c.dataset.sort || '0'))));
  expect(townships.length).toBeGreaterThan(0);
  expect(townships.reduce((a, b) => a + b, 0)).toBe(values[0]);
  // Sorting the table by value (a click on its header) puts the worst township first.
  const header = drill.locator('thead th').nth(2);
  await header.click();
  await header.click();
  await expect(header).toHaveAttribute('data-dir', 'desc');
  const sorted = await drill.locator('tbody tr td:nth-child(3)').evaluateAll((cells) =>
    cells.map((c) => parseFloat(c.dataset.sort || '0')));
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]).toBeLessThanOrEqual(sorted[i - 1]);
  await shot(page, 'admin-top-county');
  errors.check();
});

test('drill down city → county → township → school and see its classes', { tag: '@pg' }, async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, 'admin');
  // City: its counties.
  await page.locator(`header nav a[href="/areas/${CITY}"]`).click();
  const table = page.locator('#drill-table');
  await expect(table).toBeVisible();
  await expect(page.locator('main h1')).toContainText('济南市');
  await expectChartsDrawn(page, 1);
  await shot(page, 'drill-1-city');
  // County (历城区: the largest, so a township surely has schools).
  await table.locator('tbody tr', { hasText: '历城区' }).locator('td a').first().click();
  await expect(page).toHaveURL(/\/areas\/370112\b/);
  await expect(page.locator('main h1')).toContainText('历城区');
  await expect(page.locator('.crumbs a')).toContainText('济南市');
  await shot(page, 'drill-2-county');
  // Township: the first one listed.
  const township = table.locator('tbody tr td a[href^="/areas/"]').first();
  const townshipHref = await township.getAttribute('href');
  expect(townshipHref).toMatch(/^\/areas\/370112\d{3}/);
  await township.click();
  await expect(page).toHaveURL(/\/areas\/370112\d{3}/);
  const schoolLinks = table.locator('tbody tr td a[href^="/schools/"]');
  expect(await schoolLinks.count()).toBeGreaterThan(0);
  await expectChartsDrawn(page, 1);
  await shot(page, 'drill-3-township');
  // School: its classes, teachers and masked students.
  const schoolName = (await schoolLinks.first().textContent()).trim();
  await schoolLinks.first().click();
  await expect(page).toHaveURL(/\/schools\/\d{10}/);
  await expect(page.locator('main h1')).toHaveText(schoolName);
  const classes = page.locator('#classes');
  await expect(classes).toBeVisible();
  expect(await classes.locator('tbody tr').count()).toBeGreaterThan(0);
  await expect(page.locator('#teachers')).toBeVisible();
  const students = page.locator('#students');
  await expect(students).toBeVisible();
  // Identity numbers are masked (18 characters, the middle starred).
  const ids = await students.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect(id).toMatch(/^\d{6}\*+[0-9X]{4}$/);
  await shot(page, 'drill-4-school');
  // The administrator may show this page of students in full: audited.
  await page.locator('#unmask button').click();
  await expect(page.locator('#unmasked-notice')).toContainText('审计日志');
  const full = await students.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(full.length).toBe(ids.length);
  for (const id of full) expect(id).toMatch(/^\d{17}[0-9X]$/);
  await shot(page, 'drill-5-school-unmasked');
  // The audit log names the full view by its label (`view_unmasked`).
  await page.goto('/admin/audit?action=view_unmasked');
  await expect(page.locator('main table tbody')).toContainText('查看完整身份信息');
  errors.check();
});

test('an indicator page shows its values and offers an xlsx export', { tag: '@pg' }, async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, 'admin');
  await page.locator('header nav a[href="/indicators"]').click();
  await page.locator('main a[href^="/indicators/large_class_count"]').first().click();
  await expect(page).toHaveURL(/\/indicators\/large_class_count/);
  const exportLink = page.locator('#export');
  await expect(exportLink).toBeVisible();
  await expectChartsDrawn(page, 1);
  const download = page.waitForEvent('download');
  await exportLink.click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
  await shot(page, 'indicator-large-classes');
  errors.check();
});
