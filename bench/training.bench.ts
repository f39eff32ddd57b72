/**
 * Training throughput (target symbols learned per second), all in one run:
 * - the reference's shape, LSTM(256), batch 64, 64 steps, vocabulary 38, symbols only: this app's LSTM
 *   against the tfjs-layers LSTM, in the many-to-many design and in the reference design (64-step
 *   windows, one target each);
 * - the recipe the app trains by default (`DEFAULT_CONFIG`: LSTM 128, batch 64, 16 steps, symbols + bar
 *   position, dropout 0.2) on erk's songs with their bars;
 * per backend, in Node and in headless Chromium (the app's own worker, driven with Playwright). In
 * Chromium the wasm backend runs on 1 thread and on every core (the page is cross-origin isolated), and
 * the bench prints their ratio; then one epoch of the recipe over erk on the thread count the app uses.
 * `BENCH_QUICK=1` times fewer batches and skips Node's slow cpu backend; `BENCH_CHROMIUM=0` skips the
 * browser, `BENCH_NODE=0` Node; `BENCH_EPOCH=0` the epochs; `BENCH_BACKENDS=wasm,cpu` picks the
 * Chromium backends (default wasm, webgl, webgpu, cpu).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import {
	measureEpoch,
	measureThroughput,
	type EpochTiming,
	type ThroughputCase,
	type ThroughputResult
} from '../src/lib/lab/bench-core';
import { DEFAULT_CONFIG } from '../src/lib/model/config';
import type { TrainingSong } from '../src/lib/train/trainer';
import { ingest } from '../src/lib/corpus/ingest';
import { dropFromPaths } from '../src/cli/files';
import { SHARED } from '../tests/shared';
import { withAppWorker } from './app-worker';

const quick = process.env.BENCH_QUICK === '1';
const size = { units: 256, batch: 64, seq: 64 };
const RECIPE = DEFAULT_CONFIG;
/** What each case reads, for the printout. */
const INPUTS = {
	lstm256: 'symbols (one-hot), the music21 encoding of erk',
	recipe: `symbols + bar position${RECIPE.lookback ? ' + lookback 1, 2, 4, 8 bars (≈ 240 inputs, 10–20 of them on at a step)' : ' (82 inputs)'}, erk from its **kern with meters and barlines`
};

type Model = 'lstm256' | 'recipe';

interface Case extends ThroughputCase {
	model: Model;
}

function cases(slow: boolean, models: Model[], layers: boolean): Case[] {
	const n = (fast: number) => Math.max(1, quick || slow ? Math.ceil(fast / 3) : fast);
	const out: Case[] = [];
	if (models.includes('lstm256')) {
		// Six timed batches even when quick (about 1.5 s now): with two, one stall of this shared machine
		// moved LSTM(256) from 20,133 to 7,690 targets/s between two runs of one build (6 Dec 2026).
		out.push({ model: 'lstm256', impl: 'fast', design: 'sequence', ...size, batches: slow ? n(4) : 6 });
		if (layers)
			out.push(
				{ model: 'lstm256', impl: 'fast', design: 'window', ...size, batches: n(4) },
				{ model: 'lstm256', impl: 'layers', design: 'sequence', ...size, batches: n(2) },
				{ model: 'lstm256', impl: 'layers', design: 'window', ...size, batches: n(2) }
			);
	}
	if (models.includes('recipe'))
		out.push({
			model: 'recipe',
			impl: 'fast',
			design: 'sequence',
			units: RECIPE.units,
			batch: RECIPE.batchSize,
			seq: RECIPE.seqLength,
			batches: n(24),
			config: RECIPE
		});
	return out;
}

interface Row extends ThroughputResult {
	where: string;
	model: Model;
	threads?: number;
}

function fixtureSongs(): string[][] {
	const dir = join(SHARED!, 'fixtures', 'music21-erk');
	return readdirSync(dir)
		.filter((f) => f !== '7')
		.map((f) => readFileSync(join(dir, f), 'utf8').trim().split(/\s+/));
}

/** erk from its **kern: symbols with meter, pickup and barlines, as the app stores an imported corpus. */
async function erkSongs(): Promise<TrainingSong[]> {
	const { songs } = await ingest(dropFromPaths([join(SHARED!, 'corpus', 'essen', 'deutschl', 'erk')]));
	return songs.map(({ symbols, meter, barPhase, bars, meterChanges }) => ({
		symbols,
		meter,
		barPhase,
		bars,
		meterChanges
	}));
}

const songsFor = (c: Case, data: { lstm256: string[][]; recipe: TrainingSong[] }) =>
	c.model === 'recipe' ? data.recipe : data.lstm256;

function label(r: Row): string {
	return r.model === 'recipe' ? 'recipe' : r.impl === 'fast' ? 'LSTM256' : 'layers256';
}

