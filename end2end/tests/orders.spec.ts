import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, KIOSK, TABLET, device, hydrated, stockOf } from './helpers';

// Each scenario works in a shop of its own (its associate's basket is
// theirs alone), so that they never meet the other files' baskets.

function cell(page: Page, location: string, column: string) {
  return page.locator(`.stock-table tr[data-location="${location}"] [data-col="${column}"]`);
}

function basketLine(page: Page, sku: string) {
  return page.locator(`.basket-line[data-sku="${sku}"]`);
}

async function addToBasket(page: Page, sku: string) {
  await page.goto(`/stock/${sku}`);
  await hydrated(page);
  await page.getByLabel('Quantité à ajouter').fill('1');
  await page.getByRole('button', { name: 'Ajouter au panier' }).click();
  await expect(page.getByText('Ajouté au panier.')).toBeVisible();
}

async function noSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

test('a mixed basket is one order, and a second screen sees the stock move within a second', async ({ browser, request }) => {
  const carry = 'BLO-0001-BLA-XL';
  const ship = 'BLO-0001-GRI-XL';
  const collect = 'BLO-0002-ROS-M';
  const tablet = await device(browser, TABLET, 'associate.mrs01');
  const page = tablet.page;
  for (const sku of [carry, ship, collect]) {
    await addToBasket(page, sku);
  }
  await page.goto('/basket');
  await hydrated(page);
  await expect(basketLine(page, carry)).toHaveAttribute('data-fulfilment', 'carry');

  const shipped = basketLine(page, ship);
  await shipped.getByLabel('Mode de retrait').selectOption({ label: 'Livraison à domicile' });
  await shipped.getByRole('button', { name: 'Mettre à jour' }).click();
  await expect(basketLine(page, ship)).toHaveAttribute('data-fulfilment', 'ship');
  await expect(basketLine(page, ship).locator('[data-source]')).toContainText('Entrepôt Orléans-Saran');

  const collected = basketLine(page, collect);
  await collected.getByLabel('Mode de retrait').selectOption({ label: 'Retrait en magasin' });
  await collected.getByRole('button', { name: 'Mettre à jour' }).click();
  await expect(basketLine(page, collect)).toHaveAttribute('data-fulfilment', 'collect');
  await basketLine(page, collect).getByLabel('Magasin de retrait').selectOption({ label: "Lyon Presqu'île (Lyon)" });
  await basketLine(page, collect).getByRole('button', { name: 'Mettre à jour' }).click();
  await expect(basketLine(page, collect).locator('[data-source]')).toContainText("Lyon Presqu'île");

  await page.getByLabel('E-mail pour la confirmation').fill('mixte.e2e@example.fr');
  await page.getByRole('button', { name: 'Enregistrer le contact' }).click();
  await expect(page.getByText('confirmation à mixte.e2e@example.fr')).toBeVisible();
  await page.getByLabel('Nom du destinataire').fill('Inès Moreau');
  await page.getByLabel('Rue').fill('8 rue Paradis');
  await page.getByLabel('Code postal').fill('13001');
  await page.getByLabel('Ville').fill('Marseille');
  await page.getByRole('button', { name: "Enregistrer l'adresse" }).click();
  await expect(page.getByLabel('Code postal')).toHaveValue('13001');
  await noSeriousViolations(page, 'basket');

  // A second screen watches the warehouse's figure of the shipped item.
  const pc = await device(browser, DESKTOP, 'manager.mrs01');
  await pc.page.goto(`/stock/${ship}`);
  await hydrated(pc.page);
  await expect(pc.page.locator('.live-badge')).toHaveText('En direct');
  const before = (await stockOf(request, ship)).locations.find((l: any) => l.location_id === 'WH-ORL');
  await expect(cell(pc.page, 'WH-ORL', 'reserved')).toHaveText(String(before.reserved));

  await page.getByLabel('Référence du terminal ou de la carte cadeau').fill('TPE-MIX-1');
  await page.getByRole('button', { name: 'Valider la commande' }).click();
  const receipt = page.locator('.receipt');
  await expect(receipt).toContainText(/Commande STORE-\d{7} enregistrée/);
  await expect(receipt).toContainText("Emporté aujourd'hui");
  await expect(receipt).toContainText('Livré à domicile, prévu le');
  await expect(receipt).toContainText("À retirer à Lyon Presqu'île");
  await expect(cell(pc.page, 'WH-ORL', 'reserved')).toHaveText(String(before.reserved + 1), { timeout: 1_000 });

  // Why is less available than on hand: the reserved figure says.
  const reference = await receipt.getAttribute('data-order');
  await cell(pc.page, 'WH-ORL', 'reserved').getByRole('button').click();
  const holds = pc.page.locator('#stock-holds');
  await expect(holds).toContainText(reference!);
  await expect(holds).toContainText('livrée à domicile');

  // The order's page: paid, and its confirmation sent by the server's
  // outbox worker (this server logs mail: it has no SMTP_URL).
  await holds.getByRole('link', { name: reference! }).click();
  await expect(pc.page.getByRole('heading', { name: `Commande ${reference}` })).toBeVisible();
  await expect(pc.page.locator('[data-payment="paid"]')).toHaveText('Paiement : reçu.');
  await expect(async () => {
    await pc.page.reload();
    await expect(pc.page.locator('[data-message="sent"]')).toContainText('Confirmation de commande à m', { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await tablet.context.close();
  await pc.context.close();
});

test('a kiosk order is handed to the till by its code and finished on a tablet', async ({ browser }) => {
  const sku = 'BLO-0003-BEI-XL';
  const kiosk = await device(browser, KIOSK, 'kiosk.lyo01');
  const k = kiosk.page;
  await k.goto(`/kiosk/${sku}`);
  await hydrated(k);
  await expect(k.getByRole('heading', { name: 'Commander cet article' })).toBeVisible();
  await k.getByLabel('Retrait dans ce magasin').check();
  await k.getByRole('button', { name: 'Ajouter à ma commande' }).click();
  await expect(k.getByText('Ajouté à votre commande.')).toBeVisible();
  await k.getByRole('link', { name: 'Voir ma commande' }).click();
  await expect(k.getByRole('heading', { name: 'Ma commande', level: 1 })).toBeVisible();
  await hydrated(k);
  await expect(k.locator(`.kiosk-line[data-sku="${sku}"]`)).toContainText('Prévu le');
  await expect(k.getByRole('button', { name: 'Payer en caisse' })).toBeDisabled();
  await k.getByLabel('Votre e-mail').fill('borne.e2e@example.fr');
  await k.getByRole('button', { name: 'Enregistrer mon e-mail' }).click();
  await expect(k.getByRole('button', { name: 'Payer en caisse' })).toBeEnabled();
  await noSeriousViolations(k, 'kiosk order');
  await k.getByRole('button', { name: 'Payer en caisse' }).click();
  await expect(k.getByText('Votre commande vous attend en caisse.')).toBeVisible();
  const code = await k.locator('[data-handoff-code]').getAttribute('data-handoff-code');
  expect(code).toMatch(/^[34679ACDEFGHJKMNPQRTUVWXY]{6}$/);
  const qr = k.getByRole('img', { name: /QR code de votre commande/ });
  await expect(qr).toBeVisible();
  // The image loads after it is laid out: wait for its pixels.
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);

  const tablet = await device(browser, TABLET, 'associate.lyo01');
  const t = tablet.page;
  await t.goto('/basket');
  await hydrated(t);
  await t.getByLabel('Code du panier').fill(`PANIER-${code}`);
  await t.getByRole('button', { name: 'Ouvrir le panier' }).click();
  await expect(basketLine(t, sku)).toBeVisible();
  await expect(t.getByText('confirmation à borne.e2e@example.fr')).toBeVisible();
  await t.getByLabel('Espèces').check();
  await t.getByRole('button', { name: 'Valider la commande' }).click();
  await expect(t.locator('.receipt')).toContainText(/Commande KIOSK-\d{7} enregistrée/);
  // The code served once: typed again, it opens nothing.
  await t.getByLabel('Code du panier').fill(code!);
  await t.getByRole('button', { name: 'Ouvrir le panier' }).click();
  await expect(t.getByRole('alert')).toContainText(code!.slice(0, 3));
  await kiosk.context.close();
  await tablet.context.close();
});

test('a discount beyond the limit goes to the manager, who approves it on the PC', async ({ browser }) => {
  const sku = 'BLO-0004-BEI-XL';
  const tablet = await device(browser, TABLET, 'associate.tls01');
  const t = tablet.page;
  await addToBasket(t, sku);
  await t.goto('/basket');
  await hydrated(t);
  await basketLine(t, sku).getByLabel('Remise (%)').fill('20');
  await basketLine(t, sku).getByRole('button', { name: 'Mettre à jour' }).click();
  await expect(basketLine(t, sku)).toContainText('un responsable doit la valider');
  await t.getByLabel('E-mail pour la confirmation').fill('remise.e2e@example.fr');
  await t.getByRole('button', { name: 'Enregistrer le contact' }).click();
  await expect(t.getByText('confirmation à remise.e2e@example.fr')).toBeVisible();
  await t.getByRole('button', { name: 'Transmettre à un responsable' }).click();
  const code = await t.locator('[data-handoff-code]').getAttribute('data-handoff-code');
  expect(code).toBeTruthy();

  const pc = await device(browser, DESKTOP, 'manager.tls01');
  const m = pc.page;
  await m.goto('/basket');
  await hydrated(m);
  const waiting = m.getByRole('list', { name: 'Paniers en attente' }).locator('li', { hasText: code!.slice(0, 3) });
  await waiting.getByRole('button', { name: 'Ouvrir' }).click();
  await expect(basketLine(m, sku)).toBeVisible();
  await basketLine(m, sku).getByLabel('Motif de la validation').fill('Cliente fidèle, article retouché');
  await basketLine(m, sku).getByRole('button', { name: 'Valider la remise' }).click();
  await expect(basketLine(m, sku)).toContainText('Remise de 20 % validée par');
  await noSeriousViolations(m, 'basket on the PC');
  await m.getByRole('button', { name: 'Renvoyer en caisse' }).click();
  const back = await m.locator('[data-handoff-code]').getAttribute('data-handoff-code');

  await t.getByLabel('Code du panier').fill(back!);
  await t.getByRole('button', { name: 'Ouvrir le panier' }).click();
  await expect(basketLine(t, sku)).toContainText('Remise de 20 % validée par');
  await t.getByLabel('Espèces').check();
  await t.getByRole('button', { name: 'Valider la commande' }).click();
  await expect(t.locator('.receipt')).toContainText(/Commande STORE-\d{7} enregistrée/);
  await tablet.context.close();
  await pc.context.close();
});

test('a shelf with goods but nothing available explains what holds them', async ({ browser }) => {
  // In the demo data, Paris's only TSH-0004-MAR-XS is reserved for a web order.
  const tablet = await device(browser, TABLET, 'associate.mpl01');
  const t = tablet.page;
  await t.goto('/stock/TSH-0004-MAR-XS');
  await hydrated(t);
  await expect(cell(t, 'PAR01', 'on-hand')).toHaveText('1');
  await expect(cell(t, 'PAR01', 'available')).toHaveText('0');
  const why = cell(t, 'PAR01', 'reserved').getByRole('button', { name: /1 réservé\(s\) à Paris Rivoli : voir pourquoi/ });
  await expect(why).toHaveAttribute('aria-expanded', 'false');
  await why.click();
  await expect(why).toHaveAttribute('aria-expanded', 'true');
  const holds = t.locator('#stock-holds');
  await expect(holds).toContainText('Ce qui retient le stock à Paris Rivoli');
  await expect(holds.getByRole('link', { name: /^WEB-\d{7}$/ })).toBeVisible();
  await expect(holds).toContainText('1 pour une commande');
  await tablet.context.close();
});
