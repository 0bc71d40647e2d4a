import { test, expect } from '@playwright/test';
import { KIOSK, hydrated, signIn } from './helpers';

test.use(KIOSK);

test('a customer checks price and where a product is available', async ({ page }) => {
  await signIn(page, 'kiosk');
  await hydrated(page);
  await page.getByLabel('Nom du produit ou code-barres').pressSequentially('manteau a smocks', { delay: 30 });
  await page.locator('.result', { hasText: 'Manteau à smocks en viscose' }).click();
  await expect(page).toHaveURL(/\/kiosk\/MAN-0001-/);
  await expect(page.locator('.kiosk-price')).toHaveText(/€$/);
  await expect(page.locator('[data-availability="here"]')).toBeVisible();
  await expect(page.locator('[data-availability="shops"]')).toHaveText(/autres? magasins?/);
  await expect(page.locator('[data-availability="warehouse"]')).toBeVisible();
  // No staff figures and no staff features on a kiosk.
  await expect(page.getByText('En stock', { exact: true })).toHaveCount(0);
  await expect(page.getByText('Réservé')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Stock', exact: true })).toHaveCount(0);
});

test('a scanned label opens the product at once', async ({ page }) => {
  await signIn(page, 'kiosk');
  await hydrated(page);
  const box = page.getByLabel('Nom du produit ou code-barres');
  await box.fill('3760000001069');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/kiosk\/MAN-0001-BLA-XS$/);
});

test('after two minutes idle it returns home and forgets what was typed', async ({ page }) => {
  await page.clock.install();
  await signIn(page, 'kiosk');
  await hydrated(page);
  await page.getByLabel('Nom du produit ou code-barres').pressSequentially('robe', { delay: 30 });
  await expect(page).toHaveURL(/\/kiosk\?q=robe/);
  await page.locator('.result', { hasText: 'Robe' }).first().click();
  await expect(page).toHaveURL(/\/kiosk\/ROB-/);

  // One minute of activity does not reset it...
  await page.clock.fastForward('01:00');
  await expect(page).toHaveURL(/\/kiosk\/ROB-/);
  // ...two idle minutes do.
  await page.clock.fastForward('01:05');
  await expect(page).toHaveURL(/\/kiosk$/);
  await expect(page.getByLabel('Nom du produit ou code-barres')).toHaveValue('');
});
