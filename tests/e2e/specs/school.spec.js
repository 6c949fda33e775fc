// The school page as its own officer sees it (issue 11, point 3): a summary
// at the top (大班额 x / y 班, 学位使用率 with over 100 % flagged, 生师比), a bar
// of section links that lands on each section, teachers paged, the student
// search and pager staying on the students section (`二年级3班`-style
// searches), and the export of the classes and summary with a Chinese name.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login } = require('./helpers');

/** The demo school officer's school (xtask/src/e2e.rs, README). */
const SCHOOL = '2370112001';

/** The page is no wider than the screen (wide tables scroll in their frame). */
async function expectFits(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(innerWidth);
}

for (const [name, viewport] of [['1366', { width: 1366, height: 768 }], ['768', { width: 768, height: 1024 }]]) {
  test(`the school page at ${viewport.width}×${viewport.height}: summary, sections, teachers paged, search by grade and class`, { tag: '@pg' }, async ({ page }) => {
    await page.setViewportSize(viewport);
    const errors = watchErrors(page);
    await login(page, 'school');
    await page.goto(`/schools/${SCHOOL}`);
    await expect(page.locator('main h1')).not.toBeEmpty();

    // The summary first: 大班额 x / y 班, 学位使用率 by stage, 生师比 by stage, each linking to its indicator.
    const summary = page.locator('#summary');
    await expect(summary).toBeInViewport();
    // The officer's school is a senior high school: its 大班额 card is senior
    // high's own (普通高中大班额), not the headline's of primary and junior (issue 12).
    await expect(page.locator('#card-senior-large-classes .value')).toHaveText(/^\d+ \/ \d+ 班$/);
    await expect(page.locator('#card-senior-large-classes .label')).toHaveText('普通高中大班额');
    await expect(page.locator('#card-large-classes')).toHaveCount(0);
    const seats = summary.locator('.card.seat-utilisation');
    expect(await seats.count()).toBeGreaterThan(0);
    await expect(seats.first().locator('.value')).toHaveText(/%$/);
    // A stage over its seats is flagged in red with 超出学位; every other is not.
    const over = summary.locator('.card.over-seats');
    for (let i = 0; i < await over.count(); i += 1) {
      await expect(over.nth(i).locator('.over-seats-flag')).toHaveText('超出学位');
      const value = parseFloat((await over.nth(i).locator('.value').textContent()).replace(/,/g, ''));
      expect(value).toBeGreaterThan(100);
    }
    await expect(summary.locator('.card.student-teacher-ratio .value').first()).toHaveText(/∶1$/);
    await expect(summary.locator('.card a[href^="/indicators/seat_utilisation?"]').first()).toBeVisible();
    await expect(page.locator('#school-export')).toBeVisible();
    await expectFits(page);
    await shot(page, `school-${name}-1-summary`);

    // The 教师 link lands on the teachers' section.
    await page.locator('#school-tabs a[href="#teachers"]').click();
    await expect(page).toHaveURL(/#teachers$/);
    await expect(page.locator('#teachers h2')).toBeInViewport();
    if (viewport.width >= 900) {
      // On a wide screen the bar stays at the top while the page scrolls.
      await expect(page.locator('#school-tabs')).toBeInViewport();
      const bar = await page.locator('#school-tabs').boundingBox();
      expect(bar.y).toBeLessThanOrEqual(1);
    }
    // What the officer sees after the click (the screen, not the whole page).
    await page.screenshot({ path: path.join(__dirname, '..', 'artifacts', `school-${name}-1b-teachers-tab-screen.png`) });

    // Teachers are paged; the next page lands on the teachers' section again.
    const teachers = page.locator('#teacher-table tbody tr');
    const firstPage = await teachers.allTextContents();
    expect(firstPage.length).toBe(25);
    await page.locator('#teachers-pager a[rel="next"]').click();
    await expect(page).toHaveURL(/[?&]tpage=1(&|#)/);
    await expect(page).toHaveURL(/#teachers$/);
    await expect(page.locator('#teachers h2')).toBeInViewport();
    await expect(page.locator('#teachers-pager span')).toHaveText(/^2 \/ \d+$/);
    const secondPage = await teachers.allTextContents();
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage).not.toEqual(firstPage);
    await shot(page, `school-${name}-2-teachers-page-2`);

    // Search the students by grade and class, as a teacher says it: the
    // first class listed that exists (二年级3班 in a primary school).
    const row = page.locator('#class-table tbody tr').last();
    const grade = (await row.locator('td').nth(0).textContent()).trim();
    const klass = (await row.locator('td').nth(1).textContent()).trim();
    await page.locator('#student-search input[name="q"]').fill(`${grade}${klass}`);
    await page.locator('#student-search button[type="submit"]').click();
    await expect(page).toHaveURL(/#students$/);
    // The teachers' page is kept.
    await expect(page).toHaveURL(/[?&]tpage=1(&|#)/);
    await expect(page.locator('#students h2')).toBeInViewport();
    const found = page.locator('#student-table tbody tr');
    expect(await found.count()).toBeGreaterThan(0);
    for (const cells of await found.evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())))) {
      expect(cells[3], 'grade of a found student').toBe(grade);
      expect(cells[4], 'class of a found student').toBe(klass);
    }
    await expect(page.locator('#teachers-pager span')).toHaveText(/^2 \/ \d+$/);
    await shot(page, `school-${name}-3-search-${grade}${klass}`);

    // The students' pager (all students) keeps the teachers' page and lands on the students.
    await page.locator('#student-search input[name="q"]').fill('');
    await page.locator('#student-search button[type="submit"]').click();
    await page.locator('#students-pager a[rel="next"]').click();
    await expect(page).toHaveURL(/[?&]page=1&tpage=1#students$/);
    await expect(page.locator('#students h2')).toBeInViewport();
    await expect(page.locator('#students-pager span')).toHaveText(/^2 \/ \d+$/);
    await expect(page.locator('#teachers-pager span')).toHaveText(/^2 \/ \d+$/);
    await expectFits(page);
    await shot(page, `school-${name}-4-students-page-2`);

    // The export: the classes and the summary, named in Chinese.
    const download = page.waitForEvent('download');
    await page.locator('#school-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/-班级与概况\.xlsx$/);
    errors.check();
  });
}
