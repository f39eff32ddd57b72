/**
 * Drawing one symbol from a model's distribution: temperature as softmax(log p / T) (the reference's
 * rule, computed in log space so that low temperatures neither underflow nor divide by zero), then
 * nucleus (top-p) sampling, which draws only from the most probable symbols that together hold `topP` of
 * the probability: the long tail of unlikely symbols, where most odd notes come from, is cut off while
 * the choice among likely ones stays as free as the temperature makes it.
 */
import type { Random } from './random';

export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 2;
/** Smallest nucleus offered; 1 keeps every symbol. */
export const MIN_TOP_P = 0.05;

/**
 * The distribution a draw is made from: `probabilities` reshaped by `temperature`, ids in `banned` at
 * zero, then cut to the nucleus of mass `topP` (ties at the edge are kept) and normalised. If nothing
 * allowed has any weight, all of it goes to the first allowed id.
 */
export function samplingDistribution(
	probabilities: ArrayLike<number>,
	temperature: number,
	banned: ReadonlySet<number> = new Set(),
	topP = 1
): Float64Array {
	const n = probabilities.length;
	const t = Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, temperature));
	const out = new Float64Array(n);
	let maxLog = -Infinity;
	for (let i = 0; i < n; i++)
		if (!banned.has(i) && probabilities[i] > 0) maxLog = Math.max(maxLog, Math.log(probabilities[i]));
	if (maxLog === -Infinity) {
		for (let i = 0; i < n; i++)
			if (!banned.has(i)) {
				out[i] = 1;
				return out;
			}
		throw new Error('Every symbol is banned; nothing can be sampled.');
	}
	let sum = 0;
	for (let i = 0; i < n; i++) {
		if (banned.has(i) || !(probabilities[i] > 0)) continue;
		out[i] = Math.exp((Math.log(probabilities[i]) - maxLog) / t);
		sum += out[i];
	}
	for (let i = 0; i < n; i++) out[i] /= sum;
	if (topP < 1) {
		const order = Array.from(out.keys())
			.filter((i) => out[i] > 0)
			.sort((a, b) => out[b] - out[a]);
		let mass = 0;
		let cut = Infinity;
		for (const i of order) {
			// (A hair of tolerance: float32 shares that add up to top-p must not let the next one in.)
			if (mass >= Math.max(MIN_TOP_P, topP) - 1e-6) {
				// Keep ties with the last kept symbol, so the nucleus never depends on the sort's order.
				if (out[i] < cut) out[i] = 0;
				continue;
			}
			mass += out[i];
			cut = out[i];
		}
		let kept = 0;
		for (let i = 0; i < n; i++) kept += out[i];
		for (let i = 0; i < n; i++) out[i] /= kept;
	}
	return out;
}

/** Draws an index from `samplingDistribution(probabilities, temperature, banned, topP)`. */
export function sampleIndex(
	probabilities: ArrayLike<number>,
	temperature: number,
	random: Random,
	banned: ReadonlySet<number> = new Set(),
	topP = 1
): number {
	const weights = samplingDistribution(probabilities, temperature, banned, topP);
	let u = random();
	let last = -1;
	for (let i = 0; i < weights.length; i++) {
		if (weights[i] === 0) continue;
		last = i;
		u -= weights[i];
		if (u < 0) return i;
	}
	// Rounding left a sliver of u: the last symbol with weight takes it.
	return last;
}
