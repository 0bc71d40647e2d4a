import { test, expect, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { API_KEY, DESKTOP, KIOSK, TABLET, device, hydrated, postMovement, stockOf } from './helpers';

// Click-and-collect in Paris (its associate is `associate`, its manager
// `manager`, its kiosk `kiosk`): a web order placed through the API is
// picked with scans, staged, checked in at the kiosk with the code of its
// e-mail, and handed over in part, every screen following live.

async function noSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

function card(page: Page, list: string, reference: string) {
  return page.locator(`.pickup-list[data-list="${list}"] .pickup-card[data-reference="${reference}"]`);
}

async function webOrder(request: APIRequestContext, key: string, lines: { sku: string; quantity: number }[]) {
  const response = await request.post('/api/v1/orders', {
    headers: { Authorization: `Bearer ${API_KEY}`, 'Idempotency-Key': key },
    data: {
      lines,
      fulfilment: { kind: 'collect', shop: 'PAR01' },
      email: 'retrait.e2e@example.fr',
      lang: 'fr',
      payment: { status: 'paid', reference: `PSP-${key}` },
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).reference as string;
}

async function level(request: APIRequestContext, sku: string, location: string) {
  return (await stockOf(request, sku)).locations.find((l: any) => l.location_id === location);
}

test('a web order for Paris goes from the queue to the customer, live on every screen', async ({ browser, request }) => {
  test.setTimeout(90_000);
  const first = 'PUL-0004-NOI-M';
  const second = 'PUL-0004-BLA-L';
  const stranger = 'PUL-0004-MOU-XS';
  for (const sku of [first, second]) {
    await postMovement(request, { sku, location_id: 'PAR01', kind: 'receipt', quantity: 3 });
  }

  // The Paris tablet watches the queue; the order arrives without a reload.
  const tablet = await device(browser, TABLET, 'associate');
  await tablet.page.goto('/pickups');
  await hydrated(tablet.page);
  await expect(tablet.page.locator('.live-badge')).toHaveText('En direct');
  const reference = await webOrder(request, `e2e-pickup-${Date.now()}`, [
    { sku: first, quantity: 1 },
    { sku: second, quantity: 1 },
  ]);
  await expect(card(tablet.page, 'to_prepare', reference)).toBeVisible({ timeout: 3_000 });
  await expect(tablet.page.getByRole('status').filter({ hasText: `Nouvelle commande à retirer : ${reference}` })).toBeVisible();
  await noSeriousViolations(tablet.page, 'pickup queue');

  // Picked with scans: a wrong item is refused at once, with what is expected.
  await tablet.page.getByRole('link', { name: `Ouvrir la commande ${reference}` }).click();
  await expect(tablet.page.getByRole('heading', { name: `Commande ${reference}` })).toBeVisible();
  await hydrated(tablet.page);
  const scanField = tablet.page.getByLabel('Scanner ou saisir un article (EAN ou SKU)');
  await scanField.fill(stranger);
  await tablet.page.getByRole('button', { name: "Valider l'article" }).click();
  await expect(tablet.page.getByText(`« ${stranger} » n'est pas un article de cette commande`)).toBeVisible();
  for (const sku of [first, second]) {
    await scanField.fill(sku);
    await tablet.page.getByRole('button', { name: "Valider l'article" }).click();
    await expect(tablet.page.locator(`.pick-list tr[data-sku="${sku}"]`)).toHaveAttribute('data-done', 'true');
  }
  await noSeriousViolations(tablet.page, 'pick list');
  await tablet.page.getByLabel('Emplacement du sac').fill('b12');
  await tablet.page.getByRole('button', { name: 'Ranger et prévenir le client' }).click();
  await expect(tablet.page.getByText(`Commande ${reference} prête sur l'emplacement B12`)).toBeVisible();

  // The code the customer got (the web shop shows it too).
  const order = await (await request.get(`/api/v1/orders/${reference}`, { headers: { Authorization: `Bearer ${API_KEY}` } })).json();
  const code: string = order.fulfilments[0].pickup.code;
  expect(code).toMatch(/^\d{8}$/);

  // A second tablet of the shop hears the customer check in at the kiosk.
  const second_tablet = await device(browser, TABLET, 'associate');
  await second_tablet.page.goto('/pickups');
  await hydrated(second_tablet.page);
  await expect(second_tablet.page.locator('.live-badge')).toHaveText('En direct');
  const kiosk = await device(browser, KIOSK, 'kiosk');
  await kiosk.page.goto('/kiosk/pickup');
  await hydrated(kiosk.page);
  await kiosk.page.getByLabel('Votre code de retrait (8 chiffres)').fill(code);
  await kiosk.page.getByRole('button', { name: 'Je suis arrivé(e)' }).click();
  await expect(kiosk.page.getByText('Merci, nous avons bien noté votre arrivée !')).toBeVisible();
  await expect(kiosk.page.getByText(reference)).toHaveCount(0);
  await noSeriousViolations(kiosk.page, 'kiosk check-in');
  const waiting = card(second_tablet.page, 'waiting', reference);
  await expect(waiting).toBeVisible({ timeout: 1_500 });
  await expect(waiting).toContainText('emplacement B12');
  await waiting.getByRole('button', { name: "Je m'en occupe" }).click();
  await expect(card(second_tablet.page, 'ready', reference)).toBeVisible();

  // The manager's PC watches the stock of the item handed over.
  const pc = await device(browser, DESKTOP, 'manager');
  await pc.page.goto(`/stock/${first}`);
  await hydrated(pc.page);
  await expect(pc.page.locator('.live-badge')).toHaveText('En direct');
  const before = await level(request, first, 'PAR01');
  const reservedCell = pc.page.locator('.stock-table tr[data-location="PAR01"] [data-col="reserved"]');
  await expect(reservedCell).toContainText(String(before.reserved));

  // Handed over in part: the first item now, the second stays on the shelf.
  await second_tablet.page.getByRole('link', { name: `Ouvrir la commande ${reference}` }).click();
  await expect(second_tablet.page.getByRole('heading', { name: 'Remise au client' })).toBeVisible();
  await hydrated(second_tablet.page);
  const takes = second_tablet.page.locator('.take-lines input[type="number"]');
  await expect(takes).toHaveCount(2);
  const secondLine = second_tablet.page.getByRole('spinbutton', { name: /À remettre :/ }).nth(1);
  await secondLine.fill('0');
  await second_tablet.page.getByLabel('Code de retrait du client').fill('00000000' === code ? '11111111' : '00000000');
  await second_tablet.page.getByRole('button', { name: 'Remettre au client' }).click();
  await expect(second_tablet.page.getByText(`Ce code n'est pas le code de retrait de la commande ${reference}`)).toBeVisible();
  await second_tablet.page.getByLabel('Code de retrait du client').fill(code);
  await second_tablet.page.getByRole('button', { name: 'Remettre au client' }).click();
  await expect(second_tablet.page.getByText(`il reste 1 article(s) de la commande ${reference} en rayon`)).toBeVisible();
  await expect(reservedCell).toContainText(String(before.reserved - 1), { timeout: 1_500 });
  const after = await level(request, first, 'PAR01');
  expect(after.on_hand).toBe(before.on_hand - 1);
  await noSeriousViolations(second_tablet.page, 'handover');

  const partial = await (await request.get(`/api/v1/orders/${reference}`, { headers: { Authorization: `Bearer ${API_KEY}` } })).json();
  expect(partial.status).toBe('partially_collected');
  expect(partial.fulfilments[0].lines.map((l: any) => l.handed_over_quantity).sort()).toEqual([0, 1]);
  for (const d of [tablet, second_tablet, kiosk, pc]) await d.context.close();
});

test('the manager gives a late order a new date and sees another expire', async ({ browser }) => {
  const pc = await device(browser, DESKTOP, 'manager');
  await pc.page.goto('/pickups');
  await hydrated(pc.page);
  const board = pc.page.locator('.board');
  await expect(board.getByRole('heading', { name: /Date limite dépassée \(\d+\)/ })).toBeVisible();
  // The demo's order past its collect-by date, within the grace.
  const overdue = board.locator('.pickup-card').filter({ has: pc.page.getByRole('button', { name: 'Prolonger' }) }).first();
  const reference = (await overdue.getAttribute('data-reference')) as string;
  const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await overdue.getByLabel(`Nouvelle date limite pour ${reference}`).fill(inThreeDays);
  await overdue.getByRole('button', { name: 'Prolonger' }).click();
  await expect(pc.page.getByText(`Commande ${reference} : à retirer désormais avant le`)).toBeVisible();
  // The one past the grace was closed by the expiry job: its stock is back.
  await expect(board.getByRole('heading', { name: /Expirées cette semaine \([1-9]\d*\)/ })).toBeVisible();
  await noSeriousViolations(pc.page, 'manager board');
  await pc.context.close();
});
