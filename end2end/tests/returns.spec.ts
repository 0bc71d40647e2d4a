import { test, expect, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { API_KEY, DESKTOP, TABLET, device, hydrated, postMovement, stockOf } from './helpers';

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

  // The associate finds the order by its reference.
  const tablet = await device(browser, TABLET, 'associate');
  await tablet.page.goto('/returns');
  await hydrated(tablet.page);
  await tablet.page.getByLabel('Référence de la commande').fill(reference.toLowerCase());
  await tablet.page.getByRole('button', { name: 'Ouvrir la commande' }).click();
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
