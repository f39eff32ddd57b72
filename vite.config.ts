import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	worker: { format: 'es' },
	// Plugin timings are noise in CI logs.
	build: { rolldownOptions: { checks: { pluginTimings: false } } },
	server: { port: 5173 },
	preview: { port: 4173, strictPort: true },
	test: {
		include: ['tests/lib/**/*.test.ts', 'tests/cli/**/*.test.ts', 'tests/fuzz/**/*.test.ts'],
		environment: 'node',
		testTimeout: 120_000,
		hookTimeout: 120_000,
		pool: 'forks'
	}
});
