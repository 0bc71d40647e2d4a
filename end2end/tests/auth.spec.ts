import { test, expect } from '@playwright/test';
import { DESKTOP, KIOSK, TABLET, signIn } from './helpers';

test.describe('sign-in on a tablet', () => {
  test.use(TABLET);

  test('an associate lands on their shop stock search', async ({ page }) => {
    await signIn(page, 'associate');
    await expect(page).toHaveURL(/\/stock$/);
    await expect(page.getByText('Paris Rivoli · Sales associate')).toBeVisible();
    await expect(page.getByLabel('Find a product')).toBeVisible();
  });

  test('a wrong password is refused with a clear message', async ({ page }) => {
    await page.goto('/login');
    await page.getByLabel('Username').fill('associate');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
    await expect(page).toHaveURL(/\/login/);
  });

  test('repeated wrong passwords make the username wait, and the page says how long', async ({ page }) => {
    await page.goto('/login');
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('Username').fill('guesser');
      await page.getByLabel('Password').fill(`guess${i}`);
      // Each attempt is answered before the next is typed.
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/auth/login')),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
    }
    await expect(page.getByRole('alert')).toHaveText(
      /^Too many attempts for this username\. Try again in (29|30) seconds\.$/,
    );
    await expect(page.getByLabel('Username')).toBeFocused();
  });

  test('a page asked for before signing in opens after it', async ({ page }) => {
    await page.goto('/stock/ROB-0001-MAR-S');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Username').fill('associate');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/stock\/ROB-0001-MAR-S$/);
  });

  test('signing out ends the session', async ({ page }) => {
    await signIn(page, 'associate');
    await page.getByRole('button', { name: 'Sign out' }).click();
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
    await expect(page.getByText('Paris Rivoli · Store manager')).toBeVisible();
  });
});

test.describe('sign-in on a kiosk', () => {
  test.use(KIOSK);

  test('a kiosk lands on the customer search, with no way to sign out', async ({ page }) => {
    await signIn(page, 'kiosk');
    await expect(page).toHaveURL(/\/kiosk$/);
    await expect(page.getByRole('heading', { name: 'Find a product' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  });
});
