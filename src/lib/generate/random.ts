/**
 * A small seeded PRNG (mulberry32): the same seed gives the same melody on every machine and backend,
 * which `Math.random` cannot promise.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** Returns a generator seeded with a 32-bit integer. */
export function mulberry32(seed: number): Random {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Mixes a base seed with an index, so variation k of seed s never collides with variation 0 of seed s + k. */
export function deriveSeed(seed: number, index: number): number {
	let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) >>> 0;
}

/** One index drawn with chance in proportion to `weights` (the last where rounding leaves a sliver). */
export function pickWeighted(weights: readonly number[], random: Random): number {
	const total = weights.reduce((a, b) => a + b, 0);
	let r = random() * total;
	for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
	return weights.length - 1;
}

/** A fresh random seed for when the user gives none (shown to them so they can make it again). */
export function randomSeed(): number {
	return Math.floor(Math.random() * 2 ** 31);
}
