// Each role signs in and sees its overview: key indicator cards and
// charts drawn by ECharts.
const { test, expect } = require('@playwright/test');
const { ACCOUNTS, CITY, OWN_COUNTY, expectRefused, shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

const EXPECTED_AREA = { admin: '济南市', analyst: '济南市', county: '历城区', school: '历城区' };

for (const who of Object.keys(ACCOUNTS)) {
  test(`${who} signs in and sees the overview`, { tag: '@pg' }, async ({ page }) => {
    const errors = watchErrors(page);
    await login(page, who);
    await expect(page.locator('main h1')).toContainText(EXPECTED_AREA[who]);
    await expect(page.locator('main h1')).toContainText('概览');
    expect(await page.locator('.card').count()).toBeGreaterThan(0);
    await expectChartsDrawn(page, 2);
    // The header's area link points at the principal's own area.
    const area = who === 'admin' || who === 'analyst' ? CITY : OWN_COUNTY;
    await expect(page.locator(`header nav a[href="/areas/${area}"]`)).toBeVisible();
    // Only those who may import see the import link; only the admin sees users.
    await expect(page.locator('header nav a[href="/admin/users"]')).toHaveCount(who === 'admin' ? 1 : 0);
    await shot(page, `overview-${who}`);
    errors.check();
  });
}

test('a wrong password is refused with a message on the login page', { tag: '@pg' }, async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/login');
  // An unknown username: the demo accounts' throttling counters stay untouched.
  await page.locator('#username').fill('no-such-user-e2e');
  await page.locator('#password').fill('wrong-password');
  await page.locator('form.login button[type=submit]').click();
  await expect(page.locator('#login-error')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, 'login-refused');
  errors.check();
});

test('signing out ends the session', { tag: '@pg' }, async ({ page }) => {
  await login(page, 'analyst');
  await page.locator('header form[action="/logout"] button').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('header .who')).toContainText('公开数据');
  await expectRefused(page, '/schools/2370112001');
});
