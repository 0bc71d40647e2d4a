import { test, expect, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { API_KEY, DESKTOP, TABLET, device, hydrated, postMovement, scan, stockOf } from './helpers';

// A web order shipped home comes back to the Paris shop: one item
// resellable (back on the shelf, live on a second tablet), one damaged
// (into quarantine, seen by the manager), the money back to the original
// payment; the receipt shows where each item went.

const KEPT = 'PUL-0004-MOU-L';
const DAMAGED = 'PUL-0004-NOI-XL';

async function noSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

async function deliveredWebOrder(request: APIRequestContext, key: string) {
  const auth = { Authorization: `Bearer ${API_KEY}` };
  const placed = await request.post('/api/v1/orders', {
    headers: { ...auth, 'Idempotency-Key': key },
    data: {
      lines: [
        { sku: KEPT, quantity: 1 },
        { sku: DAMAGED, quantity: 1 },
      ],
      fulfilment: { kind: 'ship', address: { name: 'Léa Girard', street: '5 rue de Rivoli', postcode: '75004', city: 'Paris' } },
      email: 'retour.e2e@example.fr',
      lang: 'fr',
      payment: { status: 'paid', reference: `PSP-${key}` },
      delivery_fee_cents: 495,
    },
  });
  expect(placed.status(), await placed.text()).toBe(201);
  const reference = (await placed.json()).reference as string;
  const delivered = await request.post(`/api/v1/orders/${reference}/shipment`, { headers: auth, data: { status: 'delivered' } });
  expect(delivered.status(), await delivered.text()).toBe(200);
  return reference;
}

test('a web order comes back to the shop: restocked live, damaged into quarantine, refunded', async ({ browser, request }) => {
  test.setTimeout(90_000);
  for (const sku of [KEPT, DAMAGED]) {
    await postMovement(request, { sku, location_id: 'WH-ORL', kind: 'receipt', quantity: 2 });
  }
  const reference = await deliveredWebOrder(request, `e2e-return-${Date.now()}`);
  const parisBefore = (await stockOf(request, KEPT)).locations.find((l: any) => l.location_id === 'PAR01');

  // A second tablet watches the stock of the item that comes back.
  const watcher = await device(browser, TABLET, 'associate');
  await watcher.page.goto(`/stock/${KEPT}`);
  await hydrated(watcher.page);
  await expect(watcher.page.locator('.live-badge')).toHaveText('En direct');

  // The associate scans the QR of the customer's confirmation e-mail (it
  // carries the reference) from the returns page.
  const tablet = await device(browser, TABLET, 'associate');
  await tablet.page.goto('/returns');
  await hydrated(tablet.page);
  await scan(tablet.page, reference);
  await expect(tablet.page).toHaveURL(new RegExp(`/returns/order/${reference}$`));
  await expect(tablet.page.getByRole('heading', { name: `Commande ${reference}` })).toBeVisible();
  await hydrated(tablet.page);
  await noSeriousViolations(tablet.page, 'return form');

  const kept = tablet.page.locator(`.return-line[data-sku="${KEPT}"]`);
  const damaged = tablet.page.locator(`.return-line[data-sku="${DAMAGED}"]`);
  await expect(kept.getByText(/1 peut revenir, jusqu'au/)).toBeVisible();
  await kept.getByLabel(/Quantité à reprendre/).fill('1');
  await kept.getByLabel('Motif').selectOption({ label: 'Trop petit' });
  await kept.getByLabel('Revendable').check();
  await damaged.getByLabel(/Quantité à reprendre/).fill('1');
  await damaged.getByLabel('Motif').selectOption({ label: 'Défectueux' });
  await damaged.getByLabel('Abîmé').check();
  await tablet.page.getByLabel(/Sur le moyen de paiement d'origine/).check();
  await tablet.page.getByRole('button', { name: 'Enregistrer le retour' }).click();

  const done = tablet.page.getByRole('status').filter({ hasText: /Retour RET-\d{7} enregistré/ });
  await expect(done).toBeVisible();
  await expect(tablet.page.getByText('Revendable — remis en rayon')).toBeVisible();
  await expect(tablet.page.getByText('Abîmé — mis en quarantaine')).toBeVisible();
  // A defective item brings the delivery fee back.
  await expect(tablet.page.getByText(/Dont frais de livraison remboursés : 4,95/)).toBeVisible();
  await noSeriousViolations(tablet.page, 'return receipt');

  // The other tablet sees Paris's shelf rise without a reload.
  await expect(watcher.page.locator('.stock-table tr[data-location="PAR01"] [data-col="on-hand"]')).toHaveText(
    String(parisBefore.on_hand + 1),
    { timeout: 2_000 },
  );

  // The web shop reads the return.
  const order = await (await request.get(`/api/v1/orders/${reference}`, { headers: { Authorization: `Bearer ${API_KEY}` } })).json();
  expect(order.returns).toHaveLength(1);
  expect(order.refunded_cents).toBeGreaterThan(495);

  // The same order again: nothing is left to take back.
  await tablet.page.goto(`/returns/order/${reference}`);
  await expect(tablet.page.getByText('Déjà entièrement retourné').first()).toBeVisible();

  // The manager sees the damaged item in quarantine.
  const pc = await device(browser, DESKTOP, 'manager');
  await pc.page.goto('/returns/board');
  await hydrated(pc.page);
  await expect(pc.page.getByRole('heading', { name: 'Quarantaine' })).toBeVisible();
  await expect(pc.page.locator(`.card[data-sku="${DAMAGED}"]`)).toBeVisible();
  await noSeriousViolations(pc.page, 'returns board');
  for (const d of [watcher, tablet, pc]) {
    await d.context.close();
  }
});

// The demo's Solène Marchal had a web order delivered two months ago, past
// every return window. At Rennes (accounts no other test uses), the
// associate opens it from her profile, asks the manager, who agrees on the
// PC; the approval reaches the tablet live; one item comes back as store
// credit, which pays part of her next basket.
test('a late return approved by the manager, refunded as store credit, spent on a new basket', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const NEXT = 'ROB-0001-MAR-S';
  await postMovement(request, { sku: NEXT, location_id: 'RNS01', kind: 'receipt', quantity: 2 });

  const tablet = await device(browser, TABLET, 'associate.rns01');
  const page = tablet.page;
  await page.goto('/customers');
  await hydrated(page);
  await page.getByLabel('Trouver un client').pressSequentially('Solène Marchal', { delay: 20 });
  await page.locator('.customer-result', { hasText: 'Solène Marchal' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Solène Marchal');
  await expect(page.locator('[data-store-credit]')).toHaveCount(0);
  const profile = page.url();
  await page.getByRole('link', { name: 'Reprendre des articles (retour, échange)' }).first().click();
  await expect(page.getByRole('heading', { name: /^Commande WEB-\d{7}$/ })).toBeVisible();
  await hydrated(page);
  await expect(page.getByText(/Délai de retour dépassé depuis le/).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enregistrer le retour' })).toHaveCount(0);
  await page.getByLabel('Pourquoi reprendre hors délai ?').fill('Cliente à l\'étranger pendant deux mois');
  await page.getByRole('button', { name: 'Demander l\'accord' }).click();
  await expect(page.getByText(/Accord demandé par/)).toBeVisible();
  await noSeriousViolations(page, 'late return, approval asked');

  // The manager of the shop agrees on the back-room PC.
  const pc = await device(browser, DESKTOP, 'manager.rns01');
  await pc.page.goto('/returns/board');
  await hydrated(pc.page);
  const asked = pc.page.locator('.card[data-approval]', { hasText: 'Cliente à l\'étranger' });
  await expect(asked).toBeVisible();
  await noSeriousViolations(pc.page, 'returns board with an approval');
  await asked.getByLabel('Note (facultative)').fill('Geste commercial');
  await asked.getByRole('button', { name: 'Accorder' }).click();
  await expect(asked).toHaveCount(0);

  // The tablet learns it without a reload; one item comes back as credit.
  await expect(page.getByText(/Accord donné par/)).toBeVisible({ timeout: 5_000 });
  const line = page.locator('.return-line').first();
  await line.getByLabel(/Quantité à reprendre/).fill('1');
  await line.getByLabel('Motif').selectOption({ label: 'Trop grand' });
  await line.getByLabel('Revendable').check();
  await page.getByLabel('En avoir sur le compte du client').check();
  await page.getByRole('button', { name: 'Enregistrer le retour' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Retour RET-\d{7} enregistré/ })).toBeVisible();
  const credited = page.getByText(/crédités en avoir \(nouveau solde : /);
  await expect(credited).toBeVisible();
  const balance = (await credited.textContent())?.match(/nouveau solde : ([\d\s\u202f\u00a0]+,\d{2})/)?.[1];
  expect(balance).toBeTruthy();

  // Her profile shows the credit; her next basket spends it first.
  await page.goto(profile);
  await hydrated(page);
  await expect(page.locator('[data-store-credit]')).toContainText(balance!);
  await page.getByRole('button', { name: 'Commander pour ce client' }).click();
  await expect(page).toHaveURL(/\/basket$/);
  await page.goto(`/stock/${NEXT}`);
  await hydrated(page);
  await page.getByLabel('Quantité à ajouter').fill('1');
  await page.getByRole('button', { name: 'Ajouter au panier' }).click();
  await expect(page.getByText('Ajouté au panier.')).toBeVisible();
  await page.getByRole('link', { name: 'Voir le panier' }).click();
  await hydrated(page);
  await expect(page.locator(`.basket-line[data-sku="${NEXT}"]`)).toBeVisible();
  await page.getByLabel(/Utiliser d'abord l'avoir du client/).check();
  await page.getByLabel('Référence du terminal ou de la carte cadeau').fill('TPE-E2E-AVOIR');
  await page.getByRole('button', { name: 'Valider la commande' }).click();
  const receipt = page.locator('.receipt');
  await expect(receipt).toContainText(/Commande STORE-\d{7} enregistrée/);
  await expect(receipt.locator('[data-credit-used]')).toContainText('Dont réglé en avoir');
  await noSeriousViolations(page, 'basket paid with credit');

  // What was left of the credit is what the order did not use.
  await page.goto(profile);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Solène Marchal');
  const left = page.locator('[data-store-credit]');
  if (await left.count()) {
    await expect(left).not.toContainText(balance!);
  }
  for (const d of [tablet, pc]) {
    await d.context.close();
  }
});
