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
});
