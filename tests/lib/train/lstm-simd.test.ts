/**
 * The wasm backend's SIMD training kernels (lstm-simd.wat) against the plain-JS kernels of the cpu
 * backend on the same inputs, within 1e-4 of the largest magnitude, on the backend's heap in place and on
 * the module's own memory (the threaded build's path); and a few recipe batches trained with them against
 * the same batches trained with the JS kernels.
 */
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileLstmSimd, relaxedSource } from '../../../scripts/lstm-simd-binary';
import { lstmSimdBinary, SimdKernels, useSimdKernels } from '../../../src/lib/train/lstm-simd';

type Placement = Parameters<typeof useSimdKernels>[1];
import {
	cellMode,
	fusedCell,
	fusedCellGrad,
	gatherSteps,
	idsGrad,
	matMulFast,
	matMulPacked,
	packRight,
	transpose2d,
	useCellMode,
	useSimdProducts
} from '../../../src/lib/train/lstm-kernels';
import { Rng } from '../../../src/lib/model/rng';
import { Trainer } from '../../../src/lib/train/trainer';
import { hasShared, shared } from '../../shared';

afterAll(() => {
	useSimdKernels(true);
	useSimdProducts(true);
	useCellMode('auto');
});

/** Largest absolute difference over the largest magnitude of the reference. */
function rel(a: ArrayLike<number>, ref: ArrayLike<number>): number {
	expect(a.length).toBe(ref.length);
	let worst = 0;
	let scale = 1e-30;
	for (let i = 0; i < ref.length; i++) {
		worst = Math.max(worst, Math.abs(a[i] - ref[i]));
		scale = Math.max(scale, Math.abs(ref[i]));
	}
	return worst / scale;
}

const floats = (rng: Rng, n: number, scale: number) =>
	Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);

type Run = () => tf.Tensor | tf.Tensor[];

/** Runs `make` on cpu (JS kernels) and on wasm (SIMD), returning every output's values for both. */
async function both(make: Run, where: Placement): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
	const out: Record<string, Float32Array[]> = {};
	for (const backend of ['cpu', 'wasm'] as const) {
		await tf.setBackend(backend);
		await tf.ready();
		useSimdKernels(true, where);
		if (backend === 'wasm') {
			const kernels = SimdKernels.for(tf.backend());
			expect(kernels, 'Node has WebAssembly SIMD').not.toBeNull();
			expect(kernels!.inPlace).toBe(where === 'heap');
		}
		const before = tf.memory().numTensors;
		const made = tf.tidy(make);
		const list = Array.isArray(made) ? made : [made];
		out[backend] = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
		tf.dispose(list);
		expect(tf.memory().numTensors).toBe(before);
	}
	useSimdKernels(true);
	return { cpu: out.cpu, wasm: out.wasm };
}

