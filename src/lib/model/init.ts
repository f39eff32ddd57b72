/**
 * Keras's initial weights, computed in plain JS from a seeded generator: Glorot-uniform kernels, an
 * orthogonal recurrent kernel (TensorFlow.js's own orthogonal initializer takes minutes; see
 * docs/browsers.md), zero biases with the forget gate's at 1.
 */
import type { LstmLayerWeights, LstmModelWeights } from './types';
import { Rng } from './rng';
import { METER_FEATURES } from './features';

/** Glorot-uniform [rows, cols]. */
export function glorotUniform(rng: Rng, rows: number, cols: number): Float32Array {
	const limit = Math.sqrt(6 / (rows + cols));
	const out = new Float32Array(rows * cols);
	for (let i = 0; i < out.length; i++) out[i] = (rng.next() * 2 - 1) * limit;
	return out;
}

/** A [rows, cols] matrix with orthonormal rows (rows ≤ cols) or columns, like Keras's Orthogonal. */
export function orthogonal(rng: Rng, rows: number, cols: number): Float32Array {
	const long = Math.max(rows, cols);
	const short = Math.min(rows, cols);
	// `short` vectors of length `long`, orthonormalized by modified Gram–Schmidt.
	const vecs: Float64Array[] = [];
	for (let k = 0; k < short; k++) {
		const v = new Float64Array(long);
		for (let i = 0; i < long; i++) v[i] = rng.normal();
		for (const u of vecs) {
			let dot = 0;
			for (let i = 0; i < long; i++) dot += u[i] * v[i];
			for (let i = 0; i < long; i++) v[i] -= dot * u[i];
		}
		let norm = 0;
		for (let i = 0; i < long; i++) norm += v[i] * v[i];
		norm = Math.sqrt(norm) || 1;
		for (let i = 0; i < long; i++) v[i] /= norm;
		vecs.push(v);
	}
	const out = new Float32Array(rows * cols);
	for (let k = 0; k < short; k++)
		for (let i = 0; i < long; i++) {
			if (rows <= cols) out[k * cols + i] = vecs[k][i];
			else out[i * cols + k] = vecs[k][i];
		}
	return out;
}

/** Fresh weights for a stacked LSTM over one-hot symbols (and bar features) with a softmax output. */
export function initialWeights(
	vocabulary: string[],
	layers: number,
	units: number,
	seed: number,
	meterInput = false
): LstmModelWeights {
	const rng = new Rng(`init:${seed}`);
	const v = vocabulary.length;
	const list: LstmLayerWeights[] = [];
	for (let l = 0; l < layers; l++) {
		const inputSize = l === 0 ? v + (meterInput ? METER_FEATURES : 0) : units;
		const bias = new Float32Array(4 * units);
		bias.fill(1, units, 2 * units);
		list.push({
			inputSize,
			units,
			kernel: glorotUniform(rng, inputSize, 4 * units),
			recurrentKernel: orthogonal(rng, units, 4 * units),
			bias
		});
	}
	return {
		vocabulary: [...vocabulary],
		layers: list,
		denseKernel: glorotUniform(rng, units, v),
		denseBias: new Float32Array(v),
		...(meterInput ? { meterInput: true } : {})
	};
}