function print(rows: Row[]): void {
	console.log('\nwhere     backend  threads  model      design    ms/batch  targets/s');
	for (const r of rows)
		console.log(
			`${r.where.padEnd(9)} ${r.backend.padEnd(8)} ${String(r.threads ?? '–').padStart(7)}  ${label(r).padEnd(10)} ${r.design.padEnd(9)} ${r.msPerBatch
				.toFixed(0)
				.padStart(8)}  ${r.targetsPerSecond.toFixed(0).padStart(9)}`
		);
	console.log('\nratios (targets/s), same machine, same run:');
	const groups = new Map<string, Row[]>();
	for (const r of rows) {
		const k = `${r.where} ${r.backend}${r.threads ? ` ×${r.threads}` : ''}`;
		groups.set(k, [...(groups.get(k) ?? []), r]);
	}
	const ratio = (a?: Row, b?: Row) =>
		a && b ? (a.targetsPerSecond / b.targetsPerSecond).toFixed(1) + '×' : '–';
	for (const [k, g] of groups) {
		const get = (impl: string, design: string) =>
			g.find((r) => r.model === 'lstm256' && r.impl === impl && r.design === design);
		const fs = get('fast', 'sequence');
		const lw = get('layers', 'window');
		if (!get('layers', 'sequence')) continue;
		console.log(
			`  ${k.padEnd(18)} this LSTM / layers LSTM (many-to-many): ${ratio(fs, get('layers', 'sequence'))}; ` +
				`this design / reference design (same LSTM): ${ratio(fs, get('fast', 'window'))}; ` +
				`this app / the reference (layers, windows): ${ratio(fs, lw)}`
		);
	}
	// Threads: the wasm backend on 1 thread and on every core, same browser, same run.
	const wasm = rows.filter((r) => r.where === 'chromium' && r.backend === 'wasm' && r.impl === 'fast');
	const all = Math.max(0, ...wasm.map((r) => r.threads ?? 0));
	if (all > 1) {
		console.log(`\nChromium worker, wasm on 1 thread and on ${all} threads (every core of this machine):`);
		for (const model of ['lstm256', 'recipe'] as const) {
			const one = wasm.find((r) => r.model === model && r.design === 'sequence' && r.threads === 1);
			const many = wasm.find((r) => r.model === model && r.design === 'sequence' && r.threads === all);
			if (!one || !many) continue;
			console.log(
				`  ${(model === 'recipe' ? 'the recipe (LSTM 128, 16 steps, bar input, lookback)' : 'LSTM(256), 64 steps').padEnd(52)} ` +
					`1 thread ${one.targetsPerSecond.toFixed(0).padStart(6)}/s   ${all} threads ${many.targetsPerSecond.toFixed(0).padStart(6)}/s   ` +
					`ratio ${ratio(many, one)}`
			);
		}
	}
}

async function node(data: { lstm256: string[][]; recipe: TrainingSong[] }, rows: Row[]): Promise<void> {
	for (const backend of quick ? ['wasm'] : ['wasm', 'cpu']) {
		await tf.setBackend(backend);
		await tf.ready();
		for (const c of cases(backend === 'cpu', ['lstm256', 'recipe'], true)) {
			const r = await measureThroughput(songsFor(c, data), c);
			rows.push({ where: 'node', model: c.model, ...r, threads: 1 });
			console.log(
				`node ${backend} ${label({ ...r, model: c.model } as Row)} ${c.design}: ${r.targetsPerSecond.toFixed(0)} targets/s`
			);
		}
	}
}

interface BenchAnswer {
	/** The request's id: the model its songs are for. */
	id: Model;
	backend: string;
	threads?: number;
	result?: ThroughputResult;
	epoch?: EpochTiming;
	error?: string;
}

