import { test, expect } from '@playwright/test';
import { TABLET, hydrated, signIn } from './helpers';

test.use(TABLET);

test.beforeEach(async ({ page }) => {
  await signIn(page, 'associate');
  await hydrated(page);
});

test('matches appear while typing part of a name', async ({ page }) => {
  const box = page.getByLabel('Trouver un produit');
  await box.pressSequentially('robe col clau', { delay: 30 });
  const result = page.locator('.result', { hasText: 'Robe col Claudine en velours côtelé' });
  await expect(result).toBeVisible();
  await expect(page).toHaveURL(/q=robe%20col%20clau/);
});

test('the start of a SKU lists its variants', async ({ page }) => {
  await page.getByLabel('Trouver un produit').pressSequentially('ROB-0001-MAR', { delay: 20 });
  await expect(page.locator('.result[data-sku="ROB-0001-MAR-XS"]')).toBeVisible();
  await expect(page.locator('.result[data-sku^="ROB-0001-MAR-"]')).toHaveCount(5);
});

test('a scanned EAN followed by Enter opens the product', async ({ page }) => {
  const box = page.getByLabel('Trouver un produit');
  await box.fill('3760000000017');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/stock\/ROB-0001-MAR-XS$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Robe col Claudine en velours côtelé');
  await expect(page.getByText('EAN 3760000000017')).toBeVisible();
});

test('an unknown word says nothing matches', async ({ page }) => {
  await page.getByLabel('Trouver un produit').pressSequentially('zzqx', { delay: 20 });
  await expect(page.getByText('Aucun résultat pour « zzqx »')).toBeVisible();
});

test('stock is listed here first, then other shops by distance, then the warehouse', async ({ page }) => {
  await page.goto('/stock/CHM-0001-MAR-M');
  const rows = page.locator('.stock-table tbody tr');
  await expect(rows.first()).toHaveAttribute('data-location', 'PAR01');
  await expect(rows.first().locator('.loc-place')).toHaveText('Ce magasin');
  await expect(rows.last()).toHaveAttribute('data-location', 'WH-ORL');
  const distances = await page.locator('.stock-table tbody tr:not(.here):not(.warehouse) [data-col="distance"]').allInnerTexts();
  expect(distances.length).toBe(11);
  const km = distances.map((d) => Number(d.replace(' km', '')));
  expect([...km].sort((a, b) => a - b)).toEqual(km);
  // Reims is the nearest shop to Paris in the demo chain; Nice the farthest.
  await expect(rows.nth(1)).toHaveAttribute('data-location', 'RHE01');
  await expect(rows.nth(11)).toHaveAttribute('data-location', 'NCE01');
});

test('the colour and size grid opens another variant', async ({ page }) => {
  await page.goto('/stock/CHM-0001-MAR-M');
  await hydrated(page);
  const cell = page.locator('.variant-grid a[data-sku="CHM-0001-MAR-XS"]');
  await expect(cell).toHaveText('2');
  await cell.click();
  await expect(page).toHaveURL(/\/stock\/CHM-0001-MAR-XS$/);
  await expect(page.locator('.variant.selected a')).toHaveAttribute('data-sku', 'CHM-0001-MAR-XS');
});
