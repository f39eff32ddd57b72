/**
 * `npm run screenshots`: photographs the real app for the README, so the pictures stay current. Serves
 * the build with `vite preview` (PORT, default 4175), opens headless Chromium on a fresh profile and
 * writes docs/screenshots/*.png: the first screen with a melody, the Train stage on the demo corpus, and
 * the phone layout.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../tests/chromium';

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs', 'screenshots');
const port = Number(process.env.PORT ?? 4175);
const origin = `http://localhost:${port}`;

async function waitFor(url: string): Promise<void> {
	for (let i = 0; i < 200; i++) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 300));
	}
	throw new Error(`the preview server did not answer at ${url}`);
}

/** Writes one melody on the first screen (no sound is needed for a picture). */
async function melody(page: Page) {
	await page.getByRole('button', { name: 'Generate', exact: true }).click();
	await page.getByTestId('piano-roll').waitFor();
	const stop = page.locator('#generate').getByRole('button', { name: 'Stop', exact: true });
	if (await stop.isVisible()) await stop.click();
}

async function main() {
	if (!existsSync(join(root, 'build', 'index.html'))) throw new Error('no build/: run `npm run build` first');
	mkdirSync(out, { recursive: true });
	const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
	const server = spawn(process.execPath, [vite, 'preview', '--port', String(port), '--strictPort'], {
		cwd: root,
		stdio: 'ignore',
		detached: true // its own process group, stopped as a whole below
	});
	// A server that cannot take the port exits at once: never photograph another app that holds it.
	let exited = false;
	server.on('exit', () => (exited = true));
	const browser = await chromium.launch(chromiumLaunchOptions());
	try {
		await waitFor(`${origin}/`);
		await new Promise((r) => setTimeout(r, 500));
		if (exited) throw new Error(`port ${port} is taken: set PORT to a free one`);
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await page.goto(origin);
		await page.getByTestId('model-picker').waitFor();
		await melody(page);
		await page.evaluate(() => window.scrollTo(0, 0));
		await page.screenshot({ path: join(out, 'first-screen.png') });

		await page.getByRole('button', { name: 'Load demo corpus' }).click();
		await page.getByRole('region', { name: /Summary of/ }).waitFor({ timeout: 60_000 });
		const train = page.locator('#train');
		await train.scrollIntoViewIfNeeded();
		for (const preset of ['quick', 'balanced', 'best'])
			await train
				.getByTestId(`estimate-${preset}`)
				.filter({ hasText: /about/ })
				.waitFor({ timeout: 120_000 });
		await train.screenshot({ path: join(out, 'train.png') });

		const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
		await phone.goto(origin);
		await phone.getByTestId('model-picker').waitFor();
		await melody(phone);
		await phone.evaluate(() => window.scrollTo(0, 0));
		await phone.screenshot({ path: join(out, 'phone.png') });
		console.log(`wrote first-screen.png, train.png and phone.png to ${out}`);
	} finally {
		await browser.close();
		if (server.pid && !exited) process.kill(-server.pid);
	}
}

await main();
