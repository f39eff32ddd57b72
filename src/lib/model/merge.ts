/**
 * Several trained models as one: the members' LSTMs side by side in one wider LSTM whose recurrent
 * kernels are block-diagonal (no member reads another's state), and one output layer that averages the
 * members' logits. The result predicts the normalized geometric mean of the members' probabilities, which
 * is never worse in bits than the members' average and usually better than the best of them (an ensemble),
 * yet it is an ordinary model: every part of the app, the Keras export and further training take it as is.
 */
import type { LstmLayerWeights, LstmModelWeights, MemberOutput, OutputRecord } from './types';
import {
	newModelMetadata,
	type ModelMetadata,
	type OpenedModel,
	type SongForms,
	type SongTemplate
} from './format';
import { MAX_MODEL_BYTES, MAX_UNITS, megabytes, modelBytes } from './validate';

/** What a design is called in a sentence. */
const DESIGN_WORDS: Record<ModelMetadata['design'], string> = {
	sequence: 'the sequence design (whole songs, every position)',
	window: "the window design (the reference's 64-step windows)"
};

/**
 * Why the members, merged, would be larger than a model may be (MAX_UNITS per layer, MAX_MODEL_BYTES of
 * weights), or null: counted from their shapes, before any work. Says how many of them fit.
 */
export function mergeSizeProblem(members: readonly LstmModelWeights[]): string | null {
	const size = (k: number) => {
		const units = members[0].layers.map((_, i) =>
			members.slice(0, k).reduce((s, m) => s + (m.layers[i]?.units ?? 0), 0)
		);
		return { units, bytes: modelBytes(members[0].layers[0].inputSize, units, members[0].vocabulary.length) };
	};
	const fits = (k: number) => {
		const { units, bytes } = size(k);
		return units.every((u) => u <= MAX_UNITS) && bytes <= MAX_MODEL_BYTES;
	};
	if (fits(members.length)) return null;
	let k = members.length - 1;
	while (k > 1 && !fits(k)) k--;
	const { units, bytes } = size(members.length);
	const widest = Math.max(...units);
	const what =
		widest > MAX_UNITS
			? `${widest} units in an LSTM layer, more than the ${MAX_UNITS} a model may have`
			: `${megabytes(bytes)} of weights, more than the ${megabytes(MAX_MODEL_BYTES)} a model may have`;
	const fix = k > 1 ? `merge at most ${k} of them` : 'even two of them are too large to merge';
	return `merged, these ${members.length} models would have ${what} (so no app or command could read it back); ${fix}`;
}

/**
 * Why these models cannot be merged (they must read the same inputs), or null. `names` (the models' names,
 * in order) make the sentence name them; without, they are "model 1", "model 2", ….
 */
export function mergeProblem(
	members: readonly LstmModelWeights[],
	names: readonly string[] = [],
	designs: readonly (ModelMetadata['design'] | undefined)[] = []
): string | null {
	if (members.length < 2) return 'merging needs at least two models';
	const [first, ...rest] = members;
	const same = (a: readonly string[] = [], b: readonly string[] = []) =>
		a.length === b.length && a.every((s, i) => s === b[i]);
	const named = (i: number) => (names[i] ? `“${names[i]}”` : `model ${i + 1}`);
	for (const [i, m] of rest.entries()) {
		const which = named(i + 1);
		if (!same(m.vocabulary, first.vocabulary)) return `${which} has another vocabulary than ${named(0)}`;
		if (!same(m.styles, first.styles)) return `${which} has other styles than ${named(0)}`;
		if ((m.meterInput === true) !== (first.meterInput === true))
			return `${which} ${m.meterInput ? 'reads' : 'does not read'} the bar position, ${named(0)} ${first.meterInput ? 'does' : 'does not'}`;
		if ((m.lookback === true) !== (first.lookback === true))
			return `${which} ${m.lookback ? 'looks' : 'does not look'} back bars, ${named(0)} ${first.lookback ? 'does' : 'does not'}`;
		if (m.layers.length !== first.layers.length)
			return `${which} has ${m.layers.length} LSTM layers, ${named(0)} ${first.layers.length}`;
		// The two designs read a song differently (a running state against a fresh 64-step window).
		const [a, b] = [designs[0] ?? 'sequence', designs[i + 1] ?? 'sequence'];
		if (a !== b) return `${which} is of ${DESIGN_WORDS[b]}, ${named(0)} of ${DESIGN_WORDS[a]}`;
	}
	return mergeSizeProblem(members);
}

/**
 * One layer of the merged model: member m's unit j of gate g sits at column g·U + offset(m) + j of the
 * Keras layout (gates i, f, c, o, each U wide). The first layer's input is shared by all members; above
 * it, member m reads only its own rows.
 */
