// 学位预测 in the browser, as the city's analyst: open it from the menu, see
// the four stages charted (ECharts draws each into a canvas), switch the
// scenario, save the run and open it from the saved runs; 历城区's officer
// sees its county alone. Screenshots of the forecast and the saved run are
// kept in artifacts/.
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login, expectChartsDrawn, OWN_COUNTY, OTHER_COUNTY } = require('./helpers');

const STAGES = ['preschool', 'primary', 'junior', 'senior'];

test('the city analyst opens 学位预测, switches the scenario, saves the run and opens it', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await login(page, 'analyst');
  await page.locator('header nav a#nav-forecast').click();
  await expect(page).toHaveURL(/\/forecast$/);
  for (const stage of STAGES) {
    await expect(page.locator(`section.stage-forecast[data-stage=${stage}] div.chart canvas`)).toHaveCount(1);
  }
  await expectChartsDrawn(page, 4);
  await expect(page.locator('#assumptions')).toBeVisible();
  await expect(page.locator('#accuracy')).toBeVisible();
  await expect(page.locator('#no-map')).toHaveText('县区边界数据未随软件提供，以表格显示');
  await expect(page.locator(`#county-gaps tr[data-county="${OWN_COUNTY}"]`)).toHaveCount(1);
  await shot(page, 'forecast-1-city');

  // Another scenario: its name is the one marked, and its assumptions show.
  const other = page.locator('#scenario-switch a.scenario:not([aria-current])').first();
  const name = (await other.textContent()).trim();
  await other.click();
  await expect(page.locator('#scenario-switch a.scenario[aria-current=true]')).toHaveText(name);
  await expect(page.locator('#assumptions h2').first()).toContainText(name);
  await expectChartsDrawn(page, 4);

  // Save it and open it again from the list.
  const label = `e2e 学位预测 ${Date.now()}`;
  await page.locator('#save-run input[name=label]').fill(label);
  await page.locator('#save-run button[type=submit]').click();
  await expect(page).toHaveURL(/\/forecast\/runs\/\d+$/);
  await expect(page.locator('#forecast-title')).toContainText(label);
  await expectChartsDrawn(page, 4);
  await shot(page, 'forecast-2-saved-run');
  const saved = page.url();
  await page.goto('/forecast');
  await page.locator('#saved-runs a', { hasText: label }).click();
  await expect(page).toHaveURL(saved);
  errors.check();
});

test("历城区's officer sees its county's forecast alone", async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, 'county');
  await page.goto('/forecast');
  await expectChartsDrawn(page, 4);
  await expect(page.locator('#county-gaps')).toHaveCount(0);
  await expect(page.locator('#save-run')).toHaveCount(0);
  const response = await page.goto(`/forecast/county/${OTHER_COUNTY}`);
  expect(response.status()).toBe(404);
  errors.check();
});
