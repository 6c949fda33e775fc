// Import in the browser: a file with errors is checked row by row and the
// errors are shown in the page; nothing is stored.
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login } = require('./helpers');

/** An 18-digit identity number with its check digit (GB 11643), or a wrong one if `bad`. */
function idNumber(first17, bad = false) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const codes = '10X98765432';
  const check = codes[sum % 11];
  return first17 + (bad ? codes[(sum + 1) % 11] : check);
}

// The headers of `edugov export teachers --format csv`, and one mistake a
// row: a wrong check digit (row 2), an unknown school (row 3), a sex that
// is neither 男 nor 女 (row 4). 2370112001 is the demo's 历城区 senior school.
const HEADER = '学年,学校标识码,身份证号,姓名,性别,出生年份,任教学段,任教学科,职称,骨干教师级别,入校学年,学历';
const TEACHERS_CSV = [
  HEADER,
  `2024,2370112001,${idNumber('37011219800101001', true)},王小明,男,1980,普通高中,语文,一级教师,无,2010,本科`,
  `2024,2999999999,${idNumber('37011219850202002')},李华,女,1985,普通高中,数学,二级教师,无,2012,本科`,
  `2024,2370112001,${idNumber('37011219900303003')},张三,未知,1990,普通高中,英语,二级教师,无,2015,本科`,
].join('\n') + '\n';

test('a CSV with errors shows its row errors in the page', { tag: '@pg' }, async ({ page }) => {
  const errors = watchErrors(page);
  await login(page, 'admin');
  await page.locator('header nav a[href="/import"]').click();
  await expect(page).toHaveURL(/\/import$/);
  const form = page.locator('#upload');
  await form.locator('input[type=file][name=file]').setInputFiles({
    name: 'teachers-with-errors.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('\ufeff' + TEACHERS_CSV, 'utf8'),
  });
  await expect(form.locator('input[name=commit]')).not.toBeChecked();
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#import-result')).toContainText('行错误');
  const rows = page.locator('#row-errors tbody tr');
  const found = await rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  // Each row's mistake, in its row and column, and no other.
  expect(found.map(([, row, column]) => `${row} ${column}`).sort()).toEqual(['2 身份证号', '3 学校标识码', '4 性别']);
  expect(found.find(([, row]) => row === '2')[3]).toContain('校验位');
  expect(found.find(([, row]) => row === '3')[3]).toContain('2999999999');
  await expect(page.locator('#download-errors')).toBeVisible();
  await shot(page, 'import-row-errors');
  errors.check();
});

test('the county officer may not import into another county', { tag: '@pg' }, async ({ page }) => {
  await login(page, 'county');
  await page.goto('/import');
  const form = page.locator('#upload');
  await form.locator('input[type=file][name=file]').setInputFiles({
    name: 'teachers-other-county.csv',
    mimeType: 'text/csv',
    // A clean row but for its school, 历下区's 2370102001.
    buffer: Buffer.from(
      `${HEADER}\n2024,2370102001,${idNumber('37010219800101001')},王小明,男,1980,普通高中,语文,一级教师,无,2010,本科\n`,
      'utf8',
    ),
  });
  await form.locator('input[name=commit]').check();
  await form.locator('button[type=submit]').click();
  await expect(page.locator('#import-result')).toContainText('行错误');
  const found = await page.locator('#row-errors tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  expect(found).toHaveLength(1);
  expect(found[0][2]).toBe('学校标识码');
  expect(found[0][3]).toContain('370112');
  await shot(page, 'import-other-county-refused');
});
