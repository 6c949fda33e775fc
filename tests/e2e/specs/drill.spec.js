// A bureau officer's first hour (issue 11, points 1, 2 and 5): from the
// overview to the classes behind a county's 大班额 in three clicks — the
// county in the ranking, 查看学校明细, the export of every year — with the
// indicator kept, the breadcrumb 市 › 区县 › 学校明细, tables worst first,
// a workbook under a Chinese name holding every year, and the print layout.
const fs = require('node:fs');
const zlib = require('node:zlib');
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

/** The files of a zip (an .xlsx), by name, read through its central directory. */
function unzip(bytes) {
  const files = {};
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = bytes.readUInt32LE(end + 16);
  const count = bytes.readUInt16LE(end + 10);
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString();
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    files[name] = (method === 8 ? zlib.inflateRawSync(data) : data).toString();
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

for (const [name, viewport] of [['desktop', { width: 1366, height: 768 }], ['tablet', { width: 768, height: 1024 }]]) {
  test(`${name}: the classes behind a county's 大班额 in three clicks, exported with every year`, { tag: '@pg' }, async ({ page }) => {
    // A debug server on a shared machine is slow; six pages and a download.
    test.setTimeout(180_000);
    await page.setViewportSize(viewport);
    const errors = watchErrors(page);
    await login(page, 'admin');
    const years = await page.locator('form[data-school-year] select[name=year] option').evaluateAll((os) => os.map((o) => o.value));
    expect(years.length).toBeGreaterThan(1);
    const first = Math.min(...years.map(Number));
    const last = Math.max(...years.map(Number));
    // The demo city has cleared most 大班额 by the latest year: the officer
    // looks at the first year held (the year chooser, not a click).
    await page.goto(`/?year=${first}`);
    await expectChartsDrawn(page, 2);
    // The ranking: by count, with the share (大班额比例) beside it; rankable by share.
    const ranking = page.locator('#ranking');
    await expect(ranking.locator('thead')).toContainText('大班额比例');
    await expect(ranking.locator('thead th[data-dir="desc"]')).toContainText('大班额班级数');
    await shot(page, `drill-${name}-overview`);

    let clicks = 0;
    // Click 1: the county with the most 大班额 classes.
    const county = ranking.locator('tbody tr td a').first();
    const countyName = (await county.textContent()).trim();
    await county.click();
    clicks += 1;
    await expect(page).toHaveURL(/\/areas\/\d{6}\?.*indicator=large_class_count/);
    await expect(page.locator('h1')).toContainText(`${countyName} · 大班额班级数`);
    await expect(page.locator('#breadcrumb')).toContainText(`济南市 › ${countyName}`);
    // The table opens worst first, and says so.
    await expect(page.locator('#drill-table thead th[data-dir="desc"]')).toContainText('数值');
    await expectChartsDrawn(page, 1);
    await shot(page, `drill-${name}-county`);

    // Click 2: the schools behind the county's figure, and its classes.
    await page.locator('#own-value a.behind').click();
    clicks += 1;
    await expect(page).toHaveURL(/\/areas\/\d{6}\/schools\?.*indicator=large_class_count/);
    await expect(page.locator('#breadcrumb')).toContainText(`济南市 › ${countyName} › 学校明细`);
    const failing = page.locator('#schools-behind tbody tr').first();
    await expect(failing.locator('.unmet')).toBeVisible();
    const classes = page.locator('#classes-behind tbody tr');
    expect(await classes.count()).toBeGreaterThan(0);
    const sizes = await classes.evaluateAll((rows) => rows.map((r) => Number(r.lastElementChild.textContent)));
    expect(sizes.every((s) => s >= 56)).toBeTruthy();
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    await shot(page, `drill-${name}-schools`);

    // Click 3: the workbook of every year, under a Chinese name.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-schools-all').click()]);
    clicks += 1;
    expect(clicks).toBe(3);
    expect(download.suggestedFilename()).toBe(`${countyName}-大班额班级数-学校明细-${first}至${last}学年.xlsx`);
    const files = unzip(fs.readFileSync(await download.path()));
    const [schoolsSheet, classesSheet] = [files['xl/worksheets/sheet1.xml'], files['xl/worksheets/sheet2.xml']];
    expect(schoolsSheet && classesSheet).toBeTruthy();
    for (const year of years) {
      expect(schoolsSheet, `the schools of ${year}`).toContain(`<v>${year}</v>`);
    }

    // Printed: no navigation, forms or buttons; a heading with title, time, scope and source.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header')).toBeHidden();
    await expect(page.locator('.exports')).toBeHidden();
    const heading = page.locator('.print-heading');
    await expect(heading).toBeVisible();
    await expect(heading).toContainText('学校明细');
    await expect(heading).toContainText(/打印时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await expect(heading).toContainText('数据范围：济南市 · 市级管理员');
    await expect(heading).toContainText(`数据来源：学籍与教师登记数据，${first}—${first + 1}学年`);
    await shot(page, `drill-${name}-print`);
    await page.emulateMedia({ media: 'screen' });
    await expect(page.locator('.print-heading')).toBeHidden();

    // Sorting again: a click on the value header turns the order round.
    const valueHeader = page.locator('#schools-behind thead th[data-dir]');
    await valueHeader.click();
    await expect(valueHeader).toHaveAttribute('data-dir', 'asc');
    errors.check();
  });
}
