// Trust (issue 11, point 6): while the demo city is served every page says
// 演示数据，非官方统计 (on paper too) and every answer carries X-Edugov-Demo;
// the header names the user's county or school; the refusal page offers a
// way back; 依据 names the policy, not a file of ours.
const { test, expect } = require('@playwright/test');
const { OWN_COUNTY, OTHER_COUNTY, expectRefused, shot, watchErrors, login } = require('./helpers');

const BANNER = '演示数据，非官方统计';
/** A school of 历下区: out of the county officer's scope (whether it exists or not, the page is the same). */
const FOREIGN_SCHOOL = `2${OTHER_COUNTY}001`;

for (const [name, viewport] of [['1366', { width: 1366, height: 768 }], ['768', { width: 768, height: 1024 }]]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test('the county officer sees the demo banner and its county in the header', async ({ page }) => {
      const errors = watchErrors(page);
      await login(page, 'county');
      const banner = page.locator('#demo-banner');
      await expect(banner).toBeVisible();
      await expect(banner).toContainText(BANNER);
      await expect(page.locator('header .who .scope-name')).toHaveText('历城区 · 区县数据员');
      // The banner is above the header, the full width of the screen.
      const [bannerBox, headerBox] = [await banner.boundingBox(), await page.locator('header').boundingBox()];
      expect(bannerBox.y).toBeLessThan(headerBox.y);
      expect(bannerBox.width).toBeGreaterThanOrEqual(viewport.width - 20);
      await shot(page, `trust-${name}-county-overview`);
      // Printed, the banner stays.
      await page.emulateMedia({ media: 'print' });
      await expect(banner).toBeVisible();
      await shot(page, `trust-${name}-county-overview-print`);
      await page.emulateMedia({ media: 'screen' });
      errors.check();
    });

    test('the refusal page leads back to the overview and to the page before', async ({ page, baseURL }) => {
      const errors = watchErrors(page);
      await login(page, 'county');
      await page.goto(`/areas/${OWN_COUNTY}`);
      // Followed from the county's page (as a link there would be).
      const response = await page.goto(`/schools/${FOREIGN_SCHOOL}`, { referer: `${baseURL}/areas/${OWN_COUNTY}` });
      expect(response.status()).toBe(403);
      await expect(page.locator('main')).toContainText('无权访问');
      await expect(page.locator('#demo-banner')).toBeVisible();
      const overview = page.locator('#back-overview');
      const previous = page.locator('#back-previous');
      await expect(overview).toHaveText('返回历城区概览');
      await expect(previous).toHaveText('返回上一页');
      await shot(page, `trust-${name}-refused`);
      await previous.click();
      await expect(page).toHaveURL(new RegExp(`/areas/${OWN_COUNTY}$`));
      // Typed in (no page before): both lead to the county's overview.
      await expectRefused(page, `/schools/${FOREIGN_SCHOOL}`);
      await expect(page.locator('#back-previous')).toHaveAttribute('href', `/?area=${OWN_COUNTY}`);
      await page.locator('#back-overview').click();
      await expect(page).toHaveURL(new RegExp(`/\\?area=${OWN_COUNTY}$`));
      await expect(page.locator('main')).not.toContainText('无权访问');
      errors.check();
    });
  });
}

test('the school officer sees its school in the header, and is led back to it', async ({ page }) => {
  await login(page, 'school');
  await expect(page.locator('header .who .scope-name')).toHaveText(/^.+（2370112001） · 学校数据员$/);
  await expectRefused(page, '/schools/2370112002');
  await expect(page.locator('#back-school')).toHaveAttribute('href', '/schools/2370112001');
  await shot(page, 'trust-1366-school-refused');
  await page.locator('#back-school').click();
  await expect(page.locator('#classes')).toBeVisible();
});

test('the public sees the banner on the login page and the API says demo', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('#demo-banner')).toContainText(BANNER);
  await expect(page.locator('header .who .scope-name')).toHaveText('济南市 · 公开数据');
  const api = await page.request.get('/api/me');
  expect(api.status()).toBe(200);
  expect(api.headers()['x-edugov-demo']).toBe('1');
});

test('依据 names the policy, not a file of ours', async ({ page }) => {
  await login(page, 'admin');
  for (const code of ['student_count', 'large_class_count', 'balanced_school_share']) {
    await page.goto(`/indicators/${code}`);
    const source = page.locator('dt:text-is("依据") + dd');
    await expect(source).toBeVisible();
    const text = await source.innerText();
    expect(text).not.toMatch(/\.md|edugov/i);
    if (code === 'balanced_school_share') expect(text).toContain('《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）');
    if (code === 'student_count') expect(text).toBe('学籍与教师登记数据');
  }
  await shot(page, 'trust-1366-indicator-source');
});
