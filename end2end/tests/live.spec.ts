import { test, expect } from '@playwright/test';
import net from 'node:net';
import { DESKTOP, TABLET, device, hydrated, postMovement, signIn, stockOf } from './helpers';

const SKU = 'JUP-0001-SAU-XS';

function cell(page: import('@playwright/test').Page, location: string, column: string) {
  return page.locator(`.stock-table tr[data-location="${location}"] [data-col="${column}"]`);
}

test('a movement posted elsewhere shows on two open screens without reload', async ({ browser, request }) => {
  const tablet = await device(browser, TABLET, 'associate');
  const pc = await device(browser, DESKTOP, 'manager');
  for (const { page } of [tablet, pc]) {
    await page.goto(`/stock/${SKU}`);
    await hydrated(page);
    await expect(page.locator('.live-badge')).toHaveText('En direct');
  }
  const before = await stockOf(request, SKU);
  const paris = before.locations.find((l: any) => l.location_id === 'PAR01');
  const lyon = before.locations.find((l: any) => l.location_id === 'LYO01');

  // A web sale at Lyon and a delivery in Paris, through the API.
  if (lyon.available > 0) {
    await postMovement(request, { sku: SKU, location_id: 'LYO01', kind: 'sale', quantity: 1 });
  }
  await postMovement(request, { sku: SKU, location_id: 'PAR01', kind: 'receipt', quantity: 3 });
  const lyonAfter = lyon.available > 0 ? lyon.on_hand - 1 : lyon.on_hand;

  for (const { page } of [tablet, pc]) {
    await expect(cell(page, 'PAR01', 'on-hand')).toHaveText(String(paris.on_hand + 3), { timeout: 1_000 });
    await expect(cell(page, 'LYO01', 'on-hand')).toHaveText(String(lyonAfter), { timeout: 1_000 });
  }
  // The grid of this shop's availability follows too.
  await expect(tablet.page.locator(`.variant-grid a[data-sku="${SKU}"]`)).toHaveText(String(paris.available + 3));
  await tablet.context.close();
  await pc.context.close();
});

test('after the network drops, the page reconnects and catches up', async ({ browser, request, baseURL }) => {
  const sku = 'PAN-0001-NOI-S';
  // The tablet reaches the server through a link we can cut, like Wi-Fi.
  const link = await startLink(Number(new URL(baseURL!).port));
  const context = await browser.newContext({ ...TABLET, baseURL: `http://127.0.0.1:${link.port}` });
  const page = await context.newPage();
  await signIn(page, 'associate');
  await page.goto(`/stock/${sku}`);
  await hydrated(page);
  const badge = page.locator('.live-badge');
  await expect(badge).toHaveText('En direct');
  const before = await stockOf(request, sku);
  const paris = before.locations.find((l: any) => l.location_id === 'PAR01');

  link.cut();
  await expect(badge).toHaveText('Reconnexion…');
  // Changes made while this tablet is offline...
  await postMovement(request, { sku, location_id: 'PAR01', kind: 'receipt', quantity: 2 });
  await postMovement(request, { sku, location_id: 'PAR01', kind: 'adjustment', quantity: -1, reason: 'Damaged' });
  await page.waitForTimeout(500);
  await expect(cell(page, 'PAR01', 'on-hand')).toHaveText(String(paris.on_hand));

  // ...are on screen soon after it is back, with no reload.
  link.restore();
  await expect(badge).toHaveText('En direct', { timeout: 10_000 });
  await expect(cell(page, 'PAR01', 'on-hand')).toHaveText(String(paris.on_hand + 1));
  await context.close();
  link.close();
});

/** A TCP relay to the server that can drop every connection and refuse new ones. */
async function startLink(targetPort: number) {
  let down = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
