import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'fs';
import AxeBuilder from '@axe-core/playwright';
import { DESKTOP, KIOSK, TABLET, hydrated, signIn, signInInEnglish } from './helpers';

/** The demo chain's first loyalty card (299 + 000000001, check digit 9). */
const FIRST_CARD = '2990000000019';

async function noSeriousViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${label}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
}

/** Creates a customer through the counter's form; returns their profile's path. */
async function createCustomer(page: Page, first: string, last: string, email: string, phone: string) {
  await page.goto('/customers');
  await hydrated(page);
  await page.getByRole('link', { name: 'Nouveau client' }).click();
  await expect(page.getByRole('heading', { name: 'Nouveau client' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Prénom').fill(first);
  await page.getByLabel('Nom', { exact: true }).fill(last);
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Téléphone').fill(phone);
  await page.getByLabel('Code postal').fill('75004');
  await page.getByLabel('Ville').fill('Paris');
  await expect(page.getByLabel('par e-mail')).not.toBeChecked();
  await page.getByRole('button', { name: 'Créer la fiche' }).click();
  await expect(page).toHaveURL(/\/customers\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${first} ${last}`);
  return new URL(page.url()).pathname;
}

test.describe('an associate on a tablet', () => {
  test.use(TABLET);

  test('creates a customer, finds them by phone, adds a note; the manager sees the look', async ({ page, browser }) => {
    await signIn(page, 'associate');
    await hydrated(page);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Clients' }).click();
    await expect(page).toHaveURL(/\/customers$/);
    // Unique per run: the same server may serve the test again.
    const n = String(Date.now() % 100_000_000).padStart(8, '0');
    const phone = `07 ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6, 8)}`;
    const last = `Testeuse${n}`;
    const profile = await createCustomer(page, 'Zoé', last, `zoe.${n}@example.fr`, phone);
    await expect(page.getByText(phone)).toBeVisible();

    // The same phone again is refused, with the way to the customer.
    await page.goto('/customers/new');
    await hydrated(page);
    await page.getByLabel('Prénom').fill('Zoé');
    await page.getByLabel('Nom', { exact: true }).fill('Doublon');
    await page.getByLabel('E-mail', { exact: true }).fill(`autre.${n}@example.fr`);
    await page.getByLabel('Téléphone').fill(`+33 ${phone.slice(1)}`);
    await page.getByRole('button', { name: 'Créer la fiche' }).click();
    await expect(page.getByRole('alert')).toContainText('Un client a déjà ce téléphone');
    await expect(page.getByRole('link', { name: 'Ouvrir la fiche existante' })).toHaveAttribute('href', profile);

    // Found by phone written another way; contacts masked in the list.
    await page.goto('/customers');
    await hydrated(page);
    const box = page.getByLabel('Trouver un client');
    await box.pressSequentially(`+33 ${phone.slice(1, 8)}`, { delay: 20 });
    const result = page.locator('.customer-result', { hasText: `Zoé ${last}` });
    await expect(result).toBeVisible();
    await expect(result).toContainText('z•••@example.fr');
    await expect(result).toContainText(`•• •• •• ${phone.slice(9)}`);
    await expect(result).not.toContainText(`zoe.${n}@example.fr`);
    await result.click();
    await expect(page).toHaveURL(new RegExp(`${profile}$`));

    // A note, kept with its author.
    await hydrated(page);
    await page.getByLabel('Ajouter une note').fill('Cherche une robe pour un mariage');
    await page.getByRole('button', { name: 'Ajouter la note' }).click();
    await expect(page.getByText('Note ajoutée.')).toBeVisible();
    await expect(page.locator('.notes')).toContainText('Cherche une robe pour un mariage');

    // The manager, in the back room, sees who looked.
    const office = await browser.newContext(DESKTOP);
    const manager = await office.newPage();
    await signIn(manager, 'manager');
    await hydrated(manager);
    await manager.getByRole('link', { name: 'Journal des accès' }).click();
    await expect(manager).toHaveURL(/\/access-log/);
    await manager.getByLabel('Membre de l\'équipe').selectOption('associate');
    await manager.getByRole('button', { name: 'Filtrer' }).click();
    const row = manager.locator('tbody tr', { hasText: `Zoé ${last}` }).first();
    await expect(row).toContainText('Fiche ouverte');
    await expect(row).toContainText('Paris Rivoli');
    await manager.goto(profile);
    await expect(manager.getByRole('heading', { name: 'Consultations récentes de cette fiche' })).toBeVisible();
    await noSeriousViolations(manager, 'profile (manager)');
    await office.close();
  });

  test('a scanned loyalty card opens its holder; the timeline opens an order and its stock', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/customers');
    await hydrated(page);
    const box = page.getByLabel('Trouver un client');
    await box.fill(FIRST_CARD);
    await box.press('Enter');
    await expect(page).toHaveURL(/\/customers\/\d+$/);
    await expect(page.getByText(`Carte ${FIRST_CARD}`)).toBeVisible();
    await noSeriousViolations(page, 'profile');
    const profile = page.url();

    // A suggestion says why, and opens its stock.
    const suggestion = page.getByRole('list', { name: 'Va bien avec' }).getByRole('link').first();
    await expect(suggestion).toContainText('client');
    const suggested = await suggestion.getAttribute('data-sku');
    await suggestion.click();
    await expect(page).toHaveURL(new RegExp(`/stock/${suggested}$`));
    await expect(page.getByRole('heading', { name: 'Stock par emplacement' })).toBeVisible();
    await page.goto(profile);
    await hydrated(page);

    // The timeline, filtered by channel, then one order.
    const timeline = page.getByRole('region', { name: 'Historique, tous canaux' });
    const orders = timeline.locator('.order-card');
    await expect(orders.first()).toBeVisible();
    const reference = await orders.first().getAttribute('data-order');
    await orders.first().getByRole('link', { name: reference! }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Commande ${reference}`);
    await expect(page.getByRole('heading', { name: 'Historique de la commande' })).toBeVisible();
    await noSeriousViolations(page, 'order');
    const stockLink = page.locator('tbody tr').first().getByRole('link');
    await expect(stockLink).toContainText('ici');
    await stockLink.click();
    await expect(page).toHaveURL(/\/stock\/[A-Z0-9-]+$/);
    await expect(page.getByRole('heading', { name: 'Stock par emplacement' })).toBeVisible();
  });

  test('the search page is accessible and says when nothing matches', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/customers?q=zzqxw');
    await hydrated(page);
    await expect(page.getByText('Aucun client pour « zzqxw »')).toBeVisible();
    await noSeriousViolations(page, 'customer search');
  });
});

