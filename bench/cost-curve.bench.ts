/**
 * The cost curve of a growing corpus: one epoch of the app's default settings over erk
 * (`../shared/corpus/essen/deutschl/erk`) repeated 1×, 4× and 16×, in the app's own worker in headless
 * Chromium, exactly as a drop of the folder and pressing Train do. Per size it prints seconds per epoch,
 * peak memory (the worker's TensorFlow.js tensors, its WebAssembly heap, and the renderer process that
 * hosts the worker) and the IndexedDB bytes of the stored corpus and of the run (checkpoint and model).
 *
 * The copies are erk verbatim (files `erk-2/…`, `erk-3/…`): the app's import moves every song to C major
 * or A minor, so transposed copies would come back as these same melodies anyway; the model and its
 * vocabulary are the same at every size and only the number of songs grows. Copies of a validation song
 * land in the training songs, so validation here measures cost, not quality.
 *
 * Each size runs on a fresh profile: the import in one browser, training in a second one on that profile,
 * so the renderer's peak is the training's alone. The renderer is found through /proc (Linux only).
 * `BENCH_QUICK=1` trains `BENCH_CURVE_BATCHES` batches (default 24) of each epoch with no validation
 * songs and extrapolates the epoch from their median (the epoch's fixed work, its batches laid out from
 * the whole corpus, is measured, not extrapolated); `BENCH_CURVE_SIZES` (default `1,4,16`) picks the sizes.
 *
 * "Linear in songs" is reported in parts, because the epoch's total hides them: the time in batches
 * (batches × time per batch: linear when the batches grow as the songs and a batch costs the same at
 * every size) and the time besides them (before the first batch: the lanes laid out, the epoch-0
 * checkpoint; after the last: validation, the epoch's checkpoint). Quick mode's 24 batches give the time
 * per batch to within the machine's noise only, so it prints their quartiles beside the median.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright';
import { chromiumLaunchOptions } from '../tests/chromium';
import { SHARED } from '../tests/shared';
import { ingest } from '../src/lib/corpus/ingest';
import { dropFromPaths } from '../src/cli/files';
import { Trainer } from '../src/lib/train/trainer';
import { DEFAULT_CONFIG, type TrainConfig } from '../src/lib/model/config';
import { DEFAULT_ENCODE_OPTIONS } from '../src/lib/encoding/song';
import { withAppWorker } from './app-worker';

const QUICK = process.env.BENCH_QUICK === '1';
const MEASURED = Number(process.env.BENCH_CURVE_BATCHES ?? 24);
/** Batches at the start of an epoch left out of the mean (the first compiles and warms up). */
const WARMUP = 2;
const SIZES = (process.env.BENCH_CURVE_SIZES ?? '1,4,16').split(',').map(Number);
const MiB = 1024 * 1024;

/** Pids under `root` (children, grandchildren, …), read from /proc. */
function descendants(root: number): number[] {
	const parent = new Map<number, number>();
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			// Field 4 of stat is the parent; the name (field 2) may hold spaces, so read after its ")".
			const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
			parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			/* gone meanwhile */
		}
	}
	const out: number[] = [];
	const walk = (p: number) => {
		for (const [c, pp] of parent) {
			if (pp !== p) continue;
			out.push(c);
			walk(c);
		}
	};
	walk(root);
	return out;
}

/** Chromium renderer processes started by this bench that run a dedicated worker (thread names). */
function workerRenderers(): number[] {
	if (!existsSync('/proc/self/stat')) return [];
	return descendants(process.pid).filter((p) => {
		try {
			if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer')) return false;
			return readdirSync(`/proc/${p}/task`).some((t) =>
				readFileSync(`/proc/${p}/task/${t}/comm`, 'utf8').startsWith('DedicatedWorker')
			);
		} catch {
			return false;
		}
	});
}

/** Peak and current resident memory of a process, in bytes (VmHWM, VmRSS). */
function residentBytes(pid: number): { peak: number; now: number } | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
		return { peak: kib('VmHWM') * 1024, now: kib('VmRSS') * 1024 };
	} catch {
		return null;
	}
}

