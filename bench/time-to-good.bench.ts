/**
 * Time to a good model, the figure a user feels: in the app's own worker in headless Chromium, erk
 * (`../shared/corpus/essen/deutschl/erk`, the reference's training songs) is imported and trained with
 * the app's default settings, exactly as pressing Train does; after every epoch's checkpoint the run is
 * paused (the pause is not counted), the checkpoint's weights are scored in Node on table A's held-out
 * songs of docs/model-card.md (kinder + altdeu1 + altdeu2 + dva, minus songs identical to an erk song,
 * each song with its bars) and the run resumed, until a checkpoint beats the reference model's 0.950
 * bits per step. Beside it, the reference design in the same browser: its measured time per batch
 * (tf.layers LSTM(256), 64-symbol windows, batch 64) times the 50 epochs of 5,656 batches it trained
 * to reach 0.950. `BENCH_GOOD_EPOCHS` caps the epochs (default 8). `BENCH_GOOD_COMPARE` (a JSON list of
 * settings, e.g. `[{"learningRate":0.005}]`) also trains each of them over the default settings, in a
 * fresh worker of the same browser and run, one after the other, so that settings compare on one machine
 * state. Each run prints when its first batch ended (what runs before it: backend, corpus, checkpoint)
 * and, per epoch, the seconds of batches beside the seconds from pressing Train.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED } from '../tests/shared';
import { ingest } from '../src/lib/corpus/ingest';
import { dropFromPaths } from '../src/cli/files';
import { removeDuplicates } from '../src/lib/eval/dedupe';
import { scoreBarSongs } from '../src/lib/eval/score';
import { LstmStepModel } from '../src/lib/model/lstm-step';
import { DEFAULT_CONFIG } from '../src/lib/model/config';
import { DEFAULT_ENCODE_OPTIONS } from '../src/lib/encoding/song';
import type { LstmModelWeights } from '../src/lib/model/types';
import { withAppWorker } from './app-worker';

/** The reference model's score on table A (docs/model-card.md). */
const REFERENCE_BITS = 0.95;
const HELD = ['kinder', 'altdeu1', 'altdeu2', 'dva'];
const MAX_EPOCHS = Number(process.env.BENCH_GOOD_EPOCHS ?? 8);
const COMPARE = JSON.parse(process.env.BENCH_GOOD_COMPARE ?? '[]') as Partial<typeof DEFAULT_CONFIG>[];
/** The reference's training: 50 epochs of ~362,000 windows in batches of 64 (../shared/REFERENCE.md). */
const REFERENCE_BATCHES = 50 * 5656;

type Plain = Omit<LstmModelWeights, 'layers' | 'denseKernel' | 'denseBias'> & {
	layers: { inputSize: number; units: number; kernel: number[]; recurrentKernel: number[]; bias: number[] }[];
	denseKernel: number[];
	denseBias: number[];
};

function weightsOf(p: Plain): LstmModelWeights {
	return {
		...p,
		layers: p.layers.map((l) => ({
			...l,
			kernel: Float32Array.from(l.kernel),
			recurrentKernel: Float32Array.from(l.recurrentKernel),
			bias: Float32Array.from(l.bias)
		})),
		denseKernel: Float32Array.from(p.denseKernel),
		denseBias: Float32Array.from(p.denseBias)
	};
}