function mergeLayer(layers: readonly LstmLayerWeights[], sharedInput: boolean): LstmLayerWeights {
	const units = layers.reduce((s, l) => s + l.units, 0);
	const inputSize = sharedInput ? layers[0].inputSize : units;
	const kernel = new Float32Array(inputSize * 4 * units);
	const recurrentKernel = new Float32Array(units * 4 * units);
	const bias = new Float32Array(4 * units);
	let off = 0;
	/** Where member m's input rows start: its own layer below's units (above the first layer). */
	let inOff = 0;
	for (const l of layers) {
		const u = l.units;
		for (let g = 0; g < 4; g++) {
			const to = g * units + off;
			const from = g * u;
			bias.set(l.bias.subarray(from, from + u), to);
			for (let r = 0; r < l.inputSize; r++) {
				const row = sharedInput ? r : inOff + r;
				kernel.set(l.kernel.subarray(r * 4 * u + from, r * 4 * u + from + u), row * 4 * units + to);
			}
			for (let r = 0; r < u; r++)
				recurrentKernel.set(
					l.recurrentKernel.subarray(r * 4 * u + from, r * 4 * u + from + u),
					(off + r) * 4 * units + to
				);
		}
		off += u;
		inOff += l.inputSize;
	}
	return { inputSize, units, kernel, recurrentKernel, bias };
}

/** The members as one model (see the file's comment); `mergeProblem` must be null. */
export function mergeModels(members: readonly LstmModelWeights[]): LstmModelWeights {
	const problem = mergeProblem(members);
	if (problem) throw new Error(`These models cannot be merged: ${problem}.`);
	const first = members[0];
	const v = first.vocabulary.length;
	const layers = first.layers.map((_, i) =>
		mergeLayer(
			members.map((m) => m.layers[i]),
			i === 0
		)
	);
	const top = layers[layers.length - 1].units;
	const denseKernel = new Float32Array(top * v);
	const denseBias = new Float32Array(v);
	const share = 1 / members.length;
	let off = 0;
	for (const m of members) {
		const u = m.layers[m.layers.length - 1].units;
		for (let k = 0; k < u * v; k++) denseKernel[off * v + k] = m.denseKernel[k] * share;
		for (let k = 0; k < v; k++) denseBias[k] += m.denseBias[k] * share;
		off += u;
	}
	return {
		vocabulary: [...first.vocabulary],
		layers,
		denseKernel,
		denseBias,
		...(first.meterInput ? { meterInput: true } : {}),
		...(first.styles?.length ? { styles: [...first.styles] } : {}),
		...(first.lookback ? { lookback: true } : {}),
		// Each member's own output bias, for sampling from the mixture (the merged bias is their mean).
		members: members.map((m) => ({
			units: m.layers[m.layers.length - 1].units,
			denseBias: Float32Array.from(m.denseBias),
			...(m.members && m.members.length > 1 ? { members: m.members } : {})
		}))
	};
}

/**
 * The metadata of a merged model named `name`: the first member's settings with the merged width, and each
 * member's name, settings, history and corpus under `members`. Its own history is empty: it was never
 * trained as one.
 */
export function mergedMetadata(
	members: readonly OpenedModel[],
	merged: LstmModelWeights,
	name: string
): ModelMetadata {
	const first = members[0].metadata;
	return newModelMetadata({
		name,
		vocabulary: merged.vocabulary,
		config: first.config ? { ...first.config, units: merged.layers[0].units } : null,
		design: first.design,
		corpus: first.corpus,
		...(merged.styles ? { styles: [...merged.styles] } : {}),
		...songFormsOf(members.map((m) => m.metadata.songForms)),
		members: members.map(({ metadata: m }, i) => ({
			name: m.name,
			config: m.config,
			history: m.history,
			corpus: m.corpus,
			...(m.scores ? { scores: m.scores } : {}),
			...(merged.members?.[i] ? outputRecord(merged.members[i]) : {})
		}))
	});
}

/**
 * The members' song forms as one set (a tune "as the songs go" draws from all their songs): the same
 * form kept by several members counts their songs together. None when no member kept any.
 */
function songFormsOf(all: readonly (SongForms | undefined)[]): { songForms?: SongForms } {
	const byMeter = new Map<string, Map<string, SongTemplate>>();
	for (const forms of all)
		for (const [meter, templates] of Object.entries(forms ?? {})) {
			const seen = byMeter.get(meter) ?? new Map<string, SongTemplate>();
			byMeter.set(meter, seen);
			for (const t of templates) {
				// Every field but the count: forms that differ in mode or style stay apart.
				const { n: _n, ...form } = t;
				const key = JSON.stringify(form);
				const had = seen.get(key);
				seen.set(key, had ? { ...had, n: had.n + t.n } : { ...t });
			}
		}
	if (byMeter.size === 0) return {};
	return { songForms: Object.fromEntries([...byMeter].map(([meter, m]) => [meter, [...m.values()]])) };
}

function outputRecord(m: MemberOutput): OutputRecord {
	return {
		outputUnits: m.units,
		outputBias: Array.from(m.denseBias),
		...(m.members ? { outputMembers: m.members.map(outputRecord) } : {})
	};
}

