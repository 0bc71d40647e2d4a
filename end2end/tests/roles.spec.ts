import { test, expect } from '@playwright/test';
import { KIOSK, TABLET, signIn, stockOf } from './helpers';

test.describe('an associate', () => {
  test.use(TABLET);

  test('cannot move stock, in the UI or by calling the server', async ({ page, request }) => {
    await signIn(page, 'associate');
    await page.goto('/stock/BLO-0001-NOI-M');
    await expect(page.locator('.stock-table')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Enregistrer un mouvement' })).toHaveCount(0);

    // The manager page sends them back to the product.
    await page.goto('/manage/BLO-0001-NOI-M');
    await expect(page).toHaveURL(/\/stock\/BLO-0001-NOI-M$/);

    // The server function refuses them, and nothing is written.
    const before = await stockOf(request, 'BLO-0001-NOI-M');
    const response = await page.request.post('/api/record_movement', {
      form: { sku: 'BLO-0001-NOI-M', kind: 'receipt', quantity: '50' },
    });
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ reason: 'forbidden' });
    expect(await stockOf(request, 'BLO-0001-NOI-M')).toEqual(before);
  });
});

test.describe('a kiosk', () => {
  test.use(KIOSK);

  test('cannot reach staff pages or staff server functions', async ({ page }) => {
    await signIn(page, 'kiosk');
    for (const path of ['/stock', '/stock/BLO-0001-NOI-M', '/manage/BLO-0001-NOI-M']) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/kiosk$/);
    }
    for (const [fn, form] of [
      ['search_stock', { query: 'robe' }],
      ['get_product_stock', { sku: 'BLO-0001-NOI-M' }],
      ['movement_history', { sku: 'BLO-0001-NOI-M' }],
      ['record_movement', { sku: 'BLO-0001-NOI-M', kind: 'receipt', quantity: '1' }],
    ] as const) {
      const response = await page.request.post(`/api/${fn}`, { form });
      expect(response.status(), fn).toBe(403);
    }
  });
});

test('without a session, server functions answer 401', async ({ request }) => {
  const response = await request.post('/api/search_stock', { form: { query: 'robe' } });
  expect(response.status()).toBe(401);
  expect(await response.json()).toEqual({ reason: 'session_ended' });
});

test('a request from another site is refused', async ({ request }) => {
  const response = await request.post('/auth/login', {
    headers: { Origin: 'http://evil.example' },
    form: { username: 'manager', password: 'demo' },
  });
  expect(response.status()).toBe(403);
});
