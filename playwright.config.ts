import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright';

/** Chromium, in this order: CHROMIUM_PATH, Debian's /usr/bin/chromium, Playwright's own download. */
function findChromium(): string | undefined {
	const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'];
	for (const c of candidates) if (c && existsSync(c)) return c;
	let own: string | undefined;
	try {
		own = chromium.executablePath();
	} catch {
		own = undefined;
	}
	if (own && existsSync(own)) return undefined; // Playwright finds its own.
	console.error(
		'No Chromium found: install one with `apt-get install -y chromium`, or `npx playwright install chromium`, or set CHROMIUM_PATH.'
	);
	process.exit(1);
}

const executablePath = findChromium();
/** Port of the preview server; E2E_PORT lets two checkouts test side by side. */
const port = Number(process.env.E2E_PORT ?? 4173);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 240_000,
	expect: { timeout: 30_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	use: {
		baseURL: `http://localhost:${port}`,
		trace: 'off',
		launchOptions: {
			executablePath,
			args: [
				...(isRoot ? ['--no-sandbox'] : []),
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic',
				'--enable-unsafe-webgpu',
				'--enable-unsafe-swiftshader'
			]
		}
	},
	webServer: {
		command: `npx vite preview --port ${port} --strictPort`,
		url: `http://localhost:${port}`,
		reuseExistingServer: !process.env.CI,
		timeout: 60_000
	}
});