/** A range of units that reads no other unit's state. */
export interface UnitBlock {
	start: number;
	size: number;
}

/**
 * The independent blocks of a layer's recurrent kernel ([units, 4·units], Keras layout): the unit ranges
 * that read only their own state, as in a merged model, so a step can skip the zeros between them. An
 * ordinary layer is one block. Only contiguous ranges are found (merging makes no other kind).
 */
export function recurrentBlocks(recurrentKernel: Float32Array, units: number): UnitBlock[] {
	const n = units;
	// For each row (a unit's state) the lowest and highest unit whose gates read it.
	const low = new Int32Array(n).fill(n);
	const high = new Int32Array(n).fill(-1);
	for (let r = 0; r < n; r++)
		for (let k = 0; k < 4 * n; k++)
			if (recurrentKernel[r * 4 * n + k] !== 0) {
				const j = k % n;
				if (j < low[r]) low[r] = j;
				if (j > high[r]) high[r] = j;
			}
	// A cut before unit p is clean when no row above it reaches past it and no row below reaches above it.
	const fromBelow = new Int32Array(n + 1).fill(n);
	for (let r = n - 1; r >= 0; r--) fromBelow[r] = Math.min(fromBelow[r + 1], low[r], r);
	const blocks: UnitBlock[] = [];
	let start = 0;
	let reach = -1;
	for (let p = 1; p <= n; p++) {
		reach = Math.max(reach, high[p - 1], p - 1);
		if (p === n || (reach < p && fromBelow[p] >= p)) {
			blocks.push({ start, size: p - start });
			start = p;
		}
	}
	return blocks;
}

/**
 * The output bias that best fits logits without bias (`logits`: steps × v, row-major) to the symbols that
 * followed (`targets`): the maximum of the log-likelihood, pulled towards `prior` by `l2`/2·|b − prior|²
 * (so a symbol the songs never have keeps the prior). At a trained model's optimum its own bias satisfies
 * this (the predicted count of each symbol equals its count in the training songs), which is how a merged
 * model's members' biases are recovered when only their mean was kept (`scripts/member-bias.ts`).
 * Newton's method on the concave objective; deterministic.
 */
export function fitOutputBias(
	logits: Float32Array,
	v: number,
	targets: Int32Array,
	prior: Float32Array,
	l2 = 1,
	iterations = 50
): Float32Array {
	const b = Float64Array.from(prior);
	const p = new Float64Array(v);
	for (let it = 0; it < iterations; it++) {
		const grad = new Float64Array(v);
		const hess = new Float64Array(v * v);
		for (let t = 0; t < targets.length; t++) {
			let max = -Infinity;
			for (let j = 0; j < v; j++) max = Math.max(max, (p[j] = logits[t * v + j] + b[j]));
			let sum = 0;
			for (let j = 0; j < v; j++) sum += p[j] = Math.exp(p[j] - max);
			for (let j = 0; j < v; j++) p[j] /= sum;
			grad[targets[t]] += 1;
			for (let j = 0; j < v; j++) {
				grad[j] -= p[j];
				if (p[j] < 1e-12) continue;
				hess[j * v + j] += p[j];
				for (let k = 0; k < v; k++) hess[j * v + k] -= p[j] * p[k];
			}
		}
		for (let j = 0; j < v; j++) {
			grad[j] -= l2 * (b[j] - prior[j]);
			hess[j * v + j] += l2;
		}
		// Newton step: b += H⁻¹ g, H (the negative Hessian) positive definite thanks to l2.
		const step = choleskySolve(hess, grad, v);
		// Far from the optimum a full Newton step can overshoot: at most 1 (nats) per symbol at a time.
		const longest = step.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
		const damp = longest > 1 ? 1 / longest : 1;
		let change = 0;
		for (let j = 0; j < v; j++) {
			b[j] += damp * step[j];
			change = Math.max(change, Math.abs(damp * step[j]));
		}
		if (change < 1e-7) break;
	}
	return Float32Array.from(b);
}

/** Solves A x = y for symmetric positive definite A (n×n, row-major; overwritten). */
function choleskySolve(a: Float64Array, y: Float64Array, n: number): Float64Array {
	for (let j = 0; j < n; j++) {
		let d = a[j * n + j];
		for (let k = 0; k < j; k++) d -= a[j * n + k] ** 2;
		d = Math.sqrt(Math.max(d, 1e-300));
		a[j * n + j] = d;
		for (let i = j + 1; i < n; i++) {
			let s = a[i * n + j];
			for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = s / d;
		}
	}
	const z = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let s = y[i];
		for (let k = 0; k < i; k++) s -= a[i * n + k] * z[k];
		z[i] = s / a[i * n + i];
	}
	const x = new Float64Array(n);
	for (let i = n - 1; i >= 0; i--) {
		let s = z[i];
		for (let k = i + 1; k < n; k++) s -= a[k * n + i] * x[k];
		x[i] = s / a[i * n + i];
	}
	return x;
}
