/**
 * Generating 500 symbols.
 * - In the app's worker in headless Chromium (the figure a user feels): the default model through the
 *   real `generate/run` path, beside the reference's LSTM(256) generating the app's way (stateful) and
 *   the reference's way (every symbol re-reads the last 64 from a zero state), same worker, same run.
 * - In Node: stateful against the reference way per backend: plain JS with WebAssembly SIMD products
 *   (`LstmStepModel`, which generation uses), and TensorFlow.js `wasm` and `cpu`, on the reference's own
 *   LSTM(256) from ../shared (else one of the same shape with seeded random weights).
 * The reference way is timed on GEN_BENCH_REF symbols (default 50) and scaled to 500, because it is that
 * slow; GEN_BENCH_REF=500 times it in full. `BENCH_CHROMIUM=0` skips the browser, `BENCH_NODE=0` Node.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { hasShared, shared } from '../tests/shared';
import { importKeras } from '../src/lib/keras/import';
import { KerasStepModel } from '../src/lib/keras/reference';
import { LstmStepModel } from '../src/lib/model/lstm-step';
import type { LstmModelWeights } from '../src/lib/model/types';
import { generate, generateReference } from '../src/lib/generate/generate';
import { TfjsStepModel } from '../src/lib/lab/tfjs-step';
import { mulberry32 } from '../src/lib/generate/random';
import { sampleIndex } from '../src/lib/generate/sample';
import { withAppWorker } from './app-worker';

const N = 500;
const REF = Math.max(1, Math.min(N, Number(process.env.GEN_BENCH_REF ?? 50)));
const SEED = '67 _ 67 _ 67 _ _ 65 64 _ 64 _ 64 _ _'.split(' ');
const SETTINGS = { steps: N, temperature: 0.3, stopAtEnd: false, variations: 1, randomSeed: 42 };

function randomWeights(): LstmModelWeights {
	const r = mulberry32(1);
	const vocab = [...Array.from({ length: 35 }, (_, i) => String(45 + i)), 'r', '_', '/'];
	const fill = (n: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * 0.1);
	const v = vocab.length;
	const u = 256;
	return {
		vocabulary: vocab,
		layers: [
			{ inputSize: v, units: u, kernel: fill(v * 4 * u), recurrentKernel: fill(u * 4 * u), bias: fill(4 * u) }
		],
		denseKernel: fill(u * v),
		denseBias: fill(v)
	};
}

/** The reference's own loop on TensorFlow.js: a Keras-style layers model predicts on each 64-symbol window. */
function referenceTfjs(weights: LstmModelWeights, symbols: number): number {
	const v = weights.vocabulary.length;
	const l = weights.layers[0];
	const model = tf.sequential({
		layers: [
			tf.layers.lstm({
				units: l.units,
				inputShape: [64, v],
				recurrentActivation: 'sigmoid',
				recurrentInitializer: 'glorotUniform'
			}),
			tf.layers.dense({ units: v, activation: 'softmax' })
		]
	});
	model.layers[0].setWeights([
		tf.tensor2d(l.kernel, [v, 4 * l.units]),
		tf.tensor2d(l.recurrentKernel, [l.units, 4 * l.units]),
		tf.tensor1d(l.bias)
	]);
	model.layers[1].setWeights([
		tf.tensor2d(weights.denseKernel, [l.units, v]),
		tf.tensor1d(weights.denseBias)
	]);
	const index = new Map(weights.vocabulary.map((s, i) => [s, i]));
	const slash = index.get('/')!;
	const history = [...Array<number>(64).fill(slash), ...SEED.map((s) => index.get(s)!)];
	const random = mulberry32(42);
	const t0 = performance.now();
	for (let k = 0; k < symbols; k++) {
		const window = history.slice(-64);
		const p = tf.tidy(() => {
			const x = tf.oneHot(tf.tensor1d(window, 'int32'), v).reshape([1, 64, v]);
			return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
		});
		history.push(sampleIndex(p, 0.3, random, new Set([slash])));
	}
	const ms = performance.now() - t0;
	model.dispose();
	return ms;
}

/** Wall-clock ms; the CPU time of the process is printed beside it, since these machines are shared. */
function time(f: () => void, label?: string): number {
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	f();
	const ms = performance.now() - t0;
	if (label) {
		const cpu = process.cpuUsage(c0);
		console.log(
			`  ${label}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`
		);
	}
	return ms;
}

function row(name: string, stateful: number, reference: number, measured: number): void {
	const scaled = (reference * N) / measured;
	console.log(
		`${name.padEnd(9)} stateful ${(stateful / 1000).toFixed(3).padStart(7)} s   reference ${(scaled / 1000).toFixed(1).padStart(7)} s` +
			`${measured < N ? ` (timed on ${measured}, scaled)` : ''}   ratio ${(scaled / stateful).toFixed(0)}×`
	);
}

/** Plain arrays for Playwright's argument passing; the page turns them back into Float32Arrays. */
function plain(w: LstmModelWeights) {
	return {
		...w,
		layers: w.layers.map((l) => ({
			...l,
			kernel: [...l.kernel],
			recurrentKernel: [...l.recurrentKernel],
			bias: [...l.bias]
		})),
		denseKernel: [...w.denseKernel],
		denseBias: [...w.denseBias]
	};
}

