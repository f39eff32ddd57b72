import { describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../shared';

const staticDir = join(repoRoot, 'static');
const manifest = JSON.parse(readFileSync(join(staticDir, 'manifest.webmanifest'), 'utf8'));

interface Icon {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
}

/** Width, height, bit depth and colour type from a PNG's signature and IHDR chunk. */
function pngHeader(file: string) {
	const b = readFileSync(file);
	const signature = b.subarray(0, 8).toString('hex');
	return {
		signature,
		chunk: b.subarray(12, 16).toString('ascii'),
		width: b.readUInt32BE(16),
		height: b.readUInt32BE(20),
		colourType: b[25]
	};
}

/** The page's colours, read from its stylesheet, so the manifest cannot drift from them. */
function pageColour(name: string): string {
	const page = readFileSync(join(repoRoot, 'src', 'ui', 'app.css'), 'utf8');
	const m = page.match(new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`));
	if (!m) throw new Error(`--${name} not found in src/ui/app.css`);
	return m[1].toLowerCase();
}

describe('web app manifest', () => {
	test('names the app, opens standalone and works at any base path', () => {
		expect(manifest.name).toBe('Folk Melody Studio');
		expect(manifest.short_name.length).toBeGreaterThan(0);
		expect(manifest.short_name.length).toBeLessThanOrEqual(12);
		expect(manifest.description.length).toBeGreaterThan(20);
		expect(manifest.display).toBe('standalone');
		for (const key of ['start_url', 'scope', 'id']) {
			expect(manifest[key], key).toBe('./');
		}
	});

	test('uses the page palette', () => {
		expect(manifest.theme_color.toLowerCase()).toBe(pageColour('accent'));
		expect(manifest.background_color.toLowerCase()).toBe(pageColour('bg'));
		const html = readFileSync(join(repoRoot, 'src', 'app.html'), 'utf8');
		expect(html).toContain(`<meta name="theme-color" content="${pageColour('accent')}"`);
		expect(html).toContain('rel="manifest"');
	});

	test('declares 192 and 512 px icons for any use and a maskable one', () => {
		const icons: Icon[] = manifest.icons;
		const any = icons.filter((i) => (i.purpose ?? 'any').split(' ').includes('any'));
		const maskable = icons.filter((i) => (i.purpose ?? '').split(' ').includes('maskable'));
		expect(any.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
		expect(maskable.length).toBeGreaterThan(0);
		for (const i of icons) expect(i.src.startsWith('/'), `${i.src} must be relative`).toBe(false);
	});

	test('every icon file exists as a PNG of the declared size', () => {
		const icons: Icon[] = manifest.icons;
		for (const icon of icons) {
			const file = join(staticDir, icon.src);
			expect(existsSync(file), icon.src).toBe(true);
			const h = pngHeader(file);
			expect(icon.type).toBe('image/png');
			expect(h.signature).toBe('89504e470d0a1a0a');
			expect(h.chunk).toBe('IHDR');
			expect(`${h.width}x${h.height}`).toBe(icon.sizes);
		}
	});

	test('the apple touch icon is a 180 px PNG', () => {
		const html = readFileSync(join(repoRoot, 'src', 'app.html'), 'utf8');
		const m = html.match(/rel="apple-touch-icon" href="%sveltekit\.assets%\/([^"]+)"/);
		expect(m).not.toBeNull();
		const h = pngHeader(join(staticDir, m![1]));
		expect([h.width, h.height]).toEqual([180, 180]);
	});
});