/** Installs the driver in the page: the worker, and per epoch boundary the time and the checkpoint's weights. */
function install(url: string): void {
	type Msg = { type: string; id: string; [k: string]: unknown };
	const readRun = (runId: string) =>
		new Promise<{ checkpoint: { weights: LstmModelWeights } }>((resolve, reject) => {
			const open = indexedDB.open('folk-studio');
			open.onerror = () => reject(open.error);
			open.onsuccess = () => {
				const q = open.result.transaction('checkpoints').objectStore('checkpoints').get(runId);
				q.onsuccess = () => {
					open.result.close();
					resolve(q.result);
				};
				q.onerror = () => reject(q.error);
			};
		});
	const b = {
		worker: new Worker(url, { type: 'module' }),
		messages: [] as Msg[],
		epochs: [] as { epoch: number; at: number; weights: unknown; valLoss: number | null; bundled?: number }[],
		runId: '',
		last: 0,
		firstBatch: 0
	};
	(globalThis as unknown as { bench: typeof b }).bench = b;
	b.worker.onmessage = async (e: MessageEvent<Msg>) => {
		const m = e.data;
		const at = performance.now();
		b.messages.push(m);
		if (m.type === 'train/started') b.runId = m.runId as string;
		if (m.type === 'train/progress' && !b.firstBatch) b.firstBatch = at;
		if (m.type === 'train/epoch') {
			const record = m.record as { epoch: number; valLoss: number | null };
			b.epochs.push({
				epoch: record.epoch,
				at: 0,
				weights: null,
				valLoss: record.valLoss,
				bundled: m.bundledValLoss as number | undefined
			});
		}
		if (m.type === 'train/checkpoint' && m.batch === 0 && (m.epoch as number) > b.last) {
			b.last = m.epoch as number;
			const row = b.epochs.find((x) => x.epoch === m.epoch)!;
			// Read before anything else is saved: the pause that follows overwrites this record.
			const w = (await readRun(m.runId as string)).checkpoint.weights;
			row.weights = {
				...w,
				layers: w.layers.map((l) => ({
					...l,
					kernel: Array.from(l.kernel),
					recurrentKernel: Array.from(l.recurrentKernel),
					bias: Array.from(l.bias)
				})),
				denseKernel: Array.from(w.denseKernel),
				denseBias: Array.from(w.denseBias)
			};
			row.at = at;
		}
	};
}

