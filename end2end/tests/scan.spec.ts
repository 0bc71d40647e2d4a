import { test, expect } from '@playwright/test';
import { KIOSK, TABLET, hydrated, scan, signIn } from './helpers';

test.describe('a hand scanner on a tablet', () => {
  test.use(TABLET);

  test('scans one item after another, wherever the focus is', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/stock/CHM-0001-MAR-M');
    await hydrated(page);
    // Focus on a link of the page: the scan must not follow it.
    await page.locator('.variant-grid a[data-sku="CHM-0001-MAR-XS"]').focus();
    // A scanner types the code and Enter in one burst.
    await scan(page, '3760000000017');
    await expect(page).toHaveURL(/\/stock\/ROB-0001-MAR-XS$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Robe col Claudine en velours côtelé');

    // The next scan, with nothing focused.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await scan(page, '3760000001069');
    await expect(page).toHaveURL(/\/stock\/MAN-0001-BLA-XS$/);
  });

  test('a scanned loyalty card opens its holder, wherever the focus is', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/stock/CHM-0001-MAR-M');
    await hydrated(page);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await scan(page, '2990000000019');
    await expect(page).toHaveURL(/\/customers\/\d+$/);
    await expect(page.getByText('Carte 2990000000019')).toBeVisible();
  });

  test('a person typing digits slowly is not taken for a scanner', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/stock/CHM-0001-MAR-M');
    await hydrated(page);
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.type('3760000000017', { delay: 150 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await expect(page).toHaveURL(/\/stock\/CHM-0001-MAR-M$/);
  });
});

test.describe('a hand scanner on the kiosk', () => {
  test.use(KIOSK);

  test('opens the scanned product on a product page too', async ({ page }) => {
    await signIn(page, 'kiosk');
    await page.goto('/kiosk/ROB-0001-MAR-S');
    await hydrated(page);
    await page.locator('body').click({ position: { x: 5, y: 600 } });
    await scan(page, '3760000001069');
    await expect(page).toHaveURL(/\/kiosk\/MAN-0001-BLA-XS$/);
  });
});
