// On a tablet (portrait and landscape): the pages fit the screen — wide
// tables scroll inside their frame, never the whole page — charts are drawn
// to the screen's width, and the links can be tapped.
const { test, expect } = require('@playwright/test');
const { OWN_COUNTY, shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

/** The page is no wider than the screen, and no chart sticks out of it. */
async function expectFits(page) {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    widest: Math.max(0, ...[...document.querySelectorAll('div.chart canvas')].map((c) => c.getBoundingClientRect().right)),
  }));
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(innerWidth);
  expect(widest, 'a chart is wider than the screen').toBeLessThanOrEqual(innerWidth);
}

for (const [name, viewport] of [['portrait', { width: 768, height: 1024 }], ['landscape', { width: 1024, height: 768 }]]) {
  test.describe(`tablet ${name}`, () => {
    test.use({ viewport, hasTouch: true, isMobile: true });

    test(`overview, drill-down and a school fit a ${viewport.width} px screen`, async ({ page }) => {
      const errors = watchErrors(page);
      await login(page, 'admin');
      await expectChartsDrawn(page, 2);
      await expectFits(page);
      await shot(page, `tablet-${name}-overview`);

      // Tap through: the county, then a township, then a school.
      await page.goto(`/areas/${OWN_COUNTY}`);
      await expectChartsDrawn(page, 1);
      await expectFits(page);
      await page.locator('#drill-table tbody tr td a').first().tap();
      await expect(page).toHaveURL(/\/areas\/\d{9}/);
      await expectFits(page);
      const school = page.locator('#drill-table tbody tr td a[href^="/schools/"]').first();
      await school.tap();
      await expect(page).toHaveURL(/\/schools\/\d{10}/);
      await expect(page.locator('#students')).toBeVisible();
      // The student table is wider than a portrait screen: it scrolls in its frame.
      await expectFits(page);
      await shot(page, `tablet-${name}-school`);
      errors.check();
    });
  });
}
