// Charts read as the tables do (issue 11, point 4): hovering a trend shows
// the school year as a school year, the value rounded with its unit, and
// the change of a rate in 个百分点; the policy line is drawn; the y axis
// starts at 0. Screenshots at 1366×768 and 768×1024, with the tooltip open.
const { test, expect } = require('@playwright/test');
const { CITY, shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

const SIZES = [['1366x768', { width: 1366, height: 768 }], ['768x1024', { width: 768, height: 1024 }]];

/** Moves the mouse onto point `index` of a line chart's first series; returns the tooltip's text. */
async function hoverPoint(page, selector, index) {
  const chart = page.locator(selector);
  await chart.scrollIntoViewIfNeeded();
  const at = await page.evaluate(([sel, i]) => {
    const c = echarts.getInstanceByDom(document.querySelector(sel));
    const data = c.getOption().series[0].data;
    return c.convertToPixel({ seriesIndex: 0 }, [i, data[i]]);
  }, [selector, index]);
  const box = await chart.boundingBox();
  await page.mouse.move(box.x + at[0], box.y + at[1]);
  // ECharts puts the tooltip in the chart's container.
  const tip = chart.locator('div').filter({ hasText: /\d{4}/ }).last();
  await expect(tip).toBeVisible();
  return (await tip.innerText()).replace(/\s+/g, ' ');
}

/** The drawn y axis's range and the policy lines drawn on the first series. */
async function axisAndLine(page, selector) {
  return page.evaluate((sel) => {
    const c = echarts.getInstanceByDom(document.querySelector(sel));
    const extent = c.getModel().getComponent('yAxis').axis.scale.getExtent();
    const mark = c.getOption().series[0].markLine;
    return { min: extent[0], max: extent[1], line: mark ? mark.data[0].yAxis : null, label: mark ? mark.label.formatter : null };
  }, selector);
}

for (const [size, viewport] of SIZES) {
  test(`a trend's tooltip names the school year, rounds with the unit and gives the change in 个百分点 (${size})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const errors = watchErrors(page);
    await login(page, 'admin');
    await page.goto(`/indicators/inclusive_coverage?area=${CITY}`);
    await expectChartsDrawn(page, 2);

    const years = await page.evaluate(() => echarts.getInstanceByDom(document.querySelector('#trend')).getOption().xAxis[0].data);
    expect(years.length).toBeGreaterThan(1);
    const last = years.length - 1;
    const text = await hoverPoint(page, '#trend', last);
    expect(text).toContain(years[last]);
    expect(text).toMatch(/\d{4}—\d{4}学年/);
    // Rounded to the indicator's two digits, with its unit.
    expect(text).toMatch(/\d+\.\d{2}%/);
    expect(text).not.toMatch(/\d\.\d{3,}/);
    // The change from the year before: percentage points, never a per cent.
    expect(text).toMatch(/较上年 [+−]?\d+\.\d{2} 个百分点/);
    expect(text).not.toMatch(/[+−]\d+(\.\d+)?%/);

    // The policy line is drawn with its label, and the axis starts at 0 and reaches it.
    for (const sel of ['#trend', '#by-area']) {
      const axis = await axisAndLine(page, sel);
      expect(axis.min, `${sel} y axis`).toBe(0);
      expect(axis.line, `${sel} policy line`).toBe(85);
      expect(axis.label).toBe('标准线 85.00%');
      expect(axis.max).toBeGreaterThanOrEqual(85);
    }
    await shot(page, `charts-${size}-indicator-tooltip`);

    // The drill-down's table: a rate's changes in 个百分点.
    const changes = await page.locator('#values tbody tr td:nth-child(4)').allInnerTexts();
    expect(changes.filter((c) => c.trim()).every((c) => / 个百分点$/.test(c.trim()))).toBeTruthy();
    errors.check();
  });

  test(`the overview's trends read in school years, from 0, with the line (${size})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const errors = watchErrors(page);
    await login(page, 'admin');
    await expectChartsDrawn(page, 2);
    const ids = await page.locator('div.chart[id^="trend-"]').evaluateAll((els) => els.map((e) => e.id));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const axis = await axisAndLine(page, `#${id}`);
      expect(axis.min, `${id} y axis`).toBe(0);
    }
    const coverage = await page.locator('div.chart[id^="trend-"]').evaluateAll((els) =>
      els.map((e) => e.id).find((id) => echarts.getInstanceByDom(document.getElementById(id)).getOption().title[0].text === '普惠性幼儿园覆盖率'));
    expect(coverage, 'a coverage trend on the overview').toBeTruthy();
    const text = await hoverPoint(page, `#${coverage}`, 1);
    expect(text).toMatch(/\d{4}—\d{4}学年/);
    expect(text).toMatch(/较上年 [+−]?\d+\.\d{2} 个百分点/);
    await expect(page.locator('div.card .line').filter({ hasText: '个百分点' }).first()).toBeVisible();
    await shot(page, `charts-${size}-overview-tooltip`);
    errors.check();
  });
}

test('in English the tooltip reads 2024–2025 and pp', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const errors = watchErrors(page);
  await login(page, 'admin');
  await page.locator('#lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.goto(`/indicators/inclusive_coverage?area=${CITY}`);
  await expectChartsDrawn(page, 2);
  const years = await page.evaluate(() => echarts.getInstanceByDom(document.querySelector('#trend')).getOption().xAxis[0].data);
  const text = await hoverPoint(page, '#trend', years.length - 1);
  expect(text).toMatch(/\d{4}–\d{4}/);
  expect(text).toMatch(/Change [+−]?\d+\.\d{2} pp/);
  expect(text).not.toMatch(/学年|个百分点/);
  expect((await axisAndLine(page, '#trend')).label).toBe('Policy line 85.00%');
  await shot(page, 'charts-1366x768-indicator-tooltip-en');
  errors.check();
});
