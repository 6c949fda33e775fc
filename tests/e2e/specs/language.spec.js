// The language switch: Chinese by default, English on request, remembered.
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

test('switching to English changes the labels and <html lang>', async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, 'admin');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('header nav')).toContainText('概览');
  await page.locator('#lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('header nav')).toContainText('Overview');
  await expect(page.locator('header nav')).toContainText('Indicators');
  await expect(page.locator('main')).toContainText('Key indicators');
  await expect(page.locator('#lang-switch')).toHaveText('中文');
  await expectChartsDrawn(page, 2);
  await shot(page, 'overview-english');
  // Remembered on the next pages, the refusal included.
  await page.goto('/areas/3701');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('#drill-table thead')).toContainText('Name');
  // A refusal (no such school: the same page as out of scope) in English.
  const refused = await page.goto('/schools/2999999999');
  expect(refused.status()).toBe(403);
  await expect(page.locator('main')).toContainText('Forbidden');
  await page.goto('/areas/3701');
  // And back.
  await page.locator('#lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('#drill-table thead')).toContainText('名称');
  errors.check();
});
