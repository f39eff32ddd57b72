/**
 * The one check every model passes before the app or the command line uses it, whatever file it came from
 * (the app's format, a training checkpoint, an imported Keras model): a vocabulary of distinct melody
 * symbols with `/` among them, distinct style names, layer shapes that fit together, and weights that are all finite numbers.
 * Each answer is a phrase ("its vocabulary holds "60" twice") that the caller puts into a sentence naming
 * the file and the fix.
 */
import { isMelodySymbol, SONG_END } from '../music/symbols';
import { firstInputSize } from './features';
import type { LstmModelWeights } from './types';

/** The most LSTM layers and units per layer read: far above what is trained here, far below what exhausts memory. */
export const MAX_LAYERS = 8;
export const MAX_UNITS = 4096;

/**
 * The one size limit for a model: 256 MB (MiB) of float32 weights. Whatever writes a model (training, a
 * merge, an import) refuses a larger one before the work — a merge sums its members' units first — and
 * whatever reads a model file (the app's zip, a `.h5`, a model folder) takes up to this plus
 * MODEL_FILE_SLACK for its descriptions and container, so every model written can be read back.
 */
export const MAX_MODEL_BYTES = 256 * 2 ** 20;
/** Room in a model file beside its weights: model.json, metadata.json (members, history), HDF5's tables. */
export const MODEL_FILE_SLACK = 16 * 2 ** 20;
/** The largest model file read (zip, `.h5`): the largest model's weights and its descriptions. */
export const MAX_MODEL_FILE_BYTES = MAX_MODEL_BYTES + MODEL_FILE_SLACK;

/** Bytes in words: "274 MB" (MiB, as the limits are counted). */
export function megabytes(bytes: number): string {
	return `${Math.round(bytes / 2 ** 20)} MB`;
}

/**
 * The bytes of float32 weights of an LSTM model: `inputSize` inputs, LSTM layers of `units`, a
 * `vocabulary`-wide output layer. Counted from shapes, so a merge can be refused before it allocates.
 */
export function modelBytes(inputSize: number, units: readonly number[], vocabulary: number): number {
	let n = 0;
	let input = inputSize;
	for (const u of units) {
		n += (input + u + 1) * 4 * u;
		input = u;
	}
	return 4 * (n + (input + 1) * vocabulary);
}

/** What is wrong with a vocabulary, or null. */
export function vocabularyProblem(vocabulary: unknown): string | null {
	if (!Array.isArray(vocabulary) || vocabulary.length < 2)
		return 'its vocabulary is missing or has fewer than 2 symbols';
	const seen = new Set<string>();
	for (const s of vocabulary) {
		if (!isMelodySymbol(s))
			return (
				`its vocabulary holds ${JSON.stringify(s)?.slice(0, 40) ?? String(s)}, which is not a symbol of the ` +
				'melody notation (a MIDI number 0–127, "r", "_" or "/")'
			);
		if (seen.has(s)) return `its vocabulary holds "${s}" twice`;
		seen.add(s);
	}
	if (!seen.has(SONG_END))
		return 'its vocabulary has no "/" (the song delimiter), so it cannot start or end a melody';
	return null;
}

/** The most styles a model may have: far more than any corpus collection here, few enough to list. */
export const MAX_STYLES = 256;

/** What is wrong with a model's list of styles (distinct, non-empty names of at most 100 characters), or null. */
export function styleListProblem(styles: unknown): string | null {
	if (!Array.isArray(styles)) return 'its list of styles is not a list of names';
	if (styles.length > MAX_STYLES) return `it has ${styles.length} styles, more than ${MAX_STYLES}`;
	const seen = new Set<string>();
	for (const x of styles) {
		if (typeof x !== 'string' || x.trim() === '' || x.length > 100)
			return `its list of styles holds ${JSON.stringify(x)?.slice(0, 40) ?? String(x)}, which is not a style name`;
		if (seen.has(x)) return `its list of styles holds "${x}" twice`;
		seen.add(x);
	}
	return null;
}

/** How many values of `a` are NaN or infinite. */
function nonFinite(a: Float32Array): number {
	let n = 0;
	for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) n++;
	return n;
}

const units = (n: unknown): n is number =>
	Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_UNITS;

/** What is wrong with a model's weights (vocabulary, shapes, values), or null. */
export function weightsProblem(w: LstmModelWeights): string | null {
	const vocab = vocabularyProblem(w.vocabulary);
	if (vocab) return vocab;
	const v = w.vocabulary.length;
	const styles = w.styles === undefined ? null : styleListProblem(w.styles);
	if (styles) return styles;
	if (!Array.isArray(w.layers) || w.layers.length < 1) return 'it has no LSTM layer';
	if (w.layers.length > MAX_LAYERS) return `it has ${w.layers.length} LSTM layers, more than ${MAX_LAYERS}`;
	const arrays: [string, Float32Array][] = [];
	for (let i = 0; i < w.layers.length; i++) {
		const l = w.layers[i];
		const inSize = i === 0 ? firstInputSize(v, w) : w.layers[i - 1].units;
		if (!units(l.units)) return `LSTM layer ${i + 1} has ${l.units} units (1 to ${MAX_UNITS} are possible)`;
		if (l.inputSize !== inSize) return `LSTM layer ${i + 1} expects ${l.inputSize} inputs, not ${inSize}`;
		const g = 4 * l.units;
		if (l.kernel?.length !== inSize * g || l.recurrentKernel?.length !== l.units * g || l.bias?.length !== g)
			return `the weights of LSTM layer ${i + 1} have the wrong size`;
		arrays.push(
			[`LSTM layer ${i + 1}'s kernel`, l.kernel],
			[`LSTM layer ${i + 1}'s recurrent kernel`, l.recurrentKernel],
			[`LSTM layer ${i + 1}'s bias`, l.bias]
		);
	}
	const last = w.layers[w.layers.length - 1].units;
	if (w.denseKernel?.length !== last * v || w.denseBias?.length !== v)
		return `the output layer does not match the ${v}-symbol vocabulary`;
	const bytes = modelBytes(
		w.layers[0].inputSize,
		w.layers.map((l) => l.units),
		v
	);
	if (bytes > MAX_MODEL_BYTES)
		return `its weights take ${megabytes(bytes)}, more than the ${megabytes(MAX_MODEL_BYTES)} a model may have`;
	arrays.push(['the output layer’s kernel', w.denseKernel], ['the output layer’s bias', w.denseBias]);
	for (const [name, a] of arrays) {
		const n = nonFinite(a);
		if (n > 0)
			return `${name} holds ${n} value${n === 1 ? '' : 's'} that ${n === 1 ? 'is' : 'are'} not a finite number (NaN or infinity), so every prediction would be meaningless`;
	}
	return null;
}

/** What is wrong with a list of arrays that should all be finite (an optimizer's state), or null. */
export function finiteProblem(name: string, arrays: Float32Array[]): string | null {
	const n = arrays.reduce((s, a) => s + nonFinite(a), 0);
	return n > 0
		? `${name} holds ${n} value${n === 1 ? '' : 's'} that ${n === 1 ? 'is' : 'are'} not a finite number`
		: null;
}
