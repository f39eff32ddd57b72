/**
 * Training throughput (target symbols learned per second) of this app's LSTM against the tfjs-layers
 * LSTM, in the many-to-many design and in the reference design (64-step windows, one target), per
 * backend, in Node and in headless Chromium (the app's own worker, driven with Playwright), all in one
 * run; then one epoch over erk. LSTM(256), batch 64, 64 steps, vocabulary 38, as in the reference.
 * `BENCH_QUICK=1` times fewer batches; `BENCH_CHROMIUM=0` skips the browser; `BENCH_EPOCH=0` the epochs.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	measureEpoch,
	measureThroughput,
	type ThroughputCase,
	type ThroughputResult
} from '../src/lib/lab/bench-core';
import { SHARED } from '../tests/shared';
import { withAppWorker } from './app-worker';

const quick = process.env.BENCH_QUICK === '1';
const size = { units: 256, batch: 64, seq: 64 };

function cases(slow: boolean): ThroughputCase[] {
	const n = (fast: number) => Math.max(1, quick || slow ? Math.ceil(fast / 3) : fast);
	return [
		{ impl: 'fast', design: 'sequence', ...size, batches: n(4) },
		{ impl: 'fast', design: 'window', ...size, batches: n(4) },
		{ impl: 'layers', design: 'sequence', ...size, batches: n(2) },
		{ impl: 'layers', design: 'window', ...size, batches: n(2) }
	];
}

interface Row extends ThroughputResult {
	where: string;
}

function songs(): string[][] {
	const dir = join(SHARED!, 'fixtures', 'music21-erk');
	return readdirSync(dir)
		.filter((f) => f !== '7')
		.map((f) => readFileSync(join(dir, f), 'utf8').trim().split(/\s+/));
}

function print(rows: Row[]): void {
	console.log('\nwhere     backend  impl    design    ms/batch  targets/s');
	for (const r of rows)
		console.log(
			`${r.where.padEnd(9)} ${r.backend.padEnd(8)} ${r.impl.padEnd(7)} ${r.design.padEnd(9)} ${r.msPerBatch
				.toFixed(0)
				.padStart(8)}  ${r.targetsPerSecond.toFixed(0).padStart(9)}`
		);
	console.log('\nratios (targets/s), same machine, same run:');
	const groups = new Map<string, Row[]>();
	for (const r of rows)
		groups.set(`${r.where} ${r.backend}`, [...(groups.get(`${r.where} ${r.backend}`) ?? []), r]);
	for (const [k, g] of groups) {
		const get = (impl: string, design: string) => g.find((r) => r.impl === impl && r.design === design);
		const fs = get('fast', 'sequence');
		const ls = get('layers', 'sequence');
		const fw = get('fast', 'window');
		const lw = get('layers', 'window');
		const ratio = (a?: Row, b?: Row) =>
			a && b ? (a.targetsPerSecond / b.targetsPerSecond).toFixed(1) + '×' : '–';
		console.log(
			`  ${k.padEnd(18)} this LSTM / layers LSTM (many-to-many): ${ratio(fs, ls)}; ` +
				`this design / reference design (same LSTM): ${ratio(fs, fw)}; ` +
				`this app / the reference (layers, windows): ${ratio(fs, lw)}`
		);
	}
}

async function node(data: string[][], rows: Row[]): Promise<void> {
	for (const backend of ['wasm', 'cpu']) {
		await tf.setBackend(backend);
		await tf.ready();
		for (const c of cases(backend === 'cpu')) {
			const r = await measureThroughput(data, c);
			rows.push({ where: 'node', ...r });
			console.log(`node ${backend} ${c.impl} ${c.design}: ${r.targetsPerSecond.toFixed(0)} targets/s`);
		}
	}
}

/** Runs `diagnostics/train-throughput` in the app's own worker in headless Chromium, one fresh worker per backend. */
async function browser(data: string[][], rows: Row[], epoch: boolean): Promise<string[]> {
	const notes: string[] = [];
	const skipped = await withAppWorker(
		'diagnostics/train-throughput',
		4179,
		async ({ browser: browserApp, origin, workerUrl }) => {
			for (const backend of ['wasm', 'webgl', 'webgpu', 'cpu']) {
				const slow = backend === 'cpu' || backend === 'webgpu';
				// A fresh page (and worker) per backend: a crash or a lost GPU context stays with its backend.
				const page = await browserApp.newPage();
				page.setDefaultTimeout(0);
				let out: {
					backend: string;
					result?: ThroughputResult;
					epoch?: { seconds: number; targets: number; batches: number; targetsPerSecond: number };
					error?: string;
				}[] = [];
				try {
					await page.goto(`${origin}/`);
					out = await page.evaluate(
						async ({ url, backend, songs, cases, epoch }) => {
							const worker = new Worker(url, { type: 'module' });
							const results: unknown[] = [];
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
								worker.postMessage({
									type: 'diagnostics/train-throughput',
									id: 'b',
									backend,
									songs,
									cases,
									epoch
								});
							});
							worker.terminate();
							return results as {
								backend: string;
								result?: ThroughputResult;
								epoch?: { seconds: number; targets: number; batches: number; targetsPerSecond: number };
								error?: string;
							}[];
						},
						{
							url: workerUrl,
							backend,
							songs: data,
							cases: cases(slow),
							epoch: epoch && backend === 'wasm'
						}
					);
				} catch (e) {
					notes.push(`Chromium ${backend}: failed (${(e as Error).message.split('\n')[0]})`);
				} finally {
					await page.close().catch(() => {});
				}
				for (const m of out) {
					if (m.error) notes.push(`Chromium ${backend}: skipped (${m.error})`);
					if (m.result) {
						rows.push({ where: 'chromium', ...m.result });
						console.log(
							`chromium ${backend} ${m.result.impl} ${m.result.design}: ${m.result.targetsPerSecond.toFixed(0)} targets/s`
						);
					}
					if (m.epoch)
						notes.push(
							`one epoch over erk, Chromium worker ${backend}: ${m.epoch.seconds.toFixed(1)} s ` +
								`(${m.epoch.batches} batches, ${m.epoch.targets} targets, ${m.epoch.targetsPerSecond.toFixed(0)} targets/s)`
						);
				}
			}
		}
	);
	return typeof skipped === 'string' ? [skipped] : notes;
}

export default async function (): Promise<void> {
	if (!SHARED) {
		console.log('SKIP: ../shared (erk fixtures) is not beside the repository');
		return;
	}
	const data = songs();
	console.log(
		`LSTM(${size.units}), batch ${size.batch}, ${size.seq} steps, ${data.length} erk songs; timed after one warm-up batch`
	);
	const rows: Row[] = [];
	const notes: string[] = [];
	await node(data, rows);
	if (process.env.BENCH_EPOCH !== '0') {
		await tf.setBackend('wasm');
		const e = await measureEpoch(data);
		notes.push(
			`one epoch over erk, Node wasm: ${e.seconds.toFixed(1)} s (${e.batches} batches, ${e.targets} targets, ` +
				`${e.targetsPerSecond.toFixed(0)} targets/s)`
		);
	}
	if (process.env.BENCH_CHROMIUM !== '0')
		notes.push(...(await browser(data, rows, process.env.BENCH_EPOCH !== '0')));
	print(rows);
	for (const n of notes) console.log(n);
}
