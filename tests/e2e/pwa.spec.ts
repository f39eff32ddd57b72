/**
 * Installable and offline: Chromium's own installability verdict, the manifest's icons, the service worker
 * taking the page and serving it with no network, the update offer, and the capability panel.
 */
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Waits until a service worker controls the page, i.e. everything is precached. */
async function waitForOffline(page: Page) {
	await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 60_000 });
	await expect(page.getByTestId('online-status')).toHaveText(/ready to work offline/);
}

test('Chromium finds the app installable and the manifest icons load', async ({
	playwright,
	launchOptions,
	baseURL
}) => {
	// Chromium never offers to install from an incognito profile, which every normal test context is.
	const profile = mkdtempSync(join(tmpdir(), 'folk-pwa-'));
	const context = await playwright.chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
	const watch = { consoleErrors: [] as string[], foreignRequests: [] as string[] };
	const origin = new URL(baseURL!).origin;
	context.on('request', (r) => {
		if (/^https?:/.test(r.url()) && new URL(r.url()).origin !== origin) watch.foreignRequests.push(r.url());
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		page.on('console', (m) => m.type() === 'error' && watch.consoleErrors.push(m.text()));
		page.on('pageerror', (e) => watch.consoleErrors.push(e.message));
		await page.goto('/');
		await waitForOffline(page);
		const cdp = await context.newCDPSession(page);
		const manifest = await cdp.send('Page.getAppManifest');
		expect(manifest.errors, 'manifest parse errors').toEqual([]);
		const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
		expect(installabilityErrors).toEqual([]);

		const icons = await page.evaluate(async (manifestUrl) => {
			const m = await (await fetch(manifestUrl)).json();
			return Promise.all(
				m.icons.map(async (icon: { src: string; sizes: string }) => {
					const url = new URL(icon.src, manifestUrl).href;
					const r = await fetch(url, { cache: 'no-store' });
					const bitmap = await createImageBitmap(await r.blob());
					return {
						src: icon.src,
						declared: icon.sizes,
						status: r.status,
						type: r.headers.get('content-type'),
						actual: `${bitmap.width}x${bitmap.height}`
					};
				})
			);
		}, manifest.url);
		expect(icons.length).toBeGreaterThanOrEqual(3);
		for (const icon of icons) {
			expect(icon.status, icon.src).toBe(200);
			expect(icon.type, icon.src).toBe('image/png');
			expect(icon.actual, icon.src).toBe(icon.declared);
		}
		expect(watch.foreignRequests).toEqual([]);
		expect(watch.consoleErrors).toEqual([]);
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
});

test('after one online visit the app opens and works with no network', async ({ page, context, watch }) => {
	await page.goto('/');
	await waitForOffline(page);
	await context.setOffline(true);
	try {
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Folk Melody Studio');
		await expect(page.getByTestId('online-status')).toHaveText(/Offline/);
		// The worker's script came from the cache too: the capability probes found nothing missing.
		await expect(page.getByTestId('capabilities-checked')).toHaveText('true', { timeout: 90_000 });
		await expect(page.getByTestId('capability-panel')).toHaveCount(0);
		// A link with a query (as a launcher or a share might open) still gets the shell.
		await page.goto('/?source=pwa');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Folk Melody Studio');
		// A path the app never had lands on the shell instead of the browser's offline page.
		await page.goto('/no/such/page');
		await expect(page).toHaveURL(/\/$/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Folk Melody Studio');
	} finally {
		await context.setOffline(false);
	}
	expect(watch.foreignRequests).toEqual([]);
});