/** Runs `diagnostics/train-throughput` in the app's own worker in headless Chromium, one fresh page and worker per run. */
async function browser(
	data: { lstm256: string[][]; recipe: TrainingSong[] },
	rows: Row[],
	epoch: boolean
): Promise<string[]> {
	const notes: string[] = [];
	const backends = (process.env.BENCH_BACKENDS ?? 'wasm,webgl,webgpu,cpu').split(',');
	// wasm on 1 thread and on every core; the recipe's epoch on the count the app chooses (backend.ts
	// `wasmThreads`: every core but one, at most 8).
	const cores = availableParallelism();
	const appThreads = Math.max(1, Math.min(8, cores - 1));
	const counts = [...new Set([1, cores, appThreads])];
	const runs = backends.flatMap((b) =>
		b === 'wasm' ? counts.map((threads) => ({ backend: b, threads })) : [{ backend: b }]
	) as { backend: string; threads?: number }[];
	const skipped = await withAppWorker(
		'diagnostics/train-throughput',
		4179,
		async ({ browser: app, origin, workerUrl }) => {
			for (const run of runs) {
				const slow = run.backend === 'cpu' || run.backend === 'webgpu';
				const single = run.threads === 1;
				const appCount = run.backend === 'wasm' && run.threads === appThreads;
				// The reference comparisons (layers LSTM, windows) once per backend: on 1 thread on wasm.
				const models: Model[] =
					run.backend !== 'wasm' || single || run.threads === cores ? ['lstm256', 'recipe'] : [];
				const list = cases(slow, models, run.backend !== 'wasm' || single);
				const page = await app.newPage();
				page.setDefaultTimeout(0);
				let out: BenchAnswer[] = [];
				// First a few untimed batches of this LSTM in the same worker, so that the browser has compiled
				// the hot WebAssembly with its optimizing tier: with one warm-up batch only, LSTM(256) on 1 thread
				// timed 7,502 targets/s over 2 batches and 11,638 over 4 (6 Dec 2026, one loaded machine).
				const warmUp = {
					type: 'diagnostics/train-throughput',
					id: 'warm-up',
					backend: run.backend,
					threads: run.threads,
					songs: data.lstm256,
					cases: [{ impl: 'fast', design: 'sequence', ...size, batches: slow ? 1 : 4 }]
				};
				// One request per song set, to the same worker (its backend starts once).
				const requests = (['lstm256', 'recipe'] as const).map((model) => ({
					type: 'diagnostics/train-throughput',
					id: model,
					backend: run.backend,
					threads: run.threads,
					songs: data[model],
					cases: list.filter((c) => c.model === model).map(({ model: _m, ...c }) => c),
					epoch: model === 'recipe' && epoch && appCount ? RECIPE : undefined
				}));
				try {
					await page.goto(`${origin}/`);
					out = await page.evaluate(
						async ({ url, requests }) => {
							const worker = new Worker(url, { type: 'module' });
							const results: unknown[] = [];
							for (const request of requests)
								await new Promise<void>((resolve) => {
									worker.onmessage = (e) => {
										const m = e.data;
										if (m.type === 'diagnostics/train-throughput-result') results.push(m);
										if (m.type === 'done') resolve();
										if (m.type === 'error') {
											results.push({ error: m.message });
											resolve();
										}
									};
									worker.postMessage(request);
								});
							worker.terminate();
							return results as BenchAnswer[];
						},
						{ url: workerUrl, requests: [warmUp, ...requests] }
					);
				} catch (e) {
					notes.push(`Chromium ${run.backend}: failed (${(e as Error).message.split('\n')[0]})`);
				} finally {
					await page.close().catch(() => {});
				}
				for (const m of out) {
					if ((m.id as string) === 'warm-up' && !m.error) continue;
					if (m.error) notes.push(`Chromium ${run.backend}: skipped (${m.error})`);
					if (m.result) {
						const model = m.id;
						rows.push({ where: 'chromium', model, ...m.result, threads: m.threads });
						console.log(
							`chromium ${run.backend}${m.threads ? ` ×${m.threads}` : ''} ${label({ ...m.result, model } as Row)} ${m.result.design}: ${m.result.targetsPerSecond.toFixed(0)} targets/s`
						);
					}
					if (m.epoch)
						notes.push(
							`one epoch of the recipe over erk, Chromium worker ${run.backend} on ${m.threads} thread(s): ${m.epoch.seconds.toFixed(1)} s ` +
								`(${m.epoch.batches} batches, ${m.epoch.targets} targets, ${m.epoch.targetsPerSecond.toFixed(0)} targets/s; validation excluded)`
						);
				}
			}
		}
	);
	return typeof skipped === 'string' ? [skipped] : notes;
}

export default async function (): Promise<void> {
	if (!SHARED) {
		console.log('SKIP: ../shared (erk fixtures and corpus) is not beside the repository');
		return;
	}
	const data = { lstm256: fixtureSongs(), recipe: await erkSongs() };
	console.log(
		`LSTM256: this app's LSTM(${size.units}), batch ${size.batch}, ${size.seq} steps; layers256: tf.layers.lstm, same shape; ` +
			`input: ${INPUTS.lstm256} (${data.lstm256.length} songs)`
	);
	console.log(
		`recipe: the app's default training (LSTM ${RECIPE.units}, batch ${RECIPE.batchSize}, ${RECIPE.seqLength} steps, dropout ${RECIPE.dropout}); ` +
			`input: ${INPUTS.recipe} (${data.recipe.length} songs). Each timed after one warm-up batch; in Chromium each worker ` +
			'first trains 4 untimed LSTM(256) batches (the browser compiles hot WebAssembly in tiers).'
	);
	const rows: Row[] = [];
	const notes: string[] = [];
	if (process.env.BENCH_NODE !== '0') {
		await node(data, rows);
		if (process.env.BENCH_EPOCH !== '0') {
			await tf.setBackend('wasm');
			const e = await measureEpoch(data.recipe, RECIPE);
			notes.push(
				`one epoch of the recipe over erk, Node wasm (1 thread): ${e.seconds.toFixed(1)} s (${e.batches} batches, ${e.targets} targets, ` +
					`${e.targetsPerSecond.toFixed(0)} targets/s; validation excluded)`
			);
		}
	}
	if (process.env.BENCH_CHROMIUM !== '0')
		notes.push(...(await browser(data, rows, process.env.BENCH_EPOCH !== '0')));
	print(rows);
	for (const n of notes) console.log(n);
}
