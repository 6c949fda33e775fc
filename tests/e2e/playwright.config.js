// Playwright for edugov's end-to-end tests: Debian's Chromium (never a
// browser Playwright downloads), the server that `cargo xtask e2e` started
// (EDUGOV_BASE_URL), screenshots kept in artifacts/ (ignored by git).
const path = require('node:path');
const { defineConfig } = require('@playwright/test');

const baseURL = process.env.EDUGOV_BASE_URL;
if (!baseURL) {
  throw new Error('EDUGOV_BASE_URL is not set: run `cargo xtask e2e`, or start `edugov serve --demo` and set it');
}

module.exports = defineConfig({
  testDir: './specs',
  outputDir: './artifacts/test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // One worker: the machine has two cores, and the server is shared.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // The list on the console; the JSON totals for `cargo xtask e2e`'s closing line.
  reporter: [['list'], ['json', { outputFile: path.join(__dirname, 'artifacts', 'results.json') }]],
  use: {
    baseURL,
    locale: 'zh-CN',
    viewport: { width: 1366, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
