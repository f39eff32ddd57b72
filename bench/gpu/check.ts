/**
 * The GPU check, bundled by `bench/gpu/pack.sh` into one file that the carried Node binary runs on the GPU
 * machine (`bench/gpu/run.sh`), and here on the cpu and wasm backends (and WebGPU on a software Vulkan
 * where one is found). Steps, each printed as it ends and written to `$OUT/gpu-check.json`:
 *
 * 1. `kernels`: the fused LSTM cell kernels (src/lib/train/lstm-kernels-webgpu.ts on webgpu) against the cpu
 *    kernels on the same seeded inputs, forward (h, c, gates, tanh c) and backward (dz, dcPrev), for
 *    LSTM(256) and the recipe's 128 units at batch 64; then a whole 16-step forward and backward pass
 *    (fast-lstm.ts) on each backend against cpu. Largest absolute error; pass ≤ 1e-3.
 * 2. `throughput`: targets per second of LSTM(256) (batch 64, 64 steps) and the recipe (DEFAULT_CONFIG:
 *    LSTM 128, batch 64, 16 steps, bar input, lookback) on erk, as `npm run bench -- training` measures them.
 * 3. `epoch`: one epoch of the recipe over erk (validation excluded), as the training bench does.
 *
 * The cpu backend is always the kernels' reference; `--backends` names those compared and timed (default
 * `wasm,webgpu`: the app's CPU path and the GPU; plain cpu takes minutes an epoch). A backend asked for
 * and not available ends the check as INCOMPLETE (exit 2). `--kernels-only` stops after step 1, `--quick` (fewer batches timed, the epoch
 * on wasm only), `--erk <file>` (the songs pack.sh wrote, default beside this file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webgpuNote } from './gpu-globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { registerLstmKernels, useCellMode } from '../../src/lib/train/lstm-kernels';
import { cellOutputs, largestError, passOutputs, TOLERANCE } from './compare';
import { measureEpoch, measureThroughput, type ThroughputCase } from '../../src/lib/lab/bench-core';
import { DEFAULT_CONFIG } from '../../src/lib/model/config';
import type { TrainingSong } from '../../src/lib/train/trainer';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
};
const here = dirname(fileURLToPath(import.meta.url));
const backends = (value('backends') ?? 'wasm,webgpu').split(',');
const kernelsOnly = flag('kernels-only');
const quick = flag('quick');
const out: Record<string, unknown> = {
	started: new Date().toISOString(),
	backends,
	quick,
	webgpu: webgpuNote
};

function save(): void {
	const dir = process.env.OUT;
	if (dir) writeFileSync(join(dir, 'gpu-check.json'), JSON.stringify(out, null, 1));
}

async function use(backend: string): Promise<boolean> {
	try {
		return await tf.setBackend(backend);
	} catch {
		return false;
	}
}

function erkSongs(): TrainingSong[] {
	const file = value('erk') ?? join(here, 'erk.json.gz');
	return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as TrainingSong[];
}

async function main(): Promise<void> {
	setWasmPaths(`${join(here, 'wasm')}/`);
	registerLstmKernels();
	console.log(`GPU check: backends ${backends.join(', ')}${quick ? ' (quick)' : ''}; WebGPU: ${webgpuNote}`);
	const available: string[] = [];
	for (const b of backends) if (await use(b)) available.push(b);
	const missing = backends.filter((b) => !available.includes(b));
	if (missing.length) console.log(`  not available here: ${missing.join(', ')}`);
	out.available = available;

	// 1. Kernels against cpu.
	const shapes = [
		{ B: 64, n: 256 },
		{ B: 64, n: 128 }
	];
	await use('cpu');
	useCellMode('fused');
	const refCell = await Promise.all(shapes.map((s) => cellOutputs(s.B, s.n)));
	const refPass = await Promise.all(shapes.map((s) => passOutputs(s.B, s.n)));
	const kernels: Record<string, unknown>[] = [];
	let pass = true;
	for (const b of available.filter((x) => x !== 'cpu')) {
		await use(b);
		useCellMode(b === 'webgpu' ? 'fused' : 'auto');
		for (const [i, s] of shapes.entries()) {
			const cell = b === 'webgpu' ? largestError(await cellOutputs(s.B, s.n), refCell[i]) : null;
			const passErr = largestError(await passOutputs(s.B, s.n), refPass[i]);
			const worst = Math.max(...Object.values(cell ?? {}), ...Object.values(passErr));
			const ok = worst <= TOLERANCE;
			pass &&= ok;
			kernels.push({ backend: b, units: s.n, batch: s.B, cell, pass: passErr, worst, ok });
			console.log(
				`  kernels ${b} vs cpu, LSTM(${s.n}) batch ${s.B}: largest error ${worst.toExponential(2)} ` +
					`(${ok ? 'within' : 'OVER'} ${TOLERANCE})` +
					(cell
						? `; fused cell ${JSON.stringify(Object.fromEntries(Object.entries(cell).map(([k, v]) => [k, +v.toExponential(2)])))}`
						: '')
			);
		}
		useCellMode('auto');
	}
	out.kernels = kernels;
	out.kernelsPass = pass;
	save();
	if (missing.length) {
		// A check asked for a backend it could not run: not a pass, whatever the others did.
		console.log(`kernels: INCOMPLETE (${missing.join(', ')} not available; WebGPU: ${webgpuNote})`);
		process.exitCode = 2;
		return;
	}
	if (kernelsOnly) {
		console.log(pass ? 'kernels: PASS' : 'kernels: FAIL');
		if (!pass) process.exitCode = 1;
		return;
	}

	// 2. Throughput and 3. one epoch, per backend.
	const songs = erkSongs();
	const cases: (ThroughputCase & { name: string })[] = [
		{
			name: 'LSTM(256), batch 64, 64 steps',
			impl: 'fast',
			design: 'sequence',
			units: 256,
			batch: 64,
			seq: 64,
			batches: quick ? 2 : 6
		},
		{
			name: 'the recipe (LSTM 128, batch 64, 16 steps, bar input, lookback)',
			impl: 'fast',
			design: 'sequence',
			units: DEFAULT_CONFIG.units,
			batch: DEFAULT_CONFIG.batchSize,
			seq: DEFAULT_CONFIG.seqLength,
			batches: quick ? 4 : 20,
			config: { ...DEFAULT_CONFIG }
		}
	];
	const timings: Record<string, unknown>[] = [];
	out.throughput = timings;
	for (const b of available) {
		await use(b);
		for (const c of cases) {
			const { name, ...rest } = c;
			const r = await measureThroughput(songs, rest);
			timings.push({ name, backend: b, msPerBatch: r.msPerBatch, targetsPerSecond: r.targetsPerSecond });
			console.log(
				`  ${b}: ${name}: ${Math.round(r.targetsPerSecond).toLocaleString('en')} targets/s (${r.msPerBatch.toFixed(1)} ms a batch)`
			);
			save();
		}
	}
	const epochs: Record<string, unknown>[] = [];
	out.epoch = epochs;
	// Quick: the epoch on wasm alone (software WebGPU and plain cpu take minutes for it).
	for (const b of available.filter((x) => !quick || x === 'wasm')) {
		await use(b);
		const e = await measureEpoch(songs, { ...DEFAULT_CONFIG });
		epochs.push({ ...e, backend: b });
		console.log(
			`  ${b}: one recipe epoch over erk: ${e.seconds.toFixed(1)} s (${e.batches} batches, ${Math.round(e.targetsPerSecond).toLocaleString('en')} targets/s, validation excluded)`
		);
		save();
	}
	out.finished = new Date().toISOString();
	save();
	console.log(pass ? 'kernels: PASS' : 'kernels: FAIL');
	if (!pass) process.exitCode = 1;
}

await main();
