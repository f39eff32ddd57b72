/**
 * The dropout mask of a training batch (fast-lstm.ts `dropoutMask`): the generator written out on locals
 * draws exactly what the seeded `Rng` draws, so masks, and so trained weights, are those of before.
 */
import { describe, expect, test } from 'vitest';
import { dropoutMask } from '../../../src/lib/train/fast-lstm';
import { Rng } from '../../../src/lib/model/rng';

describe('dropoutMask', () => {
	test.each([
		[1, 0.2],
		[12345, 0.5],
		[-7, 0.05]
	])('seed %d, rate %d: the values of Rng.next() drawn one by one', (seed, rate) => {
		const count = 100_003;
		const rng = new Rng(seed);
		const keep = 1 / (1 - rate);
		const want = Float32Array.from({ length: count }, () => (rng.next() < rate ? 0 : keep));
		const mask = dropoutMask(count, rate, seed);
		expect(mask).toEqual(want);
		// And it drops about `rate` of them.
		const dropped = mask.filter((x) => x === 0).length / count;
		expect(Math.abs(dropped - rate)).toBeLessThan(0.01);
	});
});