type Msg = { type: string; id: string; [k: string]: unknown };
interface Probe {
	numBytes: number;
	numTensors: number;
	peakBytes: number;
	wasmHeap: number;
}
interface Driver {
	worker: Worker;
	messages: Msg[];
	probe: Probe | null;
	/** The app's worker module has run: it takes requests from now on (earlier ones would be lost). */
	ready: boolean;
	/** performance.now() of each message type's first arrival, and of each train/progress. */
	first: Record<string, number>;
	progress: number[];
}

/** Opens the app in `page` and starts the bench worker there; resolves once it takes requests. */
async function start(page: Page, origin: string, workerUrl: string): Promise<void> {
	page.setDefaultTimeout(0);
	// A bare document of the app's origin (same headers, so cross-origin isolated): the app's own page
	// would start a second worker that reads the corpus too, and its memory would be counted here.
	await page.goto(`${origin}/favicon.svg`);
	await page.evaluate('globalThis.__name = (f) => f');
	await page.evaluate(install, workerUrl);
	await page.waitForFunction(() => (globalThis as unknown as { bench: Driver }).bench.ready, null, {
		polling: 100
	});
}

/**
 * Installs in the page a worker that runs the app's worker module unchanged and, beside it, reports
 * TensorFlow.js's engine every 200 ms: its bytes now, the peak (every tensor the engine tracks is
 * counted as it is made) and the WebAssembly heap (which only grows, so it is its own peak).
 */
function install(url: string): void {
	const source = `
		await import(${JSON.stringify(new URL(url, location.href).href)});
		const e = globalThis._tfengine;
		let peak = 0;
		const track = e.trackTensor;
		e.trackTensor = function (...args) {
			const r = track.apply(this, args);
			if (this.state.numBytes > peak) peak = this.state.numBytes;
			return r;
		};
		setInterval(() => {
			// The engine's own counts: e.memory() would ask the backend, and start one before the app chose.
			const m = e.state;
			const heap = e.registry?.wasm?.wasm?.HEAPU8?.length ?? 0;
			postMessage({ type: 'bench/memory', id: '', numBytes: m.numBytes, numTensors: m.numTensors, peakBytes: Math.max(peak, m.numBytes), wasmHeap: heap });
		}, 200);
		postMessage({ type: 'bench/ready', id: '' });`;
	const blob = new Blob([source], { type: 'text/javascript' });
	const d: Driver = {
		worker: new Worker(URL.createObjectURL(blob), { type: 'module' }),
		messages: [],
		probe: null,
		ready: false,
		first: {},
		progress: []
	};
	(globalThis as unknown as { bench: Driver }).bench = d;
	d.worker.onerror = (e) => d.messages.push({ type: 'error', id: '*', message: e.message });
	d.worker.onmessage = (e: MessageEvent<Msg>) => {
		const m = e.data;
		const at = performance.now();
		if (m.type === 'bench/memory') {
			d.probe = m as unknown as Probe;
			return;
		}
		if (m.type === 'bench/ready') {
			d.ready = true;
			return;
		}
		if (m.type === 'train/progress') {
			d.progress.push(at);
			return;
		}
		d.first[m.type] ??= at;
		d.messages.push(m);
	};
}

interface Row {
	size: number;
	songs: number;
	batches: number;
	measured: number;
	setup: number;
	/** Seconds from `train/started` to the end of the first batch. */
	firstBatch: number;
	/** Seconds of the epoch (from `train/started` to its `train/epoch`), extrapolated in quick mode. */
	epoch: number;
	/** Median seconds between two batches' ends, and the quartiles (batches after the warm-up). */
	perBatch: number;
	batchQuartiles: [number, number];
	/** Median seconds a batch over the epoch's first batches, as many as the first size trained. */
	perBatchEarly: number;
	/** Seconds of the epoch in batches (all batches at their measured time; quick: batches × median). */
	inBatches: number;
	/** Seconds of the epoch besides its batches: before the first (less one batch) and after the last. */
	besides: number;
	/** Seconds from the last batch's end to the epoch's (validation, the epoch's hooks). */
	after: number;
	/** The renderer's resident memory sampled every 100 ms from `train/start`: its highest, when, in what. */
	sampledPeak: { bytes: number; at: number; phase: string };
	backend: string;
	tfPeak: number;
	wasmHeap: number;
	rendererPeak: number | null;
	corpusBytes: number;
	runBytes: number;
	checkpointBytes: number;
	ingestSeconds: number;
}