test.describe('a kiosk', () => {
  test.use(KIOSK);
  test('cannot reach any customer page or function', async ({ page }) => {
    await signIn(page, 'kiosk');
    for (const path of ['/customers', '/customers/1', '/orders/WEB-0000001', '/access-log']) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/kiosk$/);
    }
    const answer = await page.request.post('/api/search_customers', { form: { query: 'martin' } });
    expect(answer.status()).toBe(403);
    const profile = await page.request.post('/api/get_customer', { form: { id: '1' } });
    expect(profile.status()).toBe(403);
  });
});

test.describe('without JavaScript', () => {
  test.use({ ...TABLET, javaScriptEnabled: false });
  test('the customer search and profile are rendered by the server', async ({ page }) => {
    await signIn(page, 'associate');
    await page.goto('/customers');
    await page.getByLabel('Trouver un client').fill(FIRST_CARD);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const result = page.locator('.customer-result').first();
    await expect(result).toBeVisible();
    await result.click();
    await expect(page.getByText(`Carte ${FIRST_CARD}`)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Historique, tous canaux' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Va bien avec' })).toBeVisible();
  });
});

test.describe('in English', () => {
  test.use(TABLET);
  test('the profile speaks English, with English money and dates, and errors are worded in English', async ({ page }) => {
    await signInInEnglish(page, 'associate.mrs01');
    await page.goto('/customers');
    await hydrated(page);
    const box = page.getByLabel('Find a customer');
    await box.fill(FIRST_CARD);
    await box.press('Enter');
    await expect(page).toHaveURL(/\/customers\/\d+$/);
    await expect(page.getByText(`Card ${FIRST_CARD}`)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'History, every channel' })).toBeVisible();
    await expect(page.getByText(/^Customer since \d{1,2} [A-Z][a-z]{2} \d{4}$/)).toBeVisible();
    await expect(page.locator('.figures dd').filter({ hasText: /^€[\d,]+\.\d\d$/ }).first()).toBeVisible();
    await noSeriousViolations(page, 'profile (English)');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    await page.goto('/customers/new');
    await hydrated(page);
    await page.getByLabel('First name').fill('Ann');
    await page.getByLabel('Last name').fill('Smith');
    await page.getByLabel('E-mail', { exact: true }).fill('not an address');
    await page.getByRole('button', { name: 'Create the customer' }).click();
    await expect(page.getByRole('alert')).toContainText('is not a valid e-mail address');
    // Leave the account in French for whoever uses it next.
    await page.getByRole('button', { name: 'Français' }).click();
    await expect(page.getByRole('heading', { name: 'Nouveau client' })).toBeVisible();
  });
});

test.describe('a manager', () => {
  test.use(DESKTOP);
  test('downloads everything held about a customer once confirmed', async ({ page }) => {
    await signIn(page, 'manager');
    await page.goto('/customers');
    await hydrated(page);
    await page.getByLabel('Trouver un client').fill(FIRST_CARD);
    await page.getByLabel('Trouver un client').press('Enter');
    await expect(page).toHaveURL(/\/customers\/\d+$/);
    const id = new URL(page.url()).pathname.split('/').pop();
    await page.getByLabel(/Je confirme exporter toutes les données/).check();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Exporter toutes ses données (JSON)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`client-${id}.json`);
    const body = JSON.parse(readFileSync(await file.path(), 'utf8'));
    expect(String(body.customer.id)).toBe(id);
    expect(body.customer.loyalty_card).toBe(FIRST_CARD);
    // Still on the profile, which says who looked, this export included.
    await page.reload();
    const log = page.getByRole('region', { name: 'Consultations récentes de cette fiche' }).first();
    await expect(log.getByText('Données exportées').first()).toBeVisible();
  });
});
