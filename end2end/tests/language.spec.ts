import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, KIOSK, TABLET, hydrated, signIn, signInInEnglish } from './helpers';

// Each test signs in with an account of its own shop: a language kept for
// an account must not change what parallel tests on other accounts see.

test.describe('on a tablet', () => {
  test.use(TABLET);

  test('English chosen on the sign-in page stays after a reload and for the account', async ({ page, browser }) => {
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await hydrated(page);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

    await page.getByLabel('Username').fill('associate.mrs01');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(/\/stock$/);
    await expect(page.getByText('Marseille Vieux-Port · Sales associate')).toBeVisible();
    await expect(page.getByLabel('Find a product')).toBeVisible();

    // Another tablet, never used in English: the account's language.
    const other = await browser.newContext(TABLET);
    const otherPage = await other.newPage();
    await signIn(otherPage, 'associate.mrs01');
    await expect(otherPage.locator('html')).toHaveAttribute('lang', 'en');
    await expect(otherPage.getByLabel('Find a product')).toBeVisible();
    await other.close();
  });

  test('the header switch gives the same page in the other language and follows the person to another device', async ({ page, browser }) => {
    await signIn(page, 'associate.tls01');
    await page.goto('/stock/ROB-0001-MAR-S');
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Stock par emplacement' })).toBeVisible();
    await expect(page.locator('.price')).toHaveText(/^\d+,\d{2}\s€$/);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Stock by location' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('.price')).toHaveText(/^€\d+\.\d{2}$/);
    await expect(page.locator('.live-badge')).toHaveText('Live');
    await expect(page).toHaveURL(/\/stock\/ROB-0001-MAR-S$/);

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Stock by location' })).toBeVisible();

    const other = await browser.newContext(DESKTOP);
    const otherPage = await other.newPage();
    await signIn(otherPage, 'associate.tls01');
    await expect(otherPage.getByLabel('Find a product')).toBeVisible();
    // Back to French, from the other device, for the account.
    await hydrated(otherPage);
    await otherPage.getByRole('button', { name: 'Français' }).click();
    await expect(otherPage.getByLabel('Trouver un produit')).toBeVisible();
    await other.close();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Stock par emplacement' })).toBeVisible();
  });

  test('search results speak English with English plurals and prices', async ({ page }) => {
    await signInInEnglish(page, 'associate.nce01');
    await hydrated(page);
    await page.getByLabel('Find a product').pressSequentially('robe col clau', { delay: 30 });
    await expect(page.locator('.result').first()).toContainText('€');
    await expect(page.getByRole('status').filter({ hasText: /^\d+ results?$/ })).toHaveCount(1);
    await page.getByLabel('Find a product').fill('');
    await page.getByLabel('Find a product').pressSequentially('zzqx', { delay: 20 });
    await expect(page.getByText('Nothing matches "zzqx"')).toBeVisible();
  });
});

test.describe('on the back-room PC', () => {
  test.use(DESKTOP);

  test('errors raised on the server reach the screen in the person’s language', async ({ page }) => {
    await signIn(page, 'manager.nte01');
    await page.goto('/manage/TIS-0001-BLA-050');
    await hydrated(page);
    await page.getByLabel('Réception', { exact: true }).check();
    await page.getByLabel(/^Quantité/).fill('0');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText("La quantité doit être d'au moins 1 (saisi : 0).");
    // The same error, once the page is in English (it comes again from the
    // server, in the new language).
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Record a movement' })).toBeVisible();
    await hydrated(page);
    await page.getByLabel('Receipt', { exact: true }).check();
    await page.getByLabel(/^Quantity/).fill('0');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('The quantity must be at least 1 (got 0).');
    await page.getByLabel('Receipt', { exact: true }).check();
    await page.getByLabel(/^Quantity/).fill('99999');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('99999 items in one movement is more than the 10000 allowed: check the quantity.');
    // Leave the account in French for whoever uses it next.
    await page.getByRole('button', { name: 'Français' }).click();
    await expect(page.getByRole('heading', { name: 'Enregistrer un mouvement' })).toBeVisible();
    await hydrated(page);
    await page.getByLabel('Réception', { exact: true }).check();
    await page.getByLabel(/^Quantité/).fill('99999');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('99999 articles en un mouvement, c\'est plus que les 10000 autorisés : vérifiez la quantité.');
  });

  test('an ended session sends the person to sign in, in their language, and back', async ({ page, context }) => {
    await signIn(page, 'manager.sxb01');
    await page.goto('/manage/TIS-0001-BLA-050');
    await hydrated(page);
    await context.clearCookies();
    await page.getByLabel('Réception', { exact: true }).check();
    await page.getByLabel(/^Quantité/).fill('1');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    // Straight to the sign-in page, which says why and brings them back.
    await expect(page).toHaveURL(/\/login\?error=expired&next=%2Fmanage%2FTIS-0001-BLA-050$/);
    await expect(page.getByRole('alert')).toHaveText('Votre session a pris fin. Reconnectez-vous.');
    await page.getByLabel('Identifiant').fill('manager.sxb01');
    await page.getByLabel('Mot de passe').fill('demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/manage\/TIS-0001-BLA-050$/);
  });
});

test.describe('on a kiosk', () => {
  test.use(KIOSK);

  test('a large switch gives English, and the idle reset brings French back', async ({ page }) => {
    await page.clock.install();
    await signIn(page, 'kiosk.lyo01');
    await hydrated(page);
    const english = page.getByRole('button', { name: 'English' });
    const box = await english.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(60);
    await english.click();
    await expect(page.getByRole('heading', { name: 'Find a product' })).toBeVisible();
    await page.getByLabel('Product name or barcode').pressSequentially('manteau a smocks', { delay: 30 });
    await page.locator('.result', { hasText: 'Manteau à smocks en viscose' }).click();
    await expect(page.locator('[data-availability="here"]')).toHaveText(/in stock in this shop|Not in stock/);
    await expect(page.locator('.kiosk-price')).toHaveText(/^€/);

    await page.clock.fastForward('02:05');
    await expect(page).toHaveURL(/\/kiosk$/);
    await expect(page.getByRole('heading', { name: 'Trouver un produit' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  });
});

test.describe('accessibility in English', () => {
  test.use(TABLET);

  test('sign-in and product pages have no serious violation and say their language', async ({ page }) => {
    await page.goto('/login');
    await hydrated(page);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    for (const label of ['login']) {
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${label}: ${v.id}`)).toEqual([]);
    }
  });
});