async function measure(
	size: number,
	files: { path: string; text: string }[],
	config: TrainConfig,
	batches: number,
	/** How many batches the first size trained: `perBatchEarly` is the median of as many here. */
	window: number
): Promise<Row | string> {
	return withAppWorker('train/start', 4183, async ({ origin, workerUrl }) => {
		const usage = async (page: Page) =>
			page.evaluate(async () => {
				const e = (await navigator.storage.estimate()) as StorageEstimate & {
					usageDetails?: { indexedDB?: number };
				};
				return e.usageDetails?.indexedDB ?? e.usage ?? 0;
			});
		const waitFor = (page: Page, type: string, id: string) =>
			page.waitForFunction(
				({ type, id }) =>
					(globalThis as unknown as { bench: Driver }).bench.messages.find(
						(m) => (m.id === id || m.id === '*') && (m.type === type || m.type === 'error')
					) ?? null,
				{ type, id },
				{ polling: 250 }
			);

		// The import, as a drop of `size` copies of the erk folder, in a browser of its own on a fresh
		// profile; training then in a second browser on that profile, so no process of the import is reused.
		const profile = mkdtempSync(join(tmpdir(), 'cost-curve-'));
		const importing = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
		const importer = await importing.newPage();
		await start(importer, origin, workerUrl);
		const before = await usage(importer);
		const t0 = Date.now();
		await importer.evaluate(
			({ files, options, size }) => {
				const enc = new TextEncoder();
				const one = files.map((f) => ({ name: f.path.split('/').pop()!, bytes: enc.encode(f.text) }));
				const all = [];
				for (let c = 1; c <= size; c++)
					for (const f of one) all.push({ path: `erk-${c}/${f.name}`, bytes: f.bytes });
				(globalThis as unknown as { bench: Driver }).bench.worker.postMessage({
					type: 'corpus/ingest',
					id: 'ingest',
					name: `erk ×${size}`,
					files: all,
					options
				});
			},
			{ files, options: DEFAULT_ENCODE_OPTIONS, size }
		);
		const ingested = (await (await waitFor(importer, 'corpus/ingested', 'ingest')).jsonValue()) as Msg & {
			corpus?: { id: string; summary: { songs: number } };
		};
		if (ingested.type === 'error') throw new Error(String(ingested.message));
		await waitFor(importer, 'done', 'ingest');
		const ingestSeconds = (Date.now() - t0) / 1000;
		const afterImport = await usage(importer);
		const songs = ingested.corpus!.summary.songs;
		await importing.close();

		const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions());
		const page = await context.newPage();
		page.on('crash', () => console.log(`  the training page crashed (erk ×${size})`));
		page.on('console', (m) => process.env.BENCH_VERBOSE && console.log(`  page: ${m.text()}`));
		try {
			await start(page, origin, workerUrl);
			// The renderer's resident memory sampled through the run, to tell in which part its peak falls.
			let renderers = workerRenderers();
			const samples = new Map<number, { bytes: number; at: number }>();
			let tick = 0;
			const sampler = setInterval(() => {
				// Found again every second: the list is of every renderer with a worker at that moment.
				if (++tick % 10 === 0) renderers = workerRenderers();
				for (const pid of renderers) {
					const r = residentBytes(pid);
					const best = samples.get(pid);
					if (r && (!best || r.now > best.bytes)) samples.set(pid, { bytes: r.now, at: Date.now() });
				}
			}, 100);
			const timeOrigin = await page.evaluate(() => performance.timeOrigin);
			const posted = await page.evaluate(
				(r) => {
					const b = (globalThis as unknown as { bench: Driver }).bench;
					b.worker.postMessage(r);
					return performance.now();
				},
				{
					type: 'train/start',
					id: 'run',
					corpusId: ingested.corpus!.id,
					config,
					backend: null,
					name: `erk ×${size}`
				}
			);
			const finished = (await (await waitFor(page, 'done', 'run')).jsonValue()) as Msg;
			clearInterval(sampler);
			// The run's renderer is the one with a worker at its end; one read before and gone since (a
			// renderer of the closed import browser, say) is not the run's, and is named, not counted.
			const ended = workerRenderers();
			let sampled = { bytes: 0, at: 0 };
			for (const [pid, sample] of samples) {
				if (ended.includes(pid)) sampled = sample.bytes > sampled.bytes ? sample : sampled;
				else console.log(`  left out: renderer ${pid} (${mib(sample.bytes)}), gone by the run's end`);
			}
			if (finished.type === 'error') throw new Error(String(finished.message));
			const d = (await page.evaluate(() => {
				const b = (globalThis as unknown as { bench: Driver }).bench;
				return { first: b.first, progress: b.progress, messages: b.messages, probe: b.probe };
			})) as Omit<Driver, 'worker'>;
			const started = d.messages.find((m) => m.type === 'train/started') as Msg & {
				backend: string;
				threads?: number;
			};
			const at = (t: number) => (t - d.first['train/started']) / 1000;
			const wall = at(d.first['train/epoch']);
			const measured = d.progress.length;
			// Batch k took progress[k] − progress[k−1] (each includes its yield to the event loop); the
			// median, since other work on a shared machine lands on a few batches.
			const unsorted = d.progress.slice(WARMUP + 1).map((t, i) => t - d.progress[WARMUP + i]);
			const gaps = [...unsorted].sort((a, b) => a - b);
			// The same batches as the first size trained (its whole epoch): a longer epoch's median also
			// covers later batches, which may run faster (the engine warmed up) or slower (other work).
			const early = unsorted.slice(0, Math.max(1, window - WARMUP - 1)).sort((a, b) => a - b);
			const quantile = (q: number) => (gaps.length ? gaps[Math.floor((gaps.length - 1) * q)] / 1000 : NaN);
			const perBatch = quantile(0.5);
			const perBatchEarly = early.length ? early[Math.floor((early.length - 1) / 2)] / 1000 : NaN;
			// Until the first batch ends: the checkpoint of epoch 0, the epoch's batches laid out from the
			// whole corpus, one batch. After the last: validation and the epoch's hooks.
			const firstBatch = at(d.progress[0]);
			const tail = wall - at(d.progress[measured - 1]);
			const quick = measured < batches;
			const epoch = quick ? firstBatch + tail + (batches - 1) * perBatch : wall;
			const peakAt = (sampled.at - timeOrigin - d.first['train/started']) / 1000;
			const phase =
				peakAt < 0
					? 'opening the run (corpus read, trainer made)'
					: peakAt <= firstBatch
						? 'the first batch'
						: peakAt <= at(d.progress[measured - 1])
							? 'the batches'
							: 'the epoch’s end (validation, checkpoint, model)';
			// The batches' share: every batch as it took (the first at the median: its own time is not
			// told apart from the work before it), or in quick mode all of them at the median.
			const inBatches = quick ? batches * perBatch : at(d.progress[measured - 1]) - firstBatch + perBatch;
			// Settle the probe (it reports every 200 ms), then read the renderer and storage.
			await page.waitForTimeout(500);
			const probe = (await page.evaluate(
				() => (globalThis as unknown as { bench: Driver }).bench.probe
			)) as Probe | null;
			const resident = ended.map(residentBytes).filter((r) => r !== null);
			if (process.env.BENCH_VERBOSE)
				console.log('  renderers with a worker:', ended, resident, 'sampled:', [...samples]);
			const afterRun = await usage(page);
			// The checkpoint record as stored: typed arrays by their length, everything else as JSON text.
			const checkpointBytes = await page.evaluate(
				(runId) =>
					new Promise<number>((resolve, reject) => {
						const open = indexedDB.open('folk-studio');
						open.onerror = () => reject(open.error);
						open.onsuccess = () => {
							const q = open.result.transaction('checkpoints').objectStore('checkpoints').get(runId);
							q.onsuccess = () => {
								open.result.close();
								let typed = 0;
								const json = JSON.stringify(q.result, (_, v) => {
									if (ArrayBuffer.isView(v)) {
										typed += v.byteLength;
										return 0;
									}
									return v;
								});
								resolve(typed + json.length);
							};
							q.onerror = () => reject(q.error);
						};
					}),
				String(started.runId)
			);
			return {
				size,
				songs,
				batches,
				measured,
				setup: (d.first['train/started'] - posted) / 1000,
				firstBatch,
				epoch,
				perBatch,
				batchQuartiles: [quantile(0.25), quantile(0.75)],
				perBatchEarly,
				inBatches,
				besides: epoch - inBatches,
				after: tail,
				sampledPeak: { bytes: sampled.bytes, at: peakAt, phase },
				backend: `${started.backend}${started.threads ? `, ${started.threads} thread(s)` : ''}`,
				tfPeak: probe?.peakBytes ?? NaN,
				wasmHeap: probe?.wasmHeap ?? NaN,
				rendererPeak: resident.length ? Math.max(...resident.map((r) => r!.peak)) : null,
				corpusBytes: afterImport - before,
				runBytes: afterRun - afterImport,
				checkpointBytes,
				ingestSeconds
			} satisfies Row;
		} finally {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		}
	});
}

