/**
 * The fast LSTM's cell modes (see lstm-kernels.ts `cellMode`) against each other, per backend, in Node
 * and in the app's worker in headless Chromium: best-of milliseconds of one forward and one backward
 * pass of LSTM(256) over a batch of 64 (64 steps on cpu/wasm, 16 on the emulated GPUs), symbol-id input.
 * This is how the default mode of each backend was chosen. `BENCH_QUICK=1` times fewer repeats;
 * `BENCH_CHROMIUM=0` skips the browser; `BENCH_BACKENDS=wasm,webgpu` times only those backends.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { timeFastLstm, type LstmTiming, type LstmTimingCase } from '../src/lib/lab/bench-core';
import { withAppWorker } from './app-worker';
import { defaultCellMode, type CellMode } from '../src/lib/train/lstm-kernels';

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_BACKENDS?.split(',') ?? null;
const wanted = (backend: string) => !only || only.includes(backend);

/** Modes each backend has kernels for. */
const MODES: Record<string, CellMode[]> = {
	cpu: ['fused', 'hybrid', 'generic'],
	wasm: ['fused', 'hybrid', 'generic'],
	webgl: ['generic'],
	webgpu: ['fused', 'generic']
};

function cases(backend: string): LstmTimingCase[] {
	const gpu = backend === 'webgl' || backend === 'webgpu';
	return MODES[backend].map((mode) => ({
		units: 256,
		batch: 64,
		steps: gpu ? 16 : 64,
		vocabulary: 38,
		mode,
		repeats: gpu || quick ? 2 : 4
	}));
}

interface Row extends LstmTiming {
	where: string;
}

/** `diagnostics/lstm-time` in the app's own worker, one fresh page and worker per backend. */
async function browser(rows: Row[]): Promise<string[]> {
	const notes: string[] = [];
	const skipped = await withAppWorker(
		'diagnostics/lstm-time',
		4178,
		async ({ browser: app, origin, workerUrl }) => {
			for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'].filter(wanted)) {
				const page = await app.newPage();
				page.setDefaultTimeout(0);
				try {
					await page.goto(`${origin}/`);
					const out = await page.evaluate(
						async ({ url, backend, cases }) => {
							const worker = new Worker(url, { type: 'module' });
							const results: { timing?: LstmTiming; error?: string }[] = [];
							await new Promise<void>((resolve) => {
								worker.onmessage = (e) => {
									const m = e.data;
									if (m.type === 'diagnostics/lstm-time-result') results.push(m);
									if (m.type === 'done') resolve();
									if (m.type === 'error') {
										results.push({ error: m.message });
										resolve();
									}
								};
								worker.postMessage({ type: 'diagnostics/lstm-time', id: 't', backend, cases });
							});
							worker.terminate();
							return results;
						},
						{ url: workerUrl, backend, cases: cases(backend) }
					);
					for (const m of out) {
						if (m.error) notes.push(`Chromium ${backend}: skipped (${m.error})`);
						if (m.timing) {
							rows.push({ where: 'chromium', ...m.timing });
							console.log(line({ where: 'chromium', ...m.timing }));
						}
					}
				} catch (e) {
					notes.push(`Chromium ${backend}: failed (${(e as Error).message.split('\n')[0]})`);
				} finally {
					await page.close().catch(() => {});
				}
			}
		}
	);
	return typeof skipped === 'string' ? [skipped] : notes;
}

function line(r: Row): string {
	return (
		`${r.where.padEnd(9)} ${r.backend.padEnd(7)} ${r.modeActive.padEnd(8)} T=${String(r.steps).padEnd(3)} ` +
		`forward ${r.forwardMs.toFixed(0).padStart(6)} ms  backward ${r.backwardMs.toFixed(0).padStart(6)} ms  ` +
		`total ${(r.forwardMs + r.backwardMs).toFixed(0).padStart(6)} ms`
	);
}

export default async function (): Promise<void> {
	console.log('LSTM(256), batch 64, ids of 38 symbols; best of the timed repeats after one warm-up');
	const rows: Row[] = [];
	for (const backend of ['wasm', 'cpu'].filter(wanted)) {
		await tf.setBackend(backend);
		await tf.ready();
		for (const c of cases(backend)) {
			const r: Row = { where: 'node', ...(await timeFastLstm(c)) };
			rows.push(r);
			console.log(line(r));
		}
	}
	const notes = process.env.BENCH_CHROMIUM === '0' ? [] : await browser(rows);
	console.log('\nfastest mode per place and backend (the default there is marked *):');
	const groups = new Map<string, Row[]>();
	for (const r of rows)
		groups.set(`${r.where} ${r.backend}`, [...(groups.get(`${r.where} ${r.backend}`) ?? []), r]);
	for (const [k, g] of groups) {
		const best = g.reduce((a, b) => (a.forwardMs + a.backwardMs <= b.forwardMs + b.backwardMs ? a : b));
		const all = g
			.map(
				(r) =>
					`${r.modeActive}${r.modeActive === defaultCellMode(r.backend) ? '*' : ''} ${(r.forwardMs + r.backwardMs).toFixed(0)} ms`
			)
			.join(', ');
		console.log(`  ${k.padEnd(16)} fastest ${best.modeActive}: ${all}`);
	}
	for (const n of notes) console.log(n);
}
