/**
 * Offline start-up: what the service worker precaches (files, bytes), how long a first visit takes until
 * it controls the page, and how long the shell and the worker take to be ready on a reload served from the
 * cache with no network, against a cold load from the network with no service worker, in the same run.
 * Serves the production build in build/ (run `npm run build` first) with Node's own HTTP server.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { chromium, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../tests/chromium';

const RUNS = Number(process.env.PWA_BENCH_RUNS ?? 5);
const TYPES: Record<string, string> = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.png': 'image/png',
	'.svg': 'image/svg+xml',
	'.wasm': 'application/wasm'
};

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/** Time from navigation start until the heading is painted and the worker answered the capability probe. */
async function ready(page: Page): Promise<{ shell: number; worker: number }> {
	const t0 = Date.now();
	await page.getByRole('heading', { level: 1 }).waitFor();
	const shell = Date.now() - t0;
	await page.getByTestId('capabilities-checked').filter({ hasText: 'true' }).waitFor({
		state: 'attached',
		timeout: 120_000
	});
	return { shell, worker: Date.now() - t0 };
}

export default async function bench(): Promise<void> {
	const root = join(process.cwd(), 'build');
	if (!existsSync(join(root, 'service-worker.js'))) {
		console.log('build/ has no service worker: run `npm run build` first.');
		return;
	}
	const server = createServer((req, res) => {
		let file = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
		if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
		if (!file.startsWith(root) || !existsSync(file)) return void res.writeHead(404).end();
		res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
		res.end(readFileSync(file));
	});
	await new Promise<void>((r) => server.listen(0, 'localhost', () => r()));
	const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
	const browser = await chromium.launch(chromiumLaunchOptions());
	try {
		const install: number[] = [];
		const cold: { shell: number; worker: number }[] = [];
		const offline: { shell: number; worker: number }[] = [];
		let cached = { files: 0, bytes: 0 };
		for (let i = 0; i < RUNS; i++) {
			// Cold, from the network, no service worker: the reference for the cached load.
			const plain = await browser.newContext({ serviceWorkers: 'block' });
			const p0 = await plain.newPage();
			const coldStart = p0.goto(url);
			cold.push(await ready(p0));
			await coldStart;
			await plain.close();

			const context = await browser.newContext();
			const page = await context.newPage();
			const t0 = Date.now();
			await page.goto(url);
			await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, {
				timeout: 120_000
			});
			install.push(Date.now() - t0);
			cached = await page.evaluate(async () => {
				const cache = await caches.open((await caches.keys()).find((k) => k.startsWith('folk-studio-'))!);
				let bytes = 0;
				const keys = await cache.keys();
				for (const k of keys) bytes += (await (await cache.match(k))!.arrayBuffer()).byteLength;
				return { files: keys.length, bytes };
			});
			await context.setOffline(true);
			const reload = page.reload();
			offline.push(await ready(page));
			await reload;
			await context.close();
		}
		const mb = (b: number) => (b / 1e6).toFixed(2);
		console.log(`precached: ${cached.files} files, ${mb(cached.bytes)} MB`);
		console.log(`first visit until the service worker controls the page: median ${median(install)} ms`);
		console.log(
			`shell painted: cold from network ${median(cold.map((c) => c.shell))} ms, ` +
				`offline from cache ${median(offline.map((c) => c.shell))} ms`
		);
		console.log(
			`worker answering: cold from network ${median(cold.map((c) => c.worker))} ms, ` +
				`offline from cache ${median(offline.map((c) => c.worker))} ms (median of ${RUNS})`
		);
	} finally {
		await browser.close();
		server.close();
	}
}
