import { test, expect } from '@playwright/test';
import { TABLET } from './helpers';

test.use({ ...TABLET, javaScriptEnabled: false });

test('without JavaScript, sign-in, search and stock pages are rendered by the server', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await page.getByLabel('Identifiant').fill('associate');
  await page.getByLabel('Mot de passe').fill('demo');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/stock$/);

  await page.getByLabel('Trouver un produit').fill('pantalon plisse');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/\/stock\?q=pantalon\+plisse/);
  await page.locator('.result', { hasText: 'Pantalon plissé en chambray' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pantalon plissé en chambray');
  const rows = page.locator('.stock-table tbody tr');
  await expect(rows).toHaveCount(13);
  await expect(rows.first()).toHaveAttribute('data-location', 'PAR01');
  await expect(rows.first().locator('[data-col="available"]')).toHaveText(/^\d+$/);
  // No live link without JavaScript: only that is said, not "connecting".
  await expect(page.getByText('Pas en direct')).toBeVisible();
  await expect(page.getByText('Connexion…')).not.toBeVisible();
});

test('without JavaScript, the language switch works and the page comes back in English', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
});