const ms = (s: number) => (Number.isFinite(s) ? `${(s * 1000).toFixed(0)} ms` : '–');
const mib = (b: number | null) => (b === null || !Number.isFinite(b) ? '–' : `${(b / MiB).toFixed(1)} MiB`);

export default async function (): Promise<void> {
	if (!SHARED) {
		console.log('SKIP: ../shared (Essen corpus) is not beside the repository');
		return;
	}
	const erkDir = join(SHARED, 'corpus', 'essen', 'deutschl', 'erk');
	const files = readdirSync(erkDir)
		.filter((f) => f.endsWith('.krn'))
		.sort()
		.map((f) => ({ path: `erk/${f}`, text: readFileSync(join(erkDir, f), 'utf8') }));
	const config: TrainConfig = {
		...DEFAULT_CONFIG,
		epochs: 1,
		...(QUICK ? { maxBatchesPerEpoch: MEASURED, validation: 0 } : {})
	};
	// The epoch's full batch count, from the same songs, seed and settings (the trainer's own lanes).
	const { songs: erk } = await ingest(dropFromPaths([erkDir]));
	const batchesOf = (size: number) => {
		const songs = Array.from({ length: size }, () => erk).flat();
		const t = Trainer.create(songs, { ...config, maxBatchesPerEpoch: 0 }, { id: 'x', name: 'x', hash: 'x' });
		try {
			return t.batchesPerEpoch();
		} finally {
			t.dispose();
		}
	};
	console.log(
		`one epoch of erk (${files.length} files) repeated ${SIZES.join('×, ')}×, the app's default settings ` +
			`(LSTM ${config.units}, batch ${config.batchSize}, ${config.seqLength} steps, bar input, lookback), ` +
			`in the Chromium worker; a fresh browser per size` +
			(QUICK
				? `; BENCH_QUICK: ${MEASURED} batches trained per epoch, no validation songs, the rest of the epoch at the median of batches ${WARMUP + 1}–${MEASURED}`
				: `, ${config.validation * 100} % validation songs`)
	);
	const rows: Row[] = [];
	for (const size of SIZES) {
		const row = await measure(size, files, config, batchesOf(size), rows[0]?.measured ?? Infinity);
		if (typeof row === 'string') {
			console.log(row);
			return;
		}
		rows.push(row);
		console.log(
			`  ${size}×: ${row.songs} songs, ${row.batches} batches; epoch ${row.epoch.toFixed(1)} s ` +
				`= ${row.inBatches.toFixed(1)} s in batches (${ms(row.perBatch)} a batch, quartiles ${ms(row.batchQuartiles[0])}–${ms(row.batchQuartiles[1])}` +
				`${row.measured < row.batches ? `, ${row.measured} trained` : ''}; ${ms(row.perBatchEarly)} over the first ${rows[0]?.measured ?? row.measured}) + ${row.besides.toFixed(1)} s besides (${row.after.toFixed(1)} s of it after the last batch: validation, checkpoint); ` +
				`setup ${row.setup.toFixed(1)} s, first batch done at ${row.firstBatch.toFixed(1)} s; peak: tensors ${mib(row.tfPeak)}, wasm heap ${mib(row.wasmHeap)}, ` +
				`renderer ${mib(row.rendererPeak)} (sampled from train/start: ${mib(row.sampledPeak.bytes)} at ${row.sampledPeak.at.toFixed(1)} s, ${row.sampledPeak.phase}); ` +
				`IndexedDB: corpus ${mib(row.corpusBytes)}, run ${mib(row.runBytes)} (checkpoint record ${mib(row.checkpointBytes)}); ` +
				`import ${row.ingestSeconds.toFixed(1)} s (${row.backend})`
		);
	}
	const base = rows[0];
	/** Per song (or per batch), as a multiple of the first size's. */
	const perSong = (r: Row) => (r.epoch / base.epoch) * (base.songs / r.songs);
	const batchesPerSong = (r: Row) => (r.batches / base.batches) * (base.songs / r.songs);
	const perBatch = (r: Row) => r.perBatch / base.perBatch;
	const perBatchEarly = (r: Row) => r.perBatchEarly / base.perBatchEarly;
	const memory = (r: Row) => (r.rendererPeak && base.rendererPeak ? r.rendererPeak / base.rendererPeak : NaN);
	const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} ×` : '–');
	console.log(
		'\n| corpus | songs | batches | s / epoch | ÷ songs, vs 1× | s in batches | s / batch (quartiles) | vs 1× | batches ÷ songs, vs 1× | s besides batches | peak renderer | vs 1× | peak tensors | wasm heap | IndexedDB corpus | checkpoint |'
	);
	console.log(
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
	);
	for (const r of rows)
		console.log(
			`| erk ×${r.size} | ${r.songs} | ${r.batches} | ${r.epoch.toFixed(1)} | ${x(perSong(r))} | ${r.inBatches.toFixed(1)} | ` +
				`${ms(r.perBatch)} (${ms(r.batchQuartiles[0])}–${ms(r.batchQuartiles[1])}) | ${x(perBatch(r))} | ${x(batchesPerSong(r))} | ${r.besides.toFixed(1)} | ` +
				`${mib(r.rendererPeak)} | ${x(memory(r))} | ${mib(r.tfPeak)} | ${mib(r.wasmHeap)} | ${mib(r.corpusBytes)} | ${mib(r.checkpointBytes)} |`
		);
	const list = (f: (r: Row) => string) => rows.map(f).join(' / ');
	const worst = Math.max(...rows.map((r) => Math.abs(perSong(r) - 1)));
	// What the corpus itself does to an epoch: every size's batches at the first size's median time per
	// batch, plus its own time besides them. Sizes run minutes apart on a shared machine, and a load that
	// changes in between moves the measured per-song ratio by more than the corpus does.
	const atBaseSpeed = (r: Row) => r.batches * base.perBatch + r.besides;
	const corpusOwn = (r: Row) => (atBaseSpeed(r) / atBaseSpeed(base)) * (base.songs / r.songs);
	// Quartiles that overlap the first size's: the difference per batch is within this run's own noise.
	const apart = rows.filter(
		(r) => r.batchQuartiles[0] >= base.batchQuartiles[1] || r.batchQuartiles[1] <= base.batchQuartiles[0]
	);
	console.log(
		`seconds per epoch per song (${list((r) => `${r.size}×`)}): ${list((r) => perSong(r).toFixed(2))} × the ${base.size}× run's, ` +
			`at most ${(worst * 100).toFixed(0)} % off (goal ≤ 10 %)${QUICK ? `, extrapolated from ${MEASURED} batches a size` : ''}.\n` +
			`  In parts: batches per song ${list((r) => batchesPerSong(r).toFixed(2))} ×; a batch ${list((r) => perBatch(r).toFixed(2))} × ` +
			`(median; ${apart.length ? `quartiles apart from the ${base.size}× run's at ${apart.map((r) => `${r.size}×`).join(', ')}` : `every size's quartiles overlap the ${base.size}× run's, so the differences per batch are within this run's noise`}), ` +
			`over each epoch's first ${base.measured} batches ${list((r) => perBatchEarly(r).toFixed(2))} ×; ` +
			`besides the batches ${list((r) => r.besides.toFixed(1))} s, of it after the last batch (validation, checkpoint) ${list((r) => r.after.toFixed(1))} s.\n` +
			`  At one time per batch (the ${base.size}× run's median), seconds per epoch per song: ${list((r) => corpusOwn(r).toFixed(2))} × ` +
			`(the corpus's own part; the rest of the measured ratio is the machine).\n` +
			`peak renderer memory (${list((r) => `${r.size}×`)}): ${list((r) => memory(r).toFixed(2))} × the ${base.size}× run's, ` +
			`at most ${Math.max(...rows.map(memory)).toFixed(2)} × (goal ≤ 1.5 ×)`
	);
}