describe('lstm-simd (WebAssembly SIMD training kernels)', () => {
	test('is the compiled lstm-simd.wat, on a plain and on a shared memory', async () => {
		const source = readFileSync(new URL('../../../src/lib/train/lstm-simd.wat', import.meta.url), 'utf8');
		const built = await compileLstmSimd(source);
		expect(Buffer.from(lstmSimdBinary()).toString('base64')).toBe(built.plain);
		expect(Buffer.from(lstmSimdBinary(true)).toString('base64')).toBe(built.shared);
		expect(Buffer.from(lstmSimdBinary(false, true)).toString('base64')).toBe(built.relaxed);
		expect(built.shared).not.toBe(built.plain);
		// The relaxed build fuses every multiply-add of the product's tiles (4 × 2 and 1 × 2), nothing else.
		const fused = (text: string) => text.match(/f32x4\.relaxed_madd/g)?.length ?? 0;
		// (The source's own comment names the instruction once.)
		expect(fused(relaxedSource(source)) - fused(source)).toBe(10);
	});

	// The backend's heap in place (Node's wasm backend is the single-threaded build), and the copying path
	// on a plain and on a shared memory (the shared binary, as the threaded build's heap uses it).
	describe.each(['heap', 'own', 'own-shared'] as const)('on memory: %s', (where) => {
		test('row sums (multi-hot ids with −1 padding) and their gradients match the JS kernels', async () => {
			const rng = new Rng(`rows:${where}`);
			const [T, B, K, V, G] = [3, 5, 4, 11, 24];
			const kernel = floats(rng, V * G, 1);
			const bias = floats(rng, G, 1);
			const ids = Int32Array.from({ length: T * B * K }, (_, i) =>
				i % K === 0 ? Math.floor(rng.next() * V) : rng.next() < 0.3 ? -1 : Math.floor(rng.next() * V)
			);
			const dz = floats(rng, T * B * G, 1);
			const r = await both(
				() => [
					...gatherSteps(
						tf.tensor2d(kernel, [V, G]),
						tf.tensor1d(bias),
						tf.tensor3d(ids, [T, B, K], 'int32')
					),
					...idsGrad(tf.tensor2d(dz, [T * B, G]), tf.tensor1d(ids, 'int32'), V)
				],
				where
			);
			expect(r.wasm.length).toBe(T + 2);
			r.wasm.forEach((w, i) => expect(rel(w, r.cpu[i]), `output ${i}`).toBeLessThan(1e-6));
		});

		test('the transpose of odd and block-sized shapes is exact', async () => {
			const rng = new Rng(`transpose:${where}`);
			const shapes = [
				[13, 7],
				[64, 36],
				// Whole 32 × 32 tiles, part tiles and edges past the last 4 × 4 block.
				[70, 45],
				[1, 9],
				[6, 1]
			];
			const data = shapes.map(([r, c]) => floats(rng, r * c, 3));
			const r = await both(
				() => shapes.map((s, i) => transpose2d(tf.tensor2d(data[i], s as [number, number]))),
				where
			);
			r.wasm.forEach((w, i) => expect([...w]).toEqual([...r.cpu[i]]));
			// And the reference is a transpose: element (r, c) lands at (c, r).
			const [R, C] = shapes[0];
			expect(r.cpu[0][3 * R + 5]).toBe(data[0][5 * C + 3]);
		});

		test('one LSTM step forward and backward (resets, saturated gates) match the JS kernels', async () => {
			const rng = new Rng(`cell:${where}`);
			const [B, n] = [5, 12];
			const G = 4 * n;
			// Gate sums mostly where the curves bend, some far out (the exponential's clamp).
			const z = () =>
				Float32Array.from({ length: B * G }, () => (rng.next() * 2 - 1) * (rng.next() < 0.9 ? 4 : 60));
			const mm = z();
			const xp = z();
			const cPrev = floats(rng, B * n, 3);
			const keep = Float32Array.from([1, 0, 1, 1, 0]);
			const keepNext = Float32Array.from([1, 1, 0, 1, 1]);
			const [dOut, dhNext, dcNext] = [0, 1, 2].map(() => floats(rng, B * n, 1));
			const r = await both(() => {
				const [h, c, gates, tc] = fusedCell(
					tf.tensor2d(mm, [B, G]),
					tf.tensor2d(xp, [B, G]),
					tf.tensor2d(cPrev, [B, n]),
					tf.tensor1d(keep)
				);
				const grad = fusedCellGrad(
					tf.tensor2d(dOut, [B, n]),
					tf.tensor2d(dhNext, [B, n]),
					tf.tensor2d(dcNext, [B, n]),
					tf.tensor1d(keepNext),
					gates,
					tc,
					tf.tensor2d(cPrev, [B, n]),
					tf.tensor1d(keep)
				);
				return [h, c, gates, tc, ...grad];
			}, where);
			const names = ['h', 'c', 'gates', 'tanh c', 'dz', 'dcPrev'];
			r.wasm.forEach((w, i) => expect(rel(w, r.cpu[i]), names[i]).toBeLessThan(1e-4));
			// Lanes that start a song ignore the previous state: c = i·g there.
			const c = r.wasm[1];
			const gates = r.wasm[2];
			for (let j = 0; j < n; j++) expect(c[n + j]).toBeCloseTo(gates[G + j] * gates[G + 2 * n + j], 6);
		});
	});
});

