import { defineConfig } from '@playwright/test';

// Browser tests run Debian's Chromium (never a downloaded browser) against
// the real server, started here on a fresh demo database.
const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${port}`;
const server = process.env.E2E_SERVER_BIN ?? '../target/debug/server';
const dbFile = process.env.E2E_DB ?? '../target/e2e/e2e.db';
// Where SQLite keeps the reads of customer data, beside the base.
const readsFile = dbFile.replace(/\.db$/, '-reads.db');
const siteRoot = process.env.E2E_SITE_ROOT ?? '../target/site';

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: {
    command:
      `mkdir -p "$(dirname ${dbFile})" && rm -f ${dbFile} ${dbFile}-wal ${dbFile}-shm ${readsFile} ${readsFile}-wal ${readsFile}-shm && ` +
      `${server} --database-url sqlite://${dbFile} serve --addr 127.0.0.1:${port} --site-root ${siteRoot} --seed-if-empty`,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
