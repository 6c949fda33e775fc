// Import, said plainly (issue 11, point 7): a refused file says at the top
// that nothing was imported; the chosen file stays chosen (the form posts
// with htmx and only the outcome is replaced), so the officer can press
// upload again; adding one pupil to a class is one students file with
// 班额随学生名单更新 ticked — the page says so next to the form.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { shot, watchErrors, login } = require('./helpers');

/** An 18-digit identity number with its check digit (GB 11643), or a wrong one if `bad`. */
function idNumber(first17, bad = false) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  const codes = '10X98765432';
  return first17 + (bad ? codes[(sum + 1) % 11] : codes[sum % 11]);
}

/** The demo school officer's school (历城区). */
const SCHOOL = '2370112001';
const HEADER = '学年,学校标识码,学段,年级,班级,身份证号,姓名,性别,出生日期,户籍地代码,是否随迁子女,是否寄宿,视力,是否近视';

for (const [label, viewport] of [['1366x768', { width: 1366, height: 768 }], ['768x1024', { width: 768, height: 1024 }]]) {
  test(`a refused file says nothing was imported and stays chosen; one more pupil is one file (${label})`, { tag: '@pg' }, async ({ page }) => {
    await page.setViewportSize(viewport);
    const errors = watchErrors(page);
    await login(page, 'school');

    // A class of the school, and a new boy for it (a sequence number of
    // this run, so that the spec can run again on the same server).
    const school = await (await page.request.get(`/api/schools/${SCHOOL}`)).json();
    const year = school.school_year;
    const klass = school.classes[0];
    const sequence = String(101 + 2 * Math.floor(Math.random() * 440)).padStart(3, '0');
    const first17 = `370112${year - klass.grade - 6}0315${sequence}`;
    const file = (name, id) => ({
      name,
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeff${HEADER}\n${year},${SCHOOL},,${klass.grade},${klass.name},${id},新同学,男,,370112,否,否,,\n`, 'utf8'),
    });

    await page.goto('/import');
    await expect(page.locator('#one-pupil-help')).toContainText('给某班新增一名学生');
    await expect(page.locator('#one-pupil-help')).toContainText('班额随学生名单更新');
    const input = page.locator('#import-file');
    const chosen = () => input.evaluate((e) => [...e.files].map((f) => f.name));
    const submit = page.locator('#upload button[type=submit]');

    // 1. A wrong check digit: refused, said first, the file still chosen.
    await input.setInputFiles(file('新同学-有错.csv', idNumber(first17, true)));
    await page.locator('#import-commit').check();
    await submit.click();
    const refusal = page.locator('#import-refused');
    await expect(refusal).toContainText('文件未导入：发现 1 处错误，没有写入任何数据。请按下方列表修改后重新上传。');
    await expect(page.locator('#row-errors tbody tr')).toHaveCount(1);
    await expect(page.locator('#row-errors tbody td').nth(2)).toHaveText('身份证号');
    expect(await chosen()).toEqual(['新同学-有错.csv']);
    await expect(page.locator('#import-commit')).toBeChecked();
    await expect(page.locator('#choose-again')).toContainText('修改文件后请重新选择它再上传');
    await shot(page, `import-plain-refused-${label}`);

    // 2. The corrected file: now the class's registered 班额 disagrees
    // with its pupils; the answer says which option does it in one file.
    await input.setInputFiles(file('新同学.csv', idNumber(first17)));
    await submit.click();
    await expect(refusal).toContainText('文件未导入：发现 1 处错误');
    await expect(page.locator('#class-size-hint')).toContainText('班额随学生名单更新');
    await expect(page.locator('#row-errors tbody td').nth(3)).toContainText(
      `申报班额 ${klass.size} 人，名单中有 ${klass.size + 1} 名学生`,
    );
    expect(await chosen()).toEqual(['新同学.csv']);
    await shot(page, `import-plain-class-size-${label}`);

    // 3. Tick the option and press upload again, without choosing the file.
    await page.locator('#update-class-sizes').check();
    await submit.click();
    await expect(page.locator('#import-result')).toContainText('已导入 1 行');
    await expect(refusal).toHaveCount(0);
    await expect(page.locator('#class-sizes-changed')).toContainText('班额已随学生名单更新：1 个班');
    const resized = page.locator('#resized-classes tbody tr');
    await expect(resized).toHaveCount(1);
    await expect(resized.locator('td').nth(3)).toHaveText(String(klass.size));
    await expect(resized.locator('td').nth(4)).toHaveText(String(klass.size + 1));
    await shot(page, `import-plain-imported-${label}`);

    // The school's page now counts the class one larger.
    const after = await (await page.request.get(`/api/schools/${SCHOOL}`)).json();
    const same = after.classes.find((c) => c.grade === klass.grade && c.name === klass.name);
    expect(same.size).toBe(klass.size + 1);
    errors.check();
  });
}

// A file fixed on disk after it was chosen: Chromium refuses to send it
// (ERR_UPLOAD_FILE_CHANGED), and the form says so in its own words — the
// page is not lost and nothing was written.
test('a file changed after it was chosen is to be chosen again', async ({ page }) => {
  await login(page, 'school');
  await page.goto('/import');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edugov-import-'));
  const file = path.join(dir, '班级.csv');
  fs.writeFileSync(file, '学年,学校标识码,学段,年级,班级,班额\n2024,2000000000,小学,一年级,1班,30\n');
  const input = page.locator('#import-file');
  await input.setInputFiles(file);
  await page.locator('#upload button[type=submit]').click();
  await expect(page.locator('#import-refused')).toContainText('文件未导入：发现 1 处错误');
  // Changed later than it was chosen (the file's time moves by a second).
  fs.writeFileSync(file, '学年,学校标识码,学段,年级,班级,班额\n2024,2000000001,小学,一年级,1班,30\n2024,2000000001,小学,一年级,2班,30\n');
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  await page.locator('#upload button[type=submit]').click();
  await expect(page.locator('#import-outcome .error')).toHaveText(
    '上传失败，没有写入任何数据。如果刚修改过这个文件，请重新选择它后再上传。',
  );
  // Chosen again, it goes.
  await input.setInputFiles(file);
  await page.locator('#upload button[type=submit]').click();
  await expect(page.locator('#import-refused')).toContainText('文件未导入：发现 2 处错误');
  fs.rmSync(dir, { recursive: true, force: true });
});
