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
		serviceWorker: { register: false }
	}
};

export default config;
