// Shared steps for edugov's end-to-end tests.
const path = require('node:path');
const { expect } = require('@playwright/test');

/** The printed demo accounts (`edugov serve --demo`). */
const ACCOUNTS = {
  admin: { username: 'demo-admin', password: 'demo-admin-2024!', role: '市级管理员' },
  analyst: { username: 'demo-analyst', password: 'demo-analyst-2024!', role: '市级分析员' },
  county: { username: 'demo-county', password: 'demo-county-2024!', role: '区县数据员' },
  school: { username: 'demo-school', password: 'demo-school-2024!', role: '学校数据员' },
};

/** 济南市, its 历城区 (the county officer's), and 历下区 (another county). */
const CITY = '3701';
const OWN_COUNTY = '370112';
const OTHER_COUNTY = '370102';

const FORBIDDEN = '无权访问';

/** Opens `url` and expects the refusal page, answered with 403. */
async function expectRefused(page, url) {
  const response = await page.goto(url);
  expect(response.status(), `status of ${url}`).toBe(403);
  await expect(page.locator('main')).toContainText(FORBIDDEN);
}

/** A full-page screenshot kept as a test artefact in artifacts/. */
async function shot(page, name) {
  await page.screenshot({ path: path.join(__dirname, '..', 'artifacts', `${name}.png`), fullPage: true });
}

/** Addresses whose failure is not the page's (none so far). */
const IGNORED_STATUS = [];

/**
 * Fails the test on any script error or console error (a CSP refusal, a
 * missing asset, ECharts failing on its options): call once per page.
 */
function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A failed request is reported below with its address.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      errors.push(`console error: ${m.text()}`);
    }
  });
  // Assets and scripts' requests; a page's own status is the test's to check
  // (a refusal answers 403).
  page.on('response', (r) => {
    if (r.request().isNavigationRequest()) return;
    if (r.status() >= 400 && !IGNORED_STATUS.some((re) => re.test(new URL(r.url()).pathname))) {
      errors.push(`HTTP ${r.status()} for ${r.url()}`);
    }
  });
  return {
    check() {
      expect(errors, 'script or console errors in the page').toEqual([]);
    },
  };
}

/** Signs in through the form and waits for the overview. */
async function login(page, who) {
  const account = ACCOUNTS[who];
  await page.goto('/login');
  await page.locator('#username').fill(account.username);
  await page.locator('#password').fill(account.password);
  await page.locator('form.login button[type=submit]').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('header .who')).toContainText(account.role);
}

/** Every `div.chart[data-chart]` on the page has been drawn by ECharts into a canvas. */
async function expectChartsDrawn(page, atLeast = 1) {
  const charts = page.locator('div.chart[data-chart]');
  expect(await charts.count()).toBeGreaterThanOrEqual(atLeast);
  await expect(page.locator('div.chart[data-chart] canvas')).toHaveCount(await charts.count());
  // A drawn canvas has a size; an ECharts that failed leaves an empty div.
  const box = await page.locator('div.chart[data-chart] canvas').first().boundingBox();
  expect(box && box.width > 100 && box.height > 100).toBeTruthy();
}

module.exports = { ACCOUNTS, CITY, OWN_COUNTY, OTHER_COUNTY, FORBIDDEN, expectRefused, shot, watchErrors, login, expectChartsDrawn };
