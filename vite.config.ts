import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, PreviewServer, ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Cross-origin isolation from the first visit (shared memory for the wasm backend's threads) on
 * `vite dev`, `vite preview` and `npm start`; the service worker adds the same headers where a host
 * cannot (README). A middleware, because SvelteKit's own serves pages before Vite's `headers` apply.
 */
function crossOriginIsolation(): Plugin {
	// Returns nothing: a returned function would run after the internal middlewares.
	const use = (server: ViteDevServer | PreviewServer): void => {
		server.middlewares.use((_req, res, next) => {
			res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
			res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
			next();
		});
	};
	return { name: 'cross-origin-isolation', configureServer: use, configurePreviewServer: use };
}

/**
 * Two fixes to the threaded build of TensorFlow.js's wasm backend (4.22), applied when it is bundled:
 * - It starts each thread from the source text of its factory function (`toString()` in a Blob), so that
 *   function must not read variables of the module around it. It reads one, `_scriptDir`, behind a
 *   `typeof` guard the minifier drops, and every thread stopped with "e is not defined". The app sets
 *   the script and `.wasm` URLs itself, so both references go.
 * - Its C side caps the pool at half of `emscripten_num_logical_cores()` whatever thread count is asked
 *   for (1 thread on a 2-core machine). That function answers twice the cores here, so the cap becomes
 *   the cores and the count the app asks for (`setThreadsCount`, train/backend.ts) is the one that runs.
 */
function wasmThreadsFixes(): Plugin {
	const edits: [string, string][] = [
		['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
		['Module["mainScriptUrlOrBlob"]||_scriptDir', 'Module["mainScriptUrlOrBlob"]'],
		[
			'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return navigator["hardwareConcurrency"]}',
			'function _emscripten_num_logical_cores(){if(ENVIRONMENT_IS_NODE)return require("os").cpus().length;return 2*navigator["hardwareConcurrency"]}'
		]
	];
	return {
		name: 'wasm-threads-fixes',
		transform(code, id) {
			if (!id.includes('tfjs-backend-wasm-threaded-simd.js') || !code.includes('_scriptDir')) return null;
			let out = code;
			for (const [from, to] of edits) {
				// A new tfjs release must be looked at again, not patched blindly.
				if (!out.includes(from))
					throw new Error(`tfjs-backend-wasm changed: "${from.slice(0, 40)}…" is gone`);
				out = out.replace(from, to);
			}
			if (out.slice(out.indexOf('return (')).includes('_scriptDir'))
				throw new Error('tfjs-backend-wasm changed: its threaded factory still reads _scriptDir');
			return { code: out, map: null };
		}
	};
}

export default defineConfig({
	plugins: [crossOriginIsolation(), wasmThreadsFixes(), sveltekit()],
	worker: { format: 'es', plugins: () => [wasmThreadsFixes()] },
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
