// A transfer (转学申请) walked in the browser: the county officer of 历城区
// imports a row for a 历下区 pupil at its senior school; the row becomes a
// request, not a move; 历下区's officer approves it; the pupil is then on
// the 历城区 school's roll.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login } = require('./helpers');

/** 历城区's senior school in the demo city, and 历下区's school codes' prefix. */
const OWN_SENIOR_SCHOOL = '2370112001';
const LIXIA_PREFIX = '2370102';

/** A 历下区 senior pupil of the latest year, as a 学生 CSV for 历城区's senior school. */
function transferCsv() {
  const file = process.env.EDUGOV_E2E_STUDENTS;
  if (!file) throw new Error('EDUGOV_E2E_STUDENTS is not set: run `cargo xtask e2e`');
  const lines = fs.readFileSync(file, 'utf8').replace(/^\ufeff/, '').split(/\r?\n/).filter(Boolean);
  const header = lines[0].split(',');
  const at = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no column ${name} in ${header}`);
    return i;
  };
  const [school, stage, klass] = [at('学校标识码'), at('学段'), at('班级')];
  const row = lines
    .slice(1)
    .map((l) => l.split(','))
    .find((cells) => cells[school].startsWith(LIXIA_PREFIX) && cells[stage] === '普通高中');
  if (!row) throw new Error('no 历下区 senior pupil in the export');
  row[school] = OWN_SENIOR_SCHOOL;
  row[klass] = '';
  return { csv: `${header.join(',')}\n${row.join(',')}\n`, id: row[at('身份证号')] };
}

/** The `学生 (N)` heading of a school page. */
async function studentsOnRoll(page, school) {
  await page.goto(`/schools/${school}`);
  const heading = await page.locator('h2', { hasText: /^学生 \(\d+\)$/ }).first().textContent();
  return Number(heading.match(/\((\d+)\)/)[1]);
}

test('a county officer asks for another county’s pupil, the releasing officer approves, the pupil moves', { tag: '@pg' }, async ({ page, browser }) => {
  const errors = watchErrors(page);
  const { csv, id } = transferCsv();
  const masked = `${id.slice(0, 6)}********${id.slice(14)}`;

  await login(page, 'county');
  const before = await studentsOnRoll(page, OWN_SENIOR_SCHOOL);
  await page.goto('/import');
  const form = page.locator('#upload');
  await form.locator('input[type=file][name=file]').setInputFiles({
    name: '转入学生.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await form.locator('input[name=commit]').check();
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#transfers-filed')).toContainText('已生成转学（调动）申请');
  await expect(page.locator('#filed')).toContainText(masked);
  await expect(page.locator('main')).not.toContainText(id);
  await shot(page, 'transfer-1-filed');
  // Not moved yet.
  expect(await studentsOnRoll(page, OWN_SENIOR_SCHOOL)).toBe(before);

  // The receiving side sees its request, with no approve button.
  await page.goto('/transfers');
  const asked = page.locator('#asked tbody tr').filter({ hasText: masked });
  await expect(asked).toHaveCount(1);
  await expect(asked).toContainText('待审批');
  await expect(page.locator('#to-decide')).toHaveCount(0);
  const requestId = await asked.getAttribute('data-request');
  await shot(page, 'transfer-2-asked');

  // 历下区's officer approves it.
  const [username, password] = (process.env.EDUGOV_E2E_LIXIA || '').split(':');
  const context = await browser.newContext();
  const lixia = await context.newPage();
  const lixiaErrors = watchErrors(lixia);
  await lixia.goto('/login');
  await lixia.locator('#username').fill(username);
  await lixia.locator('#password').fill(password);
  await lixia.locator('form.login button[type=submit]').click();
  await expect(lixia).toHaveURL(/\/$/);
  await lixia.locator('header nav a[href="/transfers"]').click();
  const row = lixia.locator(`#to-decide tbody tr[data-request="${requestId}"]`);
  await expect(row).toContainText(masked);
  await expect(row).toContainText(OWN_SENIOR_SCHOOL);
  await shot(lixia, 'transfer-3-to-decide');
  await row.locator('button.primary').click();
  await expect(lixia.locator('#decision-result')).toContainText('已同意');
  await expect(lixia.locator(`#decided tbody tr[data-request="${requestId}"]`)).toContainText('已同意');
  await shot(lixia, 'transfer-4-approved');
  lixiaErrors.check();
  await context.close();

  // The pupil is on 历城区's school's roll, and the request reads approved.
  expect(await studentsOnRoll(page, OWN_SENIOR_SCHOOL)).toBe(before + 1);
  await page.goto('/transfers');
  await expect(page.locator(`#decided tbody tr[data-request="${requestId}"]`)).toContainText('已同意');
  errors.check();
});
