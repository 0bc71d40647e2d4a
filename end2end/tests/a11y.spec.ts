import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, KIOSK, TABLET, hydrated, signIn } from './helpers';

async function noSeriousViolations(page: import('@playwright/test').Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

test.describe('tablet pages', () => {
  test.use(TABLET);
  test('sign-in, search and product pages', async ({ page }) => {
    await page.goto('/login');
    await noSeriousViolations(page, 'login');
    await signIn(page, 'associate');
    await page.goto('/stock?q=robe');
    await hydrated(page);
    await noSeriousViolations(page, 'search');
    await page.goto('/stock/ROB-0001-MAR-S');
    await hydrated(page);
    await noSeriousViolations(page, 'product');
  });
});

test.describe('manager pages', () => {
  test.use(DESKTOP);
  test('stock movements page', async ({ page }) => {
    await signIn(page, 'manager');
    await page.goto('/manage/ROB-0001-MAR-S');
    await hydrated(page);
    await noSeriousViolations(page, 'manage');
  });
});

test.describe('kiosk pages', () => {
  test.use(KIOSK);
  test('kiosk search and product', async ({ page }) => {
    await signIn(page, 'kiosk');
    await page.goto('/kiosk?q=robe');
    await noSeriousViolations(page, 'kiosk search');
    await page.goto('/kiosk/ROB-0001-MAR-S');
    await hydrated(page);
    await noSeriousViolations(page, 'kiosk product');
  });
});