export default async function (): Promise<void> {
	if (!SHARED) {
		console.log('SKIP: ../shared (Essen corpus) is not beside the repository');
		return;
	}
	const D = join(SHARED, 'corpus', 'essen', 'deutschl');
	const erkDir = join(D, 'erk');
	const files = readdirSync(erkDir)
		.filter((f) => f.endsWith('.krn'))
		.sort()
		.map((f) => ({ path: `erk/${f}`, text: readFileSync(join(erkDir, f), 'utf8') }));
	const { songs: erk } = await ingest(dropFromPaths([erkDir]));
	const { songs: heldAll } = await ingest(dropFromPaths(HELD.map((h) => join(D, h))));
	const held = removeDuplicates(
		heldAll,
		erk.map((s) => s.symbols),
		(s) => s.symbols
	).kept;
	const steps = held.reduce((n, s) => n + s.symbols.length + 1, 0);
	console.log(
		`erk (${files.length} files) trained in the Chromium worker with the app's default settings ` +
			`(LSTM ${DEFAULT_CONFIG.units}, batch ${DEFAULT_CONFIG.batchSize}, ${DEFAULT_CONFIG.seqLength} steps, bar input, lr ${DEFAULT_CONFIG.learningRate} × ${DEFAULT_CONFIG.learningRateDecay}/epoch, eased to ${DEFAULT_CONFIG.learningRateFloor} of it within each epoch, ` +
			`${DEFAULT_CONFIG.validation * 100} % validation); each epoch's checkpoint scored on table A: ${HELD.join('+')}, ` +
			`${held.length} songs, ${steps} steps; goal: below the reference's ${REFERENCE_BITS.toFixed(3)} bits/step`
	);
	const out = await withAppWorker('train/start', 4179, async ({ browser, origin, workerUrl }) => {
		const page = await browser.newPage();
		page.setDefaultTimeout(0);
		try {
			await page.goto(`${origin}/`);
			await page.evaluate('globalThis.__name = (f) => f');
			type Bench = {
				worker: Worker;
				messages: { type: string; id: string; [k: string]: unknown }[];
				epochs: {
					epoch: number;
					at: number;
					weights: Plain | null;
					valLoss: number | null;
					bundled?: number;
				}[];
				runId: string;
				firstBatch: number;
			};
			const post = (request: Record<string, unknown>) =>
				page.evaluate((r) => {
					(globalThis as unknown as { bench: Bench }).bench.worker.postMessage(r);
					return performance.now();
				}, request);
			const waitFor = (type: string, id: string) =>
				page.waitForFunction(
					({ type, id }) =>
						(globalThis as unknown as { bench: Bench }).bench.messages.find(
							(m) => m.id === id && (m.type === type || m.type === 'error')
						) ?? null,
					{ type, id },
					{ polling: 100 }
				);

			/** One run in a fresh worker: import erk, train with `config` until a checkpoint is good. */
			const trainRun = async (config: typeof DEFAULT_CONFIG, label: string) => {
				await page.evaluate(install, workerUrl);
				// The import, as a drop of the erk folder does it.
				const ingestStart = Date.now();
				await page.evaluate(
					({ files, options }) => {
						const b = (globalThis as unknown as { bench: Bench }).bench;
						b.worker.postMessage({
							type: 'corpus/ingest',
							id: 'ingest',
							name: 'erk',
							files: files.map((f) => ({ path: f.path, bytes: new TextEncoder().encode(f.text) })),
							options
						});
					},
					{ files, options: DEFAULT_ENCODE_OPTIONS }
				);
				const ingested = (await (await waitFor('corpus/ingested', 'ingest')).jsonValue()) as {
					type: string;
					corpus?: { id: string };
					message?: string;
				};
				if (ingested.type === 'error') throw new Error(ingested.message);
				const ingestSeconds = (Date.now() - ingestStart) / 1000;
				console.log(`${label}: import of erk in the worker ${ingestSeconds.toFixed(1)} s (not counted)`);

				// Train, pausing at each epoch boundary to score the checkpoint.
				const rows: {
					epoch: number;
					seconds: number;
					batchSeconds: number;
					val: number | null;
					held: number;
					bundled?: number;
				}[] = [];
				let counted = 0;
				let segmentStart = await post({
					type: 'train/start',
					id: 'run1',
					corpusId: ingested.corpus!.id,
					config,
					backend: null,
					name: 'erk',
					bundled: `${origin}/models/default/`
				});
				const pressed = segmentStart;
				let request = 'run1';
				let reached: (typeof rows)[number] | null = null;
				for (let epoch = 1; epoch <= MAX_EPOCHS && !reached; epoch++) {
					await page.waitForFunction(
						(k) => {
							const b = (globalThis as unknown as { bench: Bench }).bench;
							return (
								b.epochs.some((e) => e.epoch === k && e.weights) || b.messages.some((m) => m.type === 'error')
							);
						},
						epoch,
						{ polling: 100 }
					);
					const row = await page.evaluate((k) => {
						const b = (globalThis as unknown as { bench: Bench }).bench;
						const error = b.messages.find((m) => m.type === 'error');
						if (error) throw new Error(String(error.message));
						const e = b.epochs.find((x) => x.epoch === k)!;
						const record = b.messages.find(
							(m) => m.type === 'train/epoch' && (m.record as { epoch: number }).epoch === k
						)?.record as { seconds: number } | undefined;
						return { ...e, runId: b.runId, firstBatch: b.firstBatch, batchSeconds: record?.seconds ?? 0 };
					}, epoch);
					if (epoch === 1)
						console.log(
							`  first batch done ${((row.firstBatch - pressed) / 1000).toFixed(2)} s after pressing Train`
						);
					counted += row.at - segmentStart;
					await post({ type: 'train/control', id: 'pause', runId: row.runId, action: 'pause' });
					await waitFor('done', request);
					const result = scoreBarSongs(new LstmStepModel(weightsOf(row.weights!)), held);
					const r = {
						epoch,
						seconds: counted / 1000,
						batchSeconds: row.batchSeconds,
						val: row.valLoss === null ? null : row.valLoss / Math.LN2,
						held: result.bitsPerStep,
						bundled: row.bundled === undefined ? undefined : row.bundled / Math.LN2
					};
					rows.push(r);
					console.log(
						`  epoch ${epoch}: ${r.seconds.toFixed(1)} s from pressing Train (${r.batchSeconds.toFixed(1)} s of batches this epoch), ` +
							`validation ${r.val?.toFixed(3) ?? '–'} bits/step` +
							`${r.bundled === undefined ? '' : ` (bundled model ${r.bundled.toFixed(3)} on the same songs)`}, ` +
							`table A ${r.held.toFixed(3)} bits/step`
					);
					if (r.held < REFERENCE_BITS) reached = r;
					else if (epoch < MAX_EPOCHS) {
						request = `run${epoch + 1}`;
						segmentStart = await post({
							type: 'train/resume',
							id: request,
							runId: row.runId,
							backend: null,
							bundled: `${origin}/models/default/`
						});
					}
				}
				const backend = (await page.evaluate(
					() =>
						(globalThis as unknown as { bench: Bench }).bench.messages.find(
							(m) => m.type === 'train/started'
						) ?? null
				)) as { backend?: string; threads?: number } | null;
				await page.evaluate(() => (globalThis as unknown as { bench: Bench }).bench.worker.terminate());
				return { label, rows, reached, backend };
			};

			const runs = [];
			const settings = [
				{ label: 'the default settings', config: { ...DEFAULT_CONFIG } },
				...COMPARE.map((c) => ({ label: JSON.stringify(c), config: { ...DEFAULT_CONFIG, ...c } }))
			];
			for (const { label, config } of settings) {
				console.log(`${label}:`);
				runs.push(await trainRun(config, label));
			}

			// The reference design's time per batch, in a fresh worker of the same browser.
			const ref = (await page.evaluate(
				async ({ url, songs }) => {
					const worker = new Worker(url, { type: 'module' });
					const result = await new Promise<unknown>((resolve) => {
						let answer: unknown = null;
						worker.onmessage = (e) => {
							if (e.data.type === 'diagnostics/train-throughput-result')
								answer = e.data.result ?? e.data.error;
							if (e.data.type === 'done' || e.data.type === 'error') resolve(answer ?? e.data.message);
						};
						worker.postMessage({
							type: 'diagnostics/train-throughput',
							id: 'ref',
							backend: 'wasm',
							songs,
							cases: [{ impl: 'layers', design: 'window', units: 256, batch: 64, seq: 64, batches: 2 }]
						});
					});
					worker.terminate();
					return result;
				},
				{ url: workerUrl, songs: erk.slice(0, 200).map((s) => s.symbols) }
			)) as { msPerBatch: number } | string;
			return { runs, ref };
		} finally {
			await page.close();
		}
	});
	if (typeof out === 'string') {
		console.log(out);
		return;
	}
	for (const run of out.runs) {
		const where = `Chromium worker, ${run.backend?.backend ?? '?'}${run.backend?.threads ? ` on ${run.backend.threads} thread(s)` : ''}`;
		if (run.reached)
			console.log(
				`time to a good model, ${run.label} (${where}): ${run.reached.seconds.toFixed(1)} s — epoch ${run.reached.epoch} scored ` +
					`${run.reached.held.toFixed(3)} bits/step on table A, below the reference's ${REFERENCE_BITS.toFixed(3)} (goal ≤ 30 s)`
			);
		else
			console.log(
				`time to a good model, ${run.label} (${where}): not reached in ${run.rows.length} epochs (${run.rows.at(-1)?.seconds.toFixed(1)} s)`
			);
	}
	const first = out.runs[0];
	if (typeof out.ref === 'string') console.log(`the reference design: not measured (${out.ref})`);
	else {
		const hours = (out.ref.msPerBatch * REFERENCE_BATCHES) / 3_600_000;
		console.log(
			`the reference design, same browser, same run: ${(out.ref.msPerBatch / 1000).toFixed(2)} s per batch ` +
				`(tf.layers LSTM(256), 64-symbol windows, batch 64, wasm) × 50 epochs × 5,656 batches = ${hours.toFixed(0)} h to its 0.950` +
				(first.reached ? ` (${((hours * 3600) / first.reached.seconds).toFixed(0)}× longer)` : '')
		);
	}
}
