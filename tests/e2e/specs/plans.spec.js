// A task's supervision walked in the browser, on the demo city's work plan:
// 历城区's officer files a progress report with a document; the city
// administrator sends it back with a reason; the officer corrects it; the
// administrator accepts it, puts another task under 挂牌督办 (it shows on
// the board), verifies the first task and closes it out (销号). Screenshots
// of the plan page, the task page, the board and the projects are kept.
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login, expectChartsDrawn } = require('./helpers');

/** A small PDF: the evidence uploaded with the report. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

/** A period the demo's own reports do not use: this month (2026-05). */
function thisMonth() {
  const beijing = new Date(Date.now() + 8 * 3600 * 1000);
  return `${beijing.getUTCFullYear()}-${String(beijing.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A date `days` from today, as a date input takes it. */
function inDays(days) {
  const d = new Date(Date.now() + 8 * 3600 * 1000 + days * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

/** The first of the officer's tasks that takes a new report (not closed, nothing sent back). */
async function taskToReport(page) {
  await page.goto('/my-tasks');
  const links = await page.locator('table[id^="my-tasks"] tbody tr a[href^="/tasks/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of links) {
    await page.goto(href);
    const form = page.locator('section#report-form');
    if ((await form.count()) === 1 && (await form.locator('h3').textContent()).includes('报送进展')) {
      return href;
    }
  }
  throw new Error(`none of the officer's ${links.length} tasks takes a report`);
}

async function fileReport(page, text, fileName) {
  const form = page.locator('section#report-form form');
  await form.locator('input[name=period]').fill(thisMonth());
  await form.locator('textarea[name=text]').fill(text);
  if ((await form.locator('input[name=value]').count()) > 0) {
    await form.locator('input[name=value]').fill('1');
  }
  await form.locator('input[type=file][name=documents]').setInputFiles({
    name: fileName,
    mimeType: 'application/pdf',
    buffer: PDF,
  });
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#step-done')).toContainText('报告进展');
}

test('a county report is sent back, corrected, accepted; another task is listed; the first is verified and closed out', { tag: '@pg' }, async ({ page, browser }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const reason = `请补充分流学生名单（${Date.now()}）`;
  const first = `已完成摸排，正在分流（${Date.now()}）`;
  const corrected = `已补充分流学生名单，全部分流到位（${Date.now()}）`;

  // 历城区's officer files a report with a document.
  await login(page, 'county');
  const task = await taskToReport(page);
  await fileReport(page, first, '进展情况.pdf');
  await expect(page.locator('#reports')).toContainText(first);
  await expect(page.locator('#reports')).toContainText('进展情况.pdf');

  // The city administrator, in another browser, sends it back with a reason.
  const context = await browser.newContext();
  const admin = await context.newPage();
  const adminErrors = watchErrors(admin);
  await login(admin, 'admin');
  await admin.goto('/plans');
  await expect(admin.locator('#late-by-county')).toBeVisible();
  await shot(admin, 'plans-1-plan');
  await admin.goto(task);
  const row = admin.locator('#reports tbody tr[data-status=submitted]').filter({ hasText: first });
  await row.locator('input[name=reason]').fill(reason);
  await row.locator('button', { hasText: '退回' }).click();
  await expect(admin.locator('#step-done')).toContainText('退回');

  // The officer sees why, corrects it and files it again.
  await page.goto('/my-tasks');
  await expect(page.locator('ul.returned')).toContainText(reason);
  await shot(page, 'plans-6-my-tasks');
  await page.goto(task);
  await expect(page.locator('#returned-reason')).toContainText(reason);
  await expect(page.locator('section#report-form h3')).toContainText('修改后重新报送');
  const form = page.locator('section#report-form form');
  await expect(form.locator('textarea[name=text]')).toHaveValue(first);
  await form.locator('textarea[name=text]').fill(corrected);
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#step-done')).toContainText('报告进展');
  // The officer has no review, supervision or 销号 forms.
  await expect(page.locator('#supervise')).toHaveCount(0);
  await expect(page.locator('#reports button', { hasText: '审核通过' })).toHaveCount(0);

  // The administrator accepts the corrected report.
  await admin.goto(task);
  const again = admin.locator('#reports tbody tr[data-status=submitted]').filter({ hasText: corrected });
  await again.locator('button', { hasText: '审核通过' }).click();
  await expect(admin.locator('#step-done')).toContainText('审核通过');

  // Another task, not closed, goes under 挂牌督办, and onto the board.
  await admin.goto('/plans');
  const others = await admin
    .locator('table.plan-tree tbody tr[data-colour]:not([data-colour=closed]) a[href^="/tasks/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const other = others.find((href) => href !== task);
  expect(other, 'another open task').toBeTruthy();
  await admin.goto(other);
  const listReason = `进度滞后，挂牌督办（${Date.now()}）`;
  const list = admin.locator('#list-form');
  await list.locator('select[name=county]').selectOption('');
  await list.locator('input[name=reason]').fill(listReason);
  await list.locator('input[name=due]').fill(inDays(30));
  await list.locator('button[type=submit]').click();
  await expect(admin.locator('#step-done')).toContainText('挂牌督办');
  await admin.goto('/supervision');
  await expect(admin.locator('#board')).toContainText(listReason);
  await shot(admin, 'plans-3-board');

  // The first task: verified by someone other than its reporter, then closed out.
  await admin.goto(task);
  await admin.locator('#verify-form input[name=note]').fill('已核实分流名单');
  await admin.locator('#verify-form button[type=submit]').click();
  await expect(admin.locator('#step-done')).toContainText('核验');
  await expect(admin.locator('#verified')).toContainText('demo-admin');
  await admin.locator('#close-out-form button[type=submit]').click();
  await expect(admin.locator('#step-done')).toContainText('销号');
  await expect(admin.locator('#task-status')).toContainText('已销号');
  await expect(admin.locator('#history')).toContainText('销号');
  await shot(admin, 'plans-2-task');

  // The progress summary, as a page whose figures carry their trace.
  await admin.goto('/plans');
  await admin.locator('#summary-link').click();
  await expect(admin.locator('#summary .figure').first()).toBeVisible();
  await expect(admin.locator('#figures')).toContainText('开工率');
  await shot(admin, 'plans-5-summary');

  // The projects: rates and the chart of starts and completions by month.
  await admin.goto('/projects');
  await expect(admin.locator('#rates')).toContainText('开工率');
  await expectChartsDrawn(admin, 1);
  // The rates and the chart; the list of projects runs long below them.
  await admin.setViewportSize({ width: 1366, height: 1250 });
  await admin.screenshot({ path: require('node:path').join(__dirname, '..', 'artifacts', 'plans-4-projects.png') });
  adminErrors.check();
  await context.close();
  errors.check();
});