describe('the SIMD products (pack, gemm)', () => {
	// m not a multiple of the 4-row tile, k odd, one and several 8-column panels; LSTM(256)'s step shape.
	const shapes: [number, number, number][] = [
		[5, 13, 8],
		[8, 24, 16],
		[67, 40, 32],
		[64, 256, 1024],
		// The output layer's width (38 symbols: a last panel of 6 columns and 2 of padding), and 1.
		[33, 20, 38],
		[6, 38, 1]
	];

	test('match the cpu backend’s product, b as given and b transposed, on the backend’s heap', async () => {
		const rng = new Rng('gemm');
		const data = shapes.map(([m, k, n]) => ({ a: floats(rng, m * k, 1), b: floats(rng, k * n, 1) }));
		const products = () =>
			shapes.flatMap(([m, k, n], i) => {
				const a = tf.tensor2d(data[i].a, [m, k]);
				const b = tf.tensor2d(data[i].b, [k, n]);
				return [matMulFast(a, b), matMulFast(a, transpose2d(b), true)];
			});
		await tf.setBackend('cpu');
		const cpu = tf.tidy(products).map((t) => t.dataSync().slice());
		await tf.setBackend('wasm');
		await tf.ready();
		useSimdKernels(true);
		const packed = packRight(tf.zeros([4, 8]) as tf.Tensor2D);
		expect(packed, 'the SIMD products run on Node’s single-threaded wasm build').not.toBeNull();
		packed!.packed.dispose();
		const before = tf.memory().numTensors;
		const wasm = tf.tidy(products);
		wasm.forEach((t, i) => expect(rel(t.dataSync(), cpu[i]), `product ${i}`).toBeLessThan(1e-5));
		tf.dispose(wasm);
		expect(tf.memory().numTensors).toBe(before);
	});

	test('the relaxed-SIMD build (fused multiply-adds) gives the same products, in a Node that runs it', () => {
		// Node 20 runs relaxed SIMD behind a flag only (Chromium by default): a child Node with the flag
		// packs and multiplies with that build on its own memory and compares with a plain JS product.
		const dir = mkdtempSync(join(tmpdir(), 'relaxed-'));
		const file = join(dir, 'lstm-simd-relaxed.wasm');
		writeFileSync(file, lstmSimdBinary(false, true));
		const script = `
			const bytes = require('node:fs').readFileSync(${JSON.stringify(file)});
			if (!WebAssembly.validate(bytes)) { console.log('invalid'); process.exit(0); }
			const memory = new WebAssembly.Memory({ initial: 64 });
			const x = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
			const f = new Float32Array(memory.buffer);
			let s = 7, worst = 0;
			const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
			for (const [m, k, n] of [[5, 13, 8], [67, 40, 32], [64, 256, 64]]) {
				const [a, b, bp, c] = [0, m * k, m * k + k * n, m * k + 2 * k * n];
				for (let i = 0; i < m * k + k * n; i++) f[i] = rnd();
				x.pack(4 * b, 4 * bp, k, n, 0);
				x.gemm(4 * a, 4 * bp, 4 * c, m, k, n);
				let scale = 1e-30, err = 0;
				for (let i = 0; i < m; i++)
					for (let j = 0; j < n; j++) {
						let sum = 0;
						for (let q = 0; q < k; q++) sum += f[a + i * k + q] * f[b + q * n + j];
						scale = Math.max(scale, Math.abs(sum));
						err = Math.max(err, Math.abs(f[c + i * n + j] - sum));
					}
				worst = Math.max(worst, err / scale);
			}
			console.log(worst);`;
		const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', script], {
			encoding: 'utf8'
		}).trim();
		expect(out, 'the flag makes this Node run relaxed SIMD').not.toBe('invalid');
		expect(Number(out)).toBeLessThan(1e-5);
	});

	test('one packing serves several products; the backend’s own product where they do not run', async () => {
		await tf.setBackend('wasm');
		await tf.ready();
		const rng = new Rng('gemm-reuse');
		const u = tf.tensor2d(floats(rng, 24 * 16, 1), [24, 16]);
		const packed = packRight(u)!;
		expect([packed.k, packed.n, packed.width, packed.packed.size]).toEqual([24, 16, 16, 24 * 16]);
		for (let t = 0; t < 3; t++) {
			const h = tf.tensor2d(floats(rng, 6 * 24, 1), [6, 24]);
			expect(rel(matMulPacked(h, packed).dataSync(), tf.matMul(h, u).dataSync())).toBeLessThan(1e-6);
		}
		packed.packed.dispose();
		// Switched off, copying placement (the threaded build's shared heap): none.
		useSimdProducts(false);
		expect(packRight(u)).toBeNull();
		useSimdProducts(true);
		useSimdKernels(true, 'own');
		expect(packRight(u)).toBeNull();
		useSimdKernels(true);
		u.dispose();
	});
});

describe.skipIf(!hasShared())('training with the SIMD kernels', () => {
	test('three recipe batches on erk songs: the losses and weights of the JS kernels, within float error', async () => {
		const dir = shared('fixtures', 'music21-erk');
		const songs = readdirSync(dir)
			.sort((a, b) => Number(a) - Number(b))
			.slice(0, 40)
			.map((f) => readFileSync(`${dir}/${f}`, 'utf8').trim().split(/\s+/));
		const corpus = { id: 'erk-40', name: 'erk (40 songs)', hash: 'h40' };
		await tf.setBackend('wasm');
		await tf.ready();
		const runs: { losses: number[]; weights: Float32Array[] }[] = [];
		for (const simd of [false, true]) {
			useSimdKernels(simd);
			// The JS kernels' default on wasm is generic; compare like with like, fused against fused.
			useCellMode('fused');
			expect(cellMode()).toBe('fused');
			const t = Trainer.create(
				songs,
				{ units: 32, seqLength: 16, batchSize: 8, epochs: 1, maxBatchesPerEpoch: 3, validation: 0, seed: 3 },
				corpus
			);
			const losses: number[] = [];
			await t.run({ yieldEachBatch: false, onBatch: (p) => losses.push(p.loss) });
			const w = await t.weights();
			runs.push({ losses, weights: [w.layers[0].kernel, w.layers[0].recurrentKernel, w.denseKernel] });
			t.dispose();
		}
		useSimdKernels(true);
		useCellMode('auto');
		expect(runs[0].losses).toHaveLength(3);
		runs[1].losses.forEach((l, i) =>
			expect(Math.abs(l - runs[0].losses[i]) / runs[0].losses[i]).toBeLessThan(1e-4)
		);
		runs[1].weights.forEach((w, i) => expect(rel(w, runs[0].weights[i]), `weights ${i}`).toBeLessThan(1e-4));
	});
});
