import { Browser, BrowserContext, Page, APIRequestContext, expect } from '@playwright/test';

export const API_KEY = 'demo-webshop-key-0123456789';

/** Viewports of the three devices. */
export const TABLET = { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true };
export const DESKTOP = { viewport: { width: 1366, height: 850 } };
export const KIOSK = { viewport: { width: 1080, height: 1920 }, hasTouch: true };

/** Signs in through the form (in French, the default), as a person does, and waits for the landing page. */
export async function signIn(page: Page, username: string, password = 'demo') {
  await page.goto('/login');
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Signs in after choosing English on the sign-in page. */
export async function signInInEnglish(page: Page, username: string, password = 'demo') {
  await page.goto('/login');
  await hydrated(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A browser context for one device, signed in. */
export async function device(browser: Browser, profile: object, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(profile);
  const page = await context.newPage();
  await signIn(page, username);
  return { context, page };
}

/** Waits until the app's WebAssembly has taken over the page. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__hydrated === true || document.querySelector('[data-hydrated]') !== null, null, { timeout: 15_000 });
}

/** Posts a stock movement through the JSON API, as the web shop does. */
export async function postMovement(request: APIRequestContext, body: Record<string, unknown>) {
  const response = await request.post('/api/v1/stock/movements', {
    headers: { Authorization: `Bearer ${API_KEY}` },
    data: body,
  });
  expect(response.status(), await response.text()).toBe(201);
  return response.json();
}

/** The stock of a SKU everywhere, through the JSON API. */
export async function stockOf(request: APIRequestContext, sku: string) {
  const response = await request.get(`/api/v1/stock/${sku}`, { headers: { Authorization: `Bearer ${API_KEY}` } });
  expect(response.status()).toBe(200);
  return response.json();
}

/**
 * Types a code and Enter as a hand scanner does: every key sent at once,
 * without waiting for the page between keys (a test typing key by key on a
 * busy machine is slower than any scanner, and slower than the app's
 * threshold for one).
 */
export async function scan(page: Page, code: string) {
  const keys = [...code].map((c) => page.keyboard.press(c));
  keys.push(page.keyboard.press('Enter'));
  await Promise.all(keys);
}
