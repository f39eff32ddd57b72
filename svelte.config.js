import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A client-only app: one prerendered shell, no server code at run time.
		adapter: adapter({ fallback: undefined, strict: true }),
		alias: { $ui: 'src/ui' },
		// Registered by src/ui/pwa/pwa.svelte.ts, only in production builds, so the page can offer updates.
		serviceWorker: { register: false },
		// Only the app's own origin. Beyond it: WebAssembly compilation for the wasm backend, blob: workers
		// for Tone.js's clock and tfjs-wasm's threads, blob:/data: images and audio the page makes itself,
		// and inline styles (Svelte's style attributes and transitions). Prerendered, so SvelteKit writes it
		// as a <meta> tag with the hashes of its own inline scripts.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'media-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
