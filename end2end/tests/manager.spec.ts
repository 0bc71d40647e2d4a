import { test, expect } from '@playwright/test';
import { DESKTOP, hydrated, signIn, stockOf } from './helpers';

test.use(DESKTOP);

const SKU = 'VES-0001-BLA-S';

async function record(page: import('@playwright/test').Page, kind: string, quantity: string, extra: { reason?: string; to?: string } = {}) {
  await page.getByLabel(kind, { exact: true }).check();
  await page.getByLabel(/^Quantity/).fill(quantity);
  await page.getByLabel(/^Reason/).fill(extra.reason ?? '');
  await page.getByLabel(/^Destination/).selectOption(extra.to ?? '');
  await page.getByRole('button', { name: 'Record' }).click();
}

test('a manager records a receipt, an adjustment, a count and a transfer', async ({ page, request }) => {
  await signIn(page, 'manager');
  await page.goto(`/stock/${SKU}`);
  await page.getByRole('link', { name: 'Record a movement' }).click();
  await expect(page).toHaveURL(new RegExp(`/manage/${SKU}$`));
  await hydrated(page);
  const onHand = page.locator('[data-figure="on-hand"]');
  const start = Number(await onHand.innerText());

  await record(page, 'Receipt', '5');
  await expect(page.getByRole('status').filter({ hasText: 'Receipt recorded' })).toBeVisible();
  await expect(onHand).toHaveText(String(start + 5));

  // An adjustment needs a reason: refused without one, nothing written.
  await record(page, 'Adjustment (+/−)', '-2');
  await expect(page.getByRole('alert')).toContainText('needs a reason');
  await expect(onHand).toHaveText(String(start + 5));
  await record(page, 'Adjustment (+/−)', '-2', { reason: 'Damaged' });
  await expect(onHand).toHaveText(String(start + 3));

  await record(page, 'Count', '4');
  await expect(onHand).toHaveText('4');

  const lyonBefore = (await stockOf(request, SKU)).locations.find((l: any) => l.location_id === 'LYO01').on_hand;
  await record(page, 'Transfer out', '1', { to: 'LYO01' });
  await expect(page.getByRole('status').filter({ hasText: 'Sent 1 × VES-0001-BLA-S to LYO01' })).toBeVisible();
  await expect(onHand).toHaveText('3');
  const lyonAfter = (await stockOf(request, SKU)).locations.find((l: any) => l.location_id === 'LYO01').on_hand;
  expect(lyonAfter).toBe(lyonBefore + 1);

  const history = page.locator('table.history tbody tr');
  await expect(history.nth(0)).toContainText('Transfer out');
  await expect(history.nth(1)).toContainText('Count');
  await expect(history.nth(2)).toContainText('Damaged');
  await expect(history.nth(3)).toContainText('Receipt');
  await expect(history.nth(0)).toContainText('manager');
});

test('wrong quantities get a clear error and change nothing', async ({ page }) => {
  await signIn(page, 'manager');
  await page.goto('/manage/TIS-0001-BLA-050');
  await hydrated(page);
  const onHand = page.locator('[data-figure="on-hand"]');
  const start = await onHand.innerText();
  for (const [kind, quantity, message] of [
    ['Receipt', '0', 'at least 1'],
    ['Receipt', '99999', 'more than the 10000 allowed'],
    ['Transfer out', '500', 'not reserved for orders'],
  ]) {
    await page.getByLabel(kind, { exact: true }).check();
    await page.getByLabel(/^Quantity/).fill(quantity);
    if (kind === 'Transfer out') await page.getByLabel(/^Destination/).selectOption('WH-ORL');
    await page.getByRole('button', { name: 'Record' }).click();
    await expect(page.getByRole('alert')).toContainText(message);
  }
  await expect(onHand).toHaveText(start);
});

test('a movement whose answer was lost is recorded once when sent again', async ({ page }) => {
  await signIn(page, 'manager');
  await page.goto('/manage/VES-0001-BEI-M');
  await hydrated(page);
  const onHand = page.locator('[data-figure="on-hand"]');
  const start = Number(await onHand.innerText());

  // The request reaches the server and is recorded; its answer is lost on
  // the way back, as when the Wi-Fi drops at the wrong moment.
  await page.route('**/api/record_movement', async (route) => {
    await route.fetch();
    await route.abort('connectionreset');
  });
  await record(page, 'Receipt', '2');
  await expect(page.getByRole('alert')).toContainText('could not be reached');
  await page.unroute('**/api/record_movement');

  // The manager sends the same form again: one receipt, and they are told.
  await record(page, 'Receipt', '2');
  await expect(page.getByRole('status')).toContainText('Sent twice: recorded once.');
  await expect(onHand).toHaveText(String(start + 2));

  // The next movement is a new one.
  await record(page, 'Receipt', '2');
  await expect(page.getByRole('status')).toHaveText(/^Receipt recorded for VES-0001-BEI-M: \d+ on hand, \d+ available\.$/);
  await expect(onHand).toHaveText(String(start + 4));
});
