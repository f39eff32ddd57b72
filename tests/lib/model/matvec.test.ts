import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { MatvecArena, matvecBinary, paddedColumns } from '../../../src/lib/model/matvec';
import { mulberry32 } from '../../../src/lib/generate/random';

describe('matvec (WebAssembly SIMD)', () => {
	it('is the compiled matvec.wat', async () => {
		const wabt = await wabtInit();
		const source = readFileSync(new URL('../../../src/lib/model/matvec.wat', import.meta.url), 'utf8');
		const module = wabt.parseWat('matvec.wat', source, { simd: true });
		const { buffer } = module.toBinary({});
		module.destroy();
		expect(Buffer.from(matvecBinary()).equals(Buffer.from(buffer))).toBe(true);
	});

	it('adds x·W to z for padded, odd-sized matrices, leaving other blocks alone', () => {
		const r = mulberry32(3);
		const rows = 13;
		const cols = 37;
		const stride = paddedColumns(cols);
		const W = Float32Array.from({ length: rows * cols }, () => r() * 2 - 1);
		const x = Float32Array.from({ length: rows }, () => r() * 2 - 1);
		const made = MatvecArena.create([rows * stride, rows, stride, 5])!;
		expect(made, 'Node has WebAssembly SIMD').not.toBeNull();
		const { arena, offsets } = made;
		const [w, xo, z, guard] = offsets;
		arena.setMatrix(w, W, rows, cols, stride);
		arena.f32.set(x, xo);
		for (let j = 0; j < stride; j++) arena.f32[z + j] = j;
		arena.f32.fill(7, guard, guard + 5);
		arena.matvec(w, xo, z, rows, stride);
		for (let j = 0; j < cols; j++) {
			let want = j;
			for (let k = 0; k < rows; k++) want += x[k] * W[k * cols + j];
			expect(arena.f32[z + j]).toBeCloseTo(want, 5);
		}
		// Padding columns hold zeros in W: their sums are unchanged.
		for (let j = cols; j < stride; j++) expect(arena.f32[z + j]).toBe(j);
		expect([...arena.f32.subarray(guard, guard + 5)]).toEqual([7, 7, 7, 7, 7]);
		expect(offsets.every((o) => o % 4 === 0)).toBe(true);
	});

	it('computes an LSTM step’s gates as Keras does, within float32 rounding, over the whole range', () => {
		const r = mulberry32(9);
		const n = 64;
		// Gate sums from −100 to 100 (the exponential's clamp), most of them where the curves bend.
		const z = Float32Array.from({ length: 4 * n }, (_, i) =>
			i < 8 ? [-100, 100, -88, 88, -20, 20, 0, -0][i] : (r() * 2 - 1) * (r() < 0.9 ? 6 : 40)
		);
		const c0 = Float32Array.from({ length: n }, () => (r() * 2 - 1) * 3);
		const made = MatvecArena.create([4 * n, n, n, 4])!;
		const { arena, offsets } = made;
		const [zo, co, ho, guard] = offsets;
		arena.f32.set(z, zo);
		arena.f32.set(c0, co);
		arena.f32.fill(7, guard, guard + 4);
		arena.gates(zo, co, ho, n);
		const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
		let worst = 0;
		for (let j = 0; j < n; j++) {
			const c = sigmoid(z[n + j]) * c0[j] + sigmoid(z[j]) * Math.tanh(z[2 * n + j]);
			const h = sigmoid(z[3 * n + j]) * Math.tanh(c);
			worst = Math.max(worst, Math.abs(arena.f32[co + j] - c), Math.abs(arena.f32[ho + j] - h));
		}
		expect(worst).toBeLessThan(2e-6);
		expect([...arena.f32.subarray(guard, guard + 4)]).toEqual([7, 7, 7, 7]);
	});
});
