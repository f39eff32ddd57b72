/**
 * The fast LSTM equals tf.layers.lstm on every backend of the real worker in headless Chromium: `cpu`,
 * `wasm` (fused JS kernels and generic ops), `webgl` (generic ops) and `webgpu` on the software adapter
 * (the WGSL cell kernels and generic ops). Forward outputs within 1e-5, gradients within 1e-4 relative, on
 * seeded random inputs, with one-hot ids and dense input, and with song resets and a recurrent dropout
 * mask against an autodiff LSTM; no tensor left behind. One fresh worker per backend.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import type { CheckErrors, CheckResult } from '../../src/lib/lab/lstm-kernels-check';
import type { CellMode } from '../../src/lib/train/lstm-kernels';

/** The built studio worker, when a build has the `diagnostics/lstm-check` handler (a chunk it loads on demand). */
function workerUrl(): string | null {
	const dir = join(process.cwd(), 'build', '_app', 'immutable', 'workers');
	if (!existsSync(dir)) return null;
	const file = readdirSync(dir).find((f) => /^studio\.worker-.*\.js$/.test(f));
	const handled = [dir, join(dir, 'chunks')].some(
		(d) =>
			existsSync(d) &&
			readdirSync(d).some(
				(f) => f.endsWith('.js') && readFileSync(join(d, f), 'utf8').includes('diagnostics/lstm-check')
			)
	);
	return file && handled ? `/_app/immutable/workers/${file}` : null;
}

/**
 * Cell modes per backend: every mode the backend has kernels for. wasm also on a pool of 2 threads (the
 * page is cross-origin isolated), whatever count the app would choose on this machine.
 */
const cases: { backend: string; modes: CellMode[]; threads?: number }[] = [
	{ backend: 'cpu', modes: ['fused', 'hybrid', 'generic'] },
	{ backend: 'wasm', modes: ['fused', 'hybrid', 'generic'] },
	{ backend: 'wasm', modes: ['fused', 'generic'], threads: 2 },
	{ backend: 'webgl', modes: ['generic'] },
	{ backend: 'webgpu', modes: ['fused', 'generic'] }
];

function expectClose(e: CheckErrors, what: string) {
	expect(e.outputs, `${what}: outputs`).toBeLessThan(1e-5);
	for (const k of ['kernel', 'recurrentKernel', 'bias', 'input'] as const)
		if (e[k] !== undefined) expect(e[k], `${what}: ${k} gradient`).toBeLessThan(1e-4);
}

for (const c of cases) {
	const on = `${c.backend}${c.threads ? ` on ${c.threads} threads` : ''}`;
	test(`fast LSTM equals tf.layers.lstm on ${on} in the worker`, async ({ page, watch }) => {
		const url = workerUrl();
		expect(url, 'the built worker has diagnostics/lstm-check (run npm run build)').not.toBeNull();
		await page.goto('/');
		const out = await page.evaluate(
			async ({ url, backend, modes, threads }) => {
				const worker = new Worker(url, { type: 'module' });
				const results: { result?: unknown; error?: string; threads?: number }[] = [];
				await new Promise<void>((resolve) => {
					worker.onmessage = (e) => {
						const m = e.data;
						if (m.type === 'diagnostics/lstm-check-result') results.push(m);
						if (m.type === 'done') resolve();
						if (m.type === 'error') {
							results.push({ error: m.message });
							resolve();
						}
					};
					worker.postMessage({
						type: 'diagnostics/lstm-check',
						id: 'c',
						backend,
						modes,
						seed: backend,
						threads
					});
				});
				worker.terminate();
				return results;
			},
			{ url: url!, backend: c.backend, modes: c.modes, threads: c.threads }
		);
		expect(out.map((m) => m.error ?? null)).toEqual(c.modes.map(() => null));
		if (c.threads) {
			expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
			expect(out.map((m) => m.threads)).toEqual(c.modes.map(() => c.threads));
		}
		const results = out.map((m) => m.result as CheckResult);
		for (const r of results) console.log(JSON.stringify(r));
		c.modes.forEach((mode, i) => {
			const r = results[i];
			expect(r.backend).toBe(c.backend);
			// Fused kernels exist for cpu, wasm (JS) and webgpu (WGSL), the hybrid one for cpu and wasm.
			expect(r.mode).toBe(mode);
			const what = `${on} ${mode}`;
			for (const [k, e] of Object.entries(r.cell ?? {}))
				expect(e, `${what}: one cell step, ${k}`).toBeLessThan(1e-5);
			expectClose(r.layersIds, `${what}, ids vs layers`);
			expectClose(r.layersDense, `${what}, dense vs layers`);
			expectClose(r.resets, `${what}, resets + recurrent mask vs autodiff`);
			expect(r.leaked, `${what}: tensors left behind`).toBe(0);
			console.log(`${what}: ${Math.round(r.milliseconds)} ms`);
		});
		expect(watch.consoleErrors).toEqual([]);
	});
}
