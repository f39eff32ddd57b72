/**
 * How every browser run here launches Chromium: the Playwright config, and the benchmarks that drive a
 * browser themselves. One place, so a flag needed on these machines is never missing from one of them.
 */
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from 'playwright';

/**
 * Chromium, in this order: CHROMIUM_PATH, Debian's /usr/bin/chromium, Playwright's own download
 * (undefined: Playwright finds it). With none, exits with one line that says how to install one.
 */
export function findChromium(): string | undefined {
	for (const c of [process.env.CHROMIUM_PATH, '/usr/bin/chromium']) if (c && existsSync(c)) return c;
	let own: string | undefined;
	try {
		own = chromium.executablePath();
	} catch {
		own = undefined;
	}
	if (own && existsSync(own)) return undefined;
	console.error(
		'No Chromium found: install one with `apt-get install -y chromium`, or `npx playwright install chromium`, or set CHROMIUM_PATH.'
	);
	process.exit(1);
}

/** Launch options: no sandbox as root, no calls home, WebGPU on the software adapter. */
export function chromiumLaunchOptions(): LaunchOptions {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	return {
		executablePath: findChromium(),
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
	};
}
