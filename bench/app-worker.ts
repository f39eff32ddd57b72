/**
 * The browser side of the benchmarks: serve `build/` with `vite preview`, open headless Chromium, and
 * find the built worker script that handles a given request type, so a bench can post to the app's own
 * worker exactly as the page does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { chromium, type Browser } from 'playwright';
import { repoRoot } from '../tests/shared';
import { chromiumLaunchOptions } from '../tests/chromium';

async function waitFor(url: string, ms: number): Promise<void> {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 300));
	}
	throw new Error(`the preview server did not answer at ${url}`);
}

/** What `withAppWorker` hands a bench: the browser, the app's origin and the worker's path. */
export interface AppWorker {
	browser: Browser;
	origin: string;
	/** Path of the built worker script, to `new Worker(url, { type: 'module' })` on an app page. */
	workerUrl: string;
}

/**
 * Runs `fn` with the built app served on `port` (`BENCH_PORT` overrides it, so that two checkouts can
 * bench side by side without one timing the other's build); cleans up the server and the browser afterwards.
 * Returns a sentence instead when there is no build or the build's worker lacks `requestType`.
 */
export async function withAppWorker<T>(
	requestType: string,
	port: number,
	fn: (app: AppWorker) => Promise<T>
): Promise<T | string> {
	port = Number(process.env.BENCH_PORT ?? port);
	const dir = join(repoRoot, 'build', '_app', 'immutable', 'workers');
	if (!existsSync(dir)) return 'Chromium: no build/ (run `npm run build` first); skipped';
	// The studio worker loads diagnostics handlers on demand, from a chunk of its own.
	const workerFile = readdirSync(dir).find((f) => /^studio\.worker-.*\.js$/.test(f));
	const handled = [dir, join(dir, 'chunks')].some(
		(d) =>
			existsSync(d) &&
			readdirSync(d).some((f) => f.endsWith('.js') && readFileSync(join(d, f), 'utf8').includes(requestType))
	);
	if (!workerFile || !handled) return `Chromium: the built worker has no ${requestType} (rebuild); skipped`;
	const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
		cwd: repoRoot,
		stdio: 'ignore',
		// Its own process group, so that the vite child dies with npx (killing npx alone left it serving).
		detached: true
	});
	const browser = await chromium.launch(chromiumLaunchOptions());
	try {
		const origin = `http://localhost:${port}`;
		await waitFor(`${origin}/`, 60_000);
		return await fn({ browser, origin, workerUrl: `/_app/immutable/workers/${workerFile}` });
	} finally {
		await browser.close();
		if (server.pid) process.kill(-server.pid);
	}
}
