/**
 * Keras's initial weights, computed in plain JS from a seeded generator: Glorot-uniform kernels, an
 * orthogonal recurrent kernel (TensorFlow.js's own orthogonal initializer takes minutes; see
 * docs/browsers.md), zero biases with the forget gate's at 1.
 */
import type { LstmLayerWeights, LstmModelWeights } from './types';
import { Rng } from './rng';
import { firstInputSize, LOOKBACK_BARS, METER_FEATURES } from './features';

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
	meterInput = false,
	styles: readonly string[] = [],
	lookback = false
): LstmModelWeights {
	const rng = new Rng(`init:${seed}`);
	const v = vocabulary.length;
	const list: LstmLayerWeights[] = [];
	for (let l = 0; l < layers; l++) {
		const inputSize = l === 0 ? firstInputSize(v, { meterInput, styles, lookback }) : units;
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
		...(meterInput ? { meterInput: true } : {}),
		...(styles.length ? { styles: [...styles] } : {}),
		...(lookback && meterInput ? { lookback: true } : {})
	};
}

/** `carryWeights`' rows of the lookback block: each symbol's rows follow the symbol; flags carry over. */
function lookbackRows(from: LstmModelWeights, fresh: LstmModelWeights, oldBase: number): number[] {
	const oldV = from.vocabulary.length;
	const n = LOOKBACK_BARS.length;
	const oldIndex = new Map(from.vocabulary.map((s, i) => [s, i]));
	const symbolRows = (k: number) =>
		fresh.vocabulary.map((s) => {
			const i = oldIndex.get(s);
			return from.lookback && i !== undefined ? oldBase + k * oldV + i : -2;
		});
	const flags = LOOKBACK_BARS.map((_, k) => (from.lookback ? oldBase + n * oldV + k : -2));
	return [...LOOKBACK_BARS.flatMap((_, k) => symbolRows(k)), ...flags];
}

/**
 * A trained model's weights carried into a new run whose vocabulary or styles differ (training it further
 * on more corpora, each a style): rows and columns of symbols both know are copied, a new symbol starts
 * fresh and unlikely, and a new style starts at zero, so the new model begins exactly where the old one
 * stopped when no style is chosen.
 */
export function carryWeights(from: LstmModelWeights, fresh: LstmModelWeights): LstmModelWeights {
	const bad = (what: string) => {
		throw new Error(`The model to continue from ${what}; start a new run instead.`);
	};
	if (from.layers.length !== fresh.layers.length)
		bad(`has ${from.layers.length} layers, not ${fresh.layers.length}`);
	if ((from.meterInput === true) !== (fresh.meterInput === true))
		bad(from.meterInput ? 'reads bar positions and this run does not' : 'does not read bar positions');
	from.layers.forEach((l, i) => {
		if (l.units !== fresh.layers[i].units) bad(`has ${l.units} units in layer ${i + 1}`);
	});
	const oldV = from.vocabulary.length;
	const newV = fresh.vocabulary.length;
	const oldIndex = new Map(from.vocabulary.map((s, i) => [s, i]));
	const meter = fresh.meterInput ? METER_FEATURES : 0;
	const oldStyles = from.styles ?? [];
	// Row of `from`'s first layer for each row of the new one (−1: keep fresh, −2: zero).
	const rows: number[] = [
		...fresh.vocabulary.map((s) => oldIndex.get(s) ?? -1),
		...Array.from({ length: meter }, (_, f) => oldV + f),
		...(fresh.styles ?? []).map((s) => {
			const k = oldStyles.indexOf(s);
			return k < 0 ? -2 : oldV + meter + k;
		}),
		...(fresh.lookback ? lookbackRows(from, fresh, oldV + meter + oldStyles.length) : [])
	];
	const layers = fresh.layers.map((l, i) => {
		const old = from.layers[i];
		if (i > 0)
			return {
				...l,
				kernel: old.kernel.slice(),
				recurrentKernel: old.recurrentKernel.slice(),
				bias: old.bias.slice()
			};
		const g = 4 * l.units;
		const kernel = l.kernel.slice();
		rows.forEach((r, row) => {
			if (r === -2) kernel.fill(0, row * g, (row + 1) * g);
			else if (r >= 0) kernel.set(old.kernel.subarray(r * g, (r + 1) * g), row * g);
		});
		return { ...l, kernel, recurrentKernel: old.recurrentKernel.slice(), bias: old.bias.slice() };
	});
	const top = fresh.layers[fresh.layers.length - 1].units;
	const denseKernel = fresh.denseKernel.slice();
	const denseBias = fresh.denseBias.slice();
	const rarest = Math.min(...from.denseBias);
	fresh.vocabulary.forEach((s, j) => {
		const o = oldIndex.get(s);
		if (o === undefined) {
			denseBias[j] = rarest - 1;
			return;
		}
		denseBias[j] = from.denseBias[o];
		for (let u = 0; u < top; u++) denseKernel[u * newV + j] = from.denseKernel[u * oldV + o];
	});
	return { ...fresh, layers, denseKernel, denseBias };
}
