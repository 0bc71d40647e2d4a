import { test, expect } from '@playwright/test';
import { TABLET, hydrated, signIn } from './helpers';

test.describe('basket on the tablet', () => {
  test.use(TABLET);

  test('an associate sells from the product page; a double tap makes one order', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/stock/ROB-0001-MAR-S');
    await hydrated(page);
    await page.getByLabel('Quantité à ajouter').fill('1');
    await page.getByRole('button', { name: 'Ajouter au panier' }).click();
    await expect(page.getByText('Ajouté au panier.')).toBeVisible();
    await page.getByRole('link', { name: 'Voir le panier' }).click();
    await expect(page.getByRole('heading', { name: 'Panier', level: 1 })).toBeVisible();
    await hydrated(page);
    const line = page.locator('.basket-line[data-sku="ROB-0001-MAR-S"]');
    await expect(line).toBeVisible();
    await page.getByLabel('E-mail pour la confirmation').fill('camille.e2e@example.fr');
    await page.getByRole('button', { name: 'Enregistrer le contact' }).click();
    await expect(page.getByText('confirmation à camille.e2e@example.fr')).toBeVisible();
    await page.getByLabel('Référence du terminal ou de la carte cadeau').fill('TPE-E2E-1');
    await page.getByRole('button', { name: 'Valider la commande' }).dblclick();
    const receipt = page.locator('.receipt');
    await expect(receipt).toContainText(/Commande STORE-\d{7} enregistrée/);
    await expect(page.locator('[data-basket="empty"]')).toBeVisible();
    await expect(page.locator('.receipt')).toHaveCount(1);
  });
});
