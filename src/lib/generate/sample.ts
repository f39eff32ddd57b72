/**
 * Sampling one symbol from a model's distribution at a temperature, as softmax(log p / T): the
 * reference's rule, computed in log space so that low temperatures neither underflow nor divide by zero.
 */
import type { Random } from './random';

export const MIN_TEMPERATURE = 0.05;
export const MAX_TEMPERATURE = 2;

/**
 * Draws an index from `probabilities` reshaped by `temperature`. Ids in `banned` are never drawn
 * (their weight is zero); if nothing else has any weight, the most probable allowed id is returned.
 */
export function sampleIndex(
	probabilities: ArrayLike<number>,
	temperature: number,
	random: Random,
	banned: ReadonlySet<number> = new Set()
): number {
	const n = probabilities.length;
	const t = Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, temperature));
	let maxLog = -Infinity;
	let best = -1;
	for (let i = 0; i < n; i++) {
		if (banned.has(i) || !(probabilities[i] > 0)) continue;
		const l = Math.log(probabilities[i]);
		if (l > maxLog) {
			maxLog = l;
			best = i;
		}
	}
	if (best < 0) {
		// Every allowed symbol has probability 0: fall back to the first allowed one.
		for (let i = 0; i < n; i++) if (!banned.has(i)) return i;
		throw new Error('Every symbol is banned; nothing can be sampled.');
	}
	const weights = new Float64Array(n);
	let sum = 0;
	for (let i = 0; i < n; i++) {
		if (banned.has(i) || !(probabilities[i] > 0)) continue;
		weights[i] = Math.exp((Math.log(probabilities[i]) - maxLog) / t);
		sum += weights[i];
	}
	let u = random() * sum;
	for (let i = 0; i < n; i++) {
		if (weights[i] === 0) continue;
		u -= weights[i];
		if (u < 0) return i;
	}
	return best;
}

/** The distribution `sampleIndex` draws from (for tests and for showing the user what T does). */
export function temperatureDistribution(probabilities: ArrayLike<number>, temperature: number): Float64Array {
	const n = probabilities.length;
	const t = Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, temperature));
	let maxLog = -Infinity;
	for (let i = 0; i < n; i++) if (probabilities[i] > 0) maxLog = Math.max(maxLog, Math.log(probabilities[i]));
	const out = new Float64Array(n);
	let sum = 0;
	for (let i = 0; i < n; i++) {
		if (!(probabilities[i] > 0)) continue;
		out[i] = Math.exp((Math.log(probabilities[i]) - maxLog) / t);
		sum += out[i];
	}
	for (let i = 0; i < n; i++) out[i] /= sum;
	return out;
}
