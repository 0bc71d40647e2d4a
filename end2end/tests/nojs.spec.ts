import { test, expect } from '@playwright/test';
import { TABLET } from './helpers';

test.use({ ...TABLET, javaScriptEnabled: false });

test('without JavaScript, sign-in, search and stock pages are rendered by the server', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Username').fill('associate');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/stock$/);

  await page.getByLabel('Find a product').fill('pantalon plisse');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/stock\?q=pantalon\+plisse/);
  await page.locator('.result', { hasText: 'Pantalon plissé en chambray' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pantalon plissé en chambray');
  const rows = page.locator('.stock-table tbody tr');
  await expect(rows).toHaveCount(13);
  await expect(rows.first()).toHaveAttribute('data-location', 'PAR01');
  await expect(rows.first().locator('[data-col="available"]')).toHaveText(/^\d+$/);
});