/** The worker's figures: the default model (real path) and the reference model both ways. */
async function chromium(reference: LstmModelWeights, real: boolean): Promise<void> {
	const settings = { ...SETTINGS, meter: '4/4', barPhase: 0 };
	const out = await withAppWorker('generate/run', 4179, async ({ browser, origin, workerUrl }) => {
		const page = await browser.newPage();
		page.setDefaultTimeout(0);
		try {
			await page.goto(`${origin}/`);
			// tsx names the helpers below with its own `__name`, which the page does not have.
			await page.evaluate('globalThis.__name = (f) => f');
			return await page.evaluate(
				async ({ url, modelUrl, seed, settings, reference, refSymbols }) => {
					const worker = new Worker(url, { type: 'module' });
					const ask = (request: Record<string, unknown>) =>
						new Promise<Record<string, unknown>>((resolve, reject) => {
							let answer: Record<string, unknown> = {};
							worker.onmessage = (e) => {
								const m = e.data;
								if (m.type === 'generate/result' || m.type === 'diagnostics/generate-time-result') answer = m;
								if (m.type === 'error') reject(new Error(m.message));
								if (m.type === 'done') resolve(answer);
							};
							worker.postMessage(request);
						});
					const f32 = (w: typeof reference) => ({
						...w,
						layers: w.layers.map((l) => ({
							...l,
							kernel: Float32Array.from(l.kernel),
							recurrentKernel: Float32Array.from(l.recurrentKernel),
							bias: Float32Array.from(l.bias)
						})),
						denseKernel: Float32Array.from(w.denseKernel),
						denseBias: Float32Array.from(w.denseBias)
					});
					const weights = f32(reference);
					const app: number[] = [];
					for (let i = 0; i < 6; i++) {
						const r = await ask({
							type: 'generate/run',
							id: `g${i}`,
							model: { kind: 'default', url: modelUrl },
							seed,
							settings
						});
						app.push(r.ms as number);
					}
					const refStateful: number[] = [];
					for (let i = 0; i < 3; i++) {
						const r = await ask({
							type: 'diagnostics/generate-time',
							id: `s${i}`,
							weights,
							reference: true,
							design: 'stateful',
							seed,
							settings
						});
						refStateful.push(r.ms as number);
					}
					await ask({
						type: 'diagnostics/generate-time',
						id: 'w0',
						weights,
						reference: true,
						design: 'window',
						seed,
						settings: { ...settings, steps: 5 }
					});
					const window = await ask({
						type: 'diagnostics/generate-time',
						id: 'w1',
						weights,
						reference: true,
						design: 'window',
						seed,
						settings: { ...settings, steps: refSymbols }
					});
					worker.terminate();
					return { app, refStateful, window: window.ms as number };
				},
				{
					url: workerUrl,
					modelUrl: `${origin}/models/default/`,
					seed: SEED,
					settings,
					reference: plain(reference),
					refSymbols: REF
				}
			);
		} finally {
			await page.close();
		}
	});
	if (typeof out === 'string') {
		console.log(out);
		return;
	}
	const best = (a: number[]) => Math.min(...a);
	const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
	const later = out.app.slice(1);
	const window = (out.window * N) / REF;
	const who = real ? "the reference's LSTM(256)" : 'a random LSTM(256)';
	console.log(`\nChromium worker, ${N} symbols, T = ${SETTINGS.temperature}:`);
	console.log(
		`  default model (${defaultModelShape()}), generate/run: first ${out.app[0].toFixed(1)} ms, then median ${median(later).toFixed(1)} ms, best ${best(later).toFixed(1)} ms (goal ≤ 50 ms)`
	);
	console.log(`  ${who}, stateful (the app's way): best ${best(out.refStateful).toFixed(1)} ms`);
	console.log(
		`  ${who}, re-reading 64-symbol windows (the reference's way): ${(window / 1000).toFixed(1)} s` +
			`${REF < N ? ` (timed on ${REF}, scaled)` : ''}; the app's default model is ${(window / median(later)).toFixed(0)}× faster`
	);
}

/** What the bundled model is, as its name says in brackets (e.g. "two LSTM 128 as one, bar input, lookback"). */
function defaultModelShape(): string {
	const { name } = JSON.parse(
		readFileSync(new URL('../static/models/default/metadata.json', import.meta.url), 'utf8')
	) as { name: string };
	return /\(([^)]*)\)\s*$/.exec(name)?.[1] ?? name;
}

export default async function bench(): Promise<void> {
	const real = hasShared();
	const weights = real
		? importKeras(
				readFileSync(shared('fixtures/seed-keras/model.h5')),
				readFileSync(shared('fixtures/seed-keras/mapping.json'), 'utf8')
			).weights
		: randomWeights();
	console.log(
		`${N} symbols from a ${SEED.length}-symbol seed, T = 0.3, ${real ? "the reference's LSTM(256)" : 'a random LSTM(256)'}`
	);
	if (process.env.BENCH_CHROMIUM !== '0') await chromium(weights, real);
	if (process.env.BENCH_NODE === '0') return;
	console.log('\nNode:');

	// Plain JS: warm up, then time.
	generate(new KerasStepModel(weights), SEED, { ...SETTINGS, steps: 50 });
	const js = time(() => generate(new KerasStepModel(weights), SEED, SETTINGS), 'plain JS stateful');
	const jsRef = time(() => generateReference(new LstmStepModel(weights), SEED, { ...SETTINGS, steps: REF }));
	row('plain JS', js, jsRef, REF);

	for (const backend of ['wasm', 'cpu'] as const) {
		if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
		if (!(await tf.setBackend(backend))) {
			console.log(`${backend}: not available`);
			continue;
		}
		await tf.ready();
		const model = new TfjsStepModel(weights);
		const run = (steps: number) => {
			tf.engine().startScope();
			generate(model, SEED, { ...SETTINGS, steps });
			tf.engine().endScope();
		};
		run(20);
		const stateful = time(() => run(N), `tfjs ${backend} stateful`);
		model.dispose();
		referenceTfjs(weights, 2);
		const reference = referenceTfjs(weights, REF);
		row(`tfjs ${backend}`, stateful, reference, REF);
	}
}
