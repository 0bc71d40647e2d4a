import { test, expect } from '@playwright/test';
import { DESKTOP, KIOSK, TABLET, signIn } from './helpers';

test.describe('sign-in on a tablet', () => {
  test.use(TABLET);

  test('an associate lands on their shop stock search', async ({ page }) => {
    await signIn(page, 'associate');
    await expect(page).toHaveURL(/\/stock$/);
    await expect(page.getByText('Paris Rivoli · Conseiller de vente')).toBeVisible();
    await expect(page.getByLabel('Trouver un produit')).toBeVisible();
  });

  test('a wrong password is refused with a clear message, and the username is kept', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Identifiant').fill('associate');
    await page.getByLabel('Mot de passe').fill('wrong');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('alert')).toHaveText('Identifiant ou mot de passe incorrect.');
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel('Identifiant')).toHaveValue('associate');
    await expect(page.getByLabel('Mot de passe')).toHaveValue('');
  });

  test('repeated wrong passwords make the username wait, and the page says how long', async ({ page }) => {
    await page.goto('/login');
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('Identifiant').fill('guesser');
      await page.getByLabel('Mot de passe').fill(`guess${i}`);
      // Each attempt is answered before the next is typed.
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/auth/login')),
        page.getByRole('button', { name: 'Se connecter' }).click(),
      ]);
    }
    await expect(page.getByRole('alert')).toHaveText(
      /^Trop de tentatives pour cet identifiant\. Réessayez dans (2[7-9]|30) secondes\.$/,
    );
    await expect(page.getByLabel('Identifiant')).toBeFocused();
    await expect(page.getByLabel('Identifiant')).toHaveValue('guesser');
  });

  test('a page asked for before signing in opens after it', async ({ page }) => {
    await page.goto('/stock/ROB-0001-MAR-S');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Identifiant').fill('associate');
    await page.getByLabel('Mot de passe').fill('demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/stock\/ROB-0001-MAR-S$/);
  });

  test('signing out ends the session', async ({ page }) => {
    await signIn(page, 'associate');
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/stock');
    await expect(page).toHaveURL(/\/login/);
  });
});

test.describe('sign-in on the back-room PC', () => {
  test.use(DESKTOP);

  test('a manager lands on the stock search with the manager role', async ({ page }) => {
    await signIn(page, 'manager');
    await expect(page).toHaveURL(/\/stock$/);
    await expect(page.getByText('Paris Rivoli · Responsable de magasin')).toBeVisible();
  });
});

test.describe('sign-in on a kiosk', () => {
  test.use(KIOSK);

  test('a kiosk lands on the customer search, with no way to sign out', async ({ page }) => {
    await signIn(page, 'kiosk');
    await expect(page).toHaveURL(/\/kiosk$/);
    await expect(page.getByRole('heading', { name: 'Trouver un produit' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Se déconnecter' })).toHaveCount(0);
    // No empty landmark: a kiosk has no staff navigation at all.
    await expect(page.getByRole('navigation')).toHaveCount(0);
  });
});
