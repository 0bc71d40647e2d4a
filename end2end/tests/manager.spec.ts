import { test, expect } from '@playwright/test';
import { DESKTOP, hydrated, signIn, stockOf } from './helpers';

test.use(DESKTOP);

const SKU = 'VES-0001-BLA-S';

async function record(page: import('@playwright/test').Page, kind: string, quantity: string, extra: { reason?: string; to?: string } = {}) {
  await page.getByLabel(kind, { exact: true }).check();
  await page.getByLabel(/^Quantité/).fill(quantity);
  await page.getByLabel(/^Motif/).fill(extra.reason ?? '');
  await page.getByLabel(/^Destination/).selectOption(extra.to ?? '');
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
}

test('a manager records a receipt, an adjustment, a count and a transfer', async ({ page, request }) => {
  await signIn(page, 'manager');
  await page.goto(`/stock/${SKU}`);
  await page.getByRole('link', { name: 'Enregistrer un mouvement' }).click();
  await expect(page).toHaveURL(new RegExp(`/manage/${SKU}$`));
  await hydrated(page);
  const onHand = page.locator('[data-figure="on-hand"]');
  const start = Number(await onHand.innerText());

  await record(page, 'Réception', '5');
  await expect(page.getByRole('status').filter({ hasText: 'Réception enregistrée' })).toBeVisible();
  await expect(onHand).toHaveText(String(start + 5));

  // An adjustment needs a reason: refused without one, nothing written.
  await record(page, 'Ajustement (+/−)', '-2');
  await expect(page.getByRole('alert')).toContainText('demande un motif');
  await expect(onHand).toHaveText(String(start + 5));
  await record(page, 'Ajustement (+/−)', '-2', { reason: 'Abîmé' });
  await expect(onHand).toHaveText(String(start + 3));

  await record(page, 'Inventaire', '4');
  await expect(onHand).toHaveText('4');

  // The manager's own shop is not offered as a destination.
  await expect(page.getByLabel(/^Destination/).locator('option[value="PAR01"]')).toHaveCount(0);
  const lyonBefore = (await stockOf(request, SKU)).locations.find((l: any) => l.location_id === 'LYO01').on_hand;
  await record(page, 'Transfert sortant', '1', { to: 'LYO01' });
  await expect(page.getByRole('status').filter({ hasText: "Envoyé : 1 × VES-0001-BLA-S vers Lyon Presqu'île" })).toBeVisible();
  await expect(onHand).toHaveText('3');
  const lyonAfter = (await stockOf(request, SKU)).locations.find((l: any) => l.location_id === 'LYO01').on_hand;
  expect(lyonAfter).toBe(lyonBefore + 1);

  const history = page.getByRole('table', { name: /Derniers mouvements/ }).locator('tbody tr');
  await expect(history.nth(0)).toContainText('Transfert sortant');
  await expect(history.nth(0)).toContainText("vers Lyon Presqu'île");
  await expect(history.nth(1)).toContainText('Inventaire');
  await expect(history.nth(2)).toContainText('Abîmé');
  await expect(history.nth(3)).toContainText('Réception');
  await expect(history.nth(0)).toContainText('manager');
  await expect(history.nth(0).locator('td').first()).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
});

test('wrong quantities get a clear error and change nothing', async ({ page }) => {
  await signIn(page, 'manager');
  await page.goto('/manage/TIS-0001-BLA-050');
  await hydrated(page);
  const onHand = page.locator('[data-figure="on-hand"]');
  const start = await onHand.innerText();
  for (const [kind, quantity, message] of [
    ['Réception', '0', 'au moins 1'],
    ['Réception', '99999', 'plus que les 10000 autorisés'],
    ['Transfert sortant', '500', 'En stock ici'],
  ]) {
    await page.getByLabel(kind, { exact: true }).check();
    await page.getByLabel(/^Quantité/).fill(quantity);
    if (kind === 'Transfert sortant') await page.getByLabel(/^Destination/).selectOption('WH-ORL');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
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
  await record(page, 'Réception', '2');
  await expect(page.getByRole('alert')).toContainText('Le serveur est injoignable');
  await page.unroute('**/api/record_movement');

  // The manager sends the same form again: one receipt, and they are told.
  await record(page, 'Réception', '2');
  await expect(page.getByRole('status')).toContainText('Envoyé deux fois : enregistré une seule fois.');
  await expect(onHand).toHaveText(String(start + 2));

  // The next movement is a new one.
  await record(page, 'Réception', '2');
  await expect(page.getByRole('status')).toHaveText(/^Réception enregistrée pour VES-0001-BEI-M : en stock \d+, disponible \d+\.$/);
  await expect(onHand).toHaveText(String(start + 4));
});
