/**
 * From songs to batches without materializing windows: songs become integer streams, laid back to back
 * in B lanes; a batch is the next T steps of every lane.
 */
import { Rng } from '../model/rng';
import { featureIndices, lookbackIndices, type BarContext } from '../model/features';

/** Splits song indices into training and validation sets, by song, seeded. */
export function splitSongs(
	count: number,
	fraction: number,
	seed: number
): { train: number[]; val: number[] } {
	const order = new Rng(`split:${seed}`).shuffle(Array.from({ length: count }, (_, i) => i));
	let nVal = Math.round(count * fraction);
	if (fraction > 0 && nVal === 0 && count >= 2) nVal = 1;
	return { val: order.slice(0, nVal).sort((a, b) => a - b), train: order.slice(nVal).sort((a, b) => a - b) };
}

/** Maps symbols to ids; throws naming the first unknown symbol. */
export function encodeSong(symbols: readonly string[], vocabulary: readonly string[]): Int32Array {
	const index = new Map(vocabulary.map((s, i) => [s, i]));
	const out = new Int32Array(symbols.length);
	symbols.forEach((s, i) => {
		const id = index.get(s);
		if (id === undefined) throw new Error(`The symbol "${s}" is not in the model's vocabulary.`);
		out[i] = id;
	});
	return out;
}

/**
 * Every song encoded, with one symbol index for all and one buffer the songs are views of: a map and an
 * array buffer per song were 27,000 of each for 16× erk, made while the corpus's strings were still held.
 */
export function encodeSongs(
	songs: readonly (readonly string[])[],
	vocabulary: readonly string[]
): Int32Array[] {
	const index = new Map(vocabulary.map((s, i) => [s, i]));
	const all = new Int32Array(songs.reduce((n, song) => n + song.length, 0));
	let at = 0;
	return songs.map((symbols) => {
		const out = all.subarray(at, at + symbols.length);
		symbols.forEach((s, i) => {
			const id = index.get(s);
			if (id === undefined) throw new Error(`The symbol "${s}" is not in the model's vocabulary.`);
			out[i] = id;
		});
		at += symbols.length;
		return out;
	});
}

/** One batch, time-major: inputs and targets [T·B], target weights (0 = padding), resets per step. */
export interface Batch {
	steps: number;
	lanes: number;
	inputs: Int32Array;
	targets: Int32Array;
	weights: Float32Array;
	/** Per step: null, or [B] of 0 where that lane starts a new song (state reset), else 1. */
	keep: (Float32Array | null)[];
	/** Only the last step has targets (the window design). */
	lastOnly: boolean;
	/** Per input [T·B], the bar features of its target (see features.ts); absent without bar input. */
	features?: (readonly number[])[];
}

/** One lane: its songs in order and the lane position of the `/` before each (one more: the lane's end). */
export interface Lane {
	readonly songs: Int32Array;
	readonly starts: Int32Array;
	/** Positions in the lane: every song and the `/` before it, and the closing `/`. */
	readonly length: number;
}

/**
 * Songs laid back to back in lanes: `/ a b c / d e /` — inputs are all but the last, targets all but the
 * first. A lane holds only its songs and where each starts, never a copy of the symbols: a corpus 16 times
 * erk laid out symbol by symbol (with each position's song and step) took 42 MiB an epoch (docs/speed.md).
 */
export class LaneBatches {
	readonly lanes: Lane[];
	readonly batchCount: number;
	readonly targetCount: number;
	private readonly extra: boolean;

	/**
	 * With `bars` (one per song, null where unknown) batches carry each target's bar features; with
	 * `styles` (one per song: the index of its style's slot in the features, or −1 for none) its style; with
	 * `lookback` (where the lookback block starts in the features, and the vocabulary size) the symbols one,
	 * two, four and eight bars back (features.ts `LOOKBACK_BARS`, `lookbackIndices`) of songs with bars.
	 */
	constructor(
		private readonly songs: readonly Int32Array[],
		order: readonly number[],
		laneCount: number,
		readonly steps: number,
		private readonly endId: number,
		private readonly bars: readonly (BarContext | null)[] | null = null,
		private readonly styles: Int32Array | null = null,
		private readonly lookback: { base: number; vocabularySize: number } | null = null
	) {
		const n = Math.max(1, Math.min(laneCount, order.length));
		const parts: number[][] = Array.from({ length: n }, () => []);
		const lengths = new Array(n).fill(0);
		for (const s of order) {
			let best = 0;
			for (let l = 1; l < n; l++) if (lengths[l] < lengths[best]) best = l;
			parts[best].push(s);
			lengths[best] += songs[s].length + 1;
		}
		this.lanes = parts.map((p) => {
			const starts = new Int32Array(p.length + 1);
			let at = 0;
			p.forEach((s, i) => {
				starts[i] = at;
				at += songs[s].length + 1;
			});
			starts[p.length] = at;
			return { songs: Int32Array.from(p), starts, length: at + 1 };
		});
		this.extra = bars !== null || styles !== null || lookback !== null;
		const longest = Math.max(...this.lanes.map((l) => l.length - 1));
		this.batchCount = Math.ceil(longest / steps);
		this.targetCount = this.lanes.reduce((a, l) => a + Math.max(0, l.length - 1), 0);
	}

	/** Batch k: steps k·T … k·T+T−1 of every lane. */
	batch(k: number): Batch {
		const T = this.steps;
		const B = this.lanes.length;
		const inputs = new Int32Array(T * B);
		const targets = new Int32Array(T * B);
		const weights = new Float32Array(T * B);
		const keep: (Float32Array | null)[] = [];
		const features: (readonly number[])[] | undefined = this.extra
			? new Array(T * B).fill(NO_FEATURES)
			: undefined;
		// Per lane, the song at the batch's first position; later steps move on from there.
		const at = this.lanes.map((lane) => songIndexAt(lane, k * T));
		for (let t = 0; t < T; t++) {
			let reset: Float32Array | null = null;
			for (let b = 0; b < B; b++) {
				const lane = this.lanes[b];
				const pos = k * T + t;
				if (pos >= lane.length - 1) continue;
				let i = at[b];
				while (i < lane.songs.length && lane.starts[i + 1] <= pos) i++;
				at[b] = i;
				// Position `starts[i]` is the `/` before song i; the lane's last position is its closing `/`.
				const s = i < lane.songs.length ? lane.songs[i] : -1;
				const step = pos - (lane.starts[i] ?? 0);
				const x = s < 0 || step === 0 ? this.endId : this.songs[s][step - 1];
				const next = s < 0 ? this.endId : step < this.songs[s].length ? this.songs[s][step] : this.endId;
				inputs[t * B + b] = x;
				if (features && s >= 0) {
					const bar = this.bars ? this.bars[s] : null;
					const f = bar ? featureIndices(bar, step) : NO_FEATURES;
					const style = this.styles ? this.styles[s] : -1;
					features[t * B + b] = style >= 0 ? [...f, style] : f;
					if (this.lookback && bar) {
						const { base, vocabularySize } = this.lookback;
						const song = this.songs[s];
						const back = lookbackIndices(bar, step, (j) => song[j], vocabularySize);
						if (back.length) features[t * B + b] = [...features[t * B + b], ...back.map((j) => base + j)];
					}
				}
				targets[t * B + b] = next;
				weights[t * B + b] = 1;
				if (x === this.endId && pos > 0) {
					reset ??= new Float32Array(B).fill(1);
					reset[b] = 0;
				}
			}
			keep.push(reset);
		}
		return { steps: T, lanes: B, inputs, targets, weights, keep, lastOnly: false, features };
	}
}

/** The index of the song whose span holds lane position `pos` (its `/` or its symbols), by binary search. */
function songIndexAt(lane: Lane, pos: number): number {
	let lo = 0;
	let hi = lane.songs.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (lane.starts[mid + 1] <= pos) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

const NO_FEATURES: readonly number[] = [];

/**
 * The reference's design: songs joined, each followed by T delimiters; every window of T symbols is an
 * input and the symbol after it the target. Windows are read from the stream when a batch is built.
 */
export class WindowBatches {
	readonly stream: Int32Array;
	readonly starts: Int32Array;
	readonly batchCount: number;
	readonly targetCount: number;

	constructor(
		songs: readonly Int32Array[],
		order: readonly number[],
		private readonly batchSize: number,
		readonly steps: number,
		endId: number,
		rng: Rng
	) {
		const total = order.reduce((a, s) => a + songs[s].length + steps, 0);
		this.stream = new Int32Array(total);
		let at = 0;
		for (const s of order) {
			this.stream.set(songs[s], at);
			at += songs[s].length;
			this.stream.fill(endId, at, at + steps);
			at += steps;
		}
		const count = Math.max(0, total - steps);
		const starts = rng.shuffle(Array.from({ length: count }, (_, i) => i));
		this.starts = Int32Array.from(starts);
		this.batchCount = Math.ceil(count / batchSize);
		this.targetCount = count;
	}

	/** Batch k of the shuffled windows. */
	batch(k: number): Batch {
		const T = this.steps;
		const chosen = this.starts.subarray(k * this.batchSize, (k + 1) * this.batchSize);
		const B = chosen.length;
		const inputs = new Int32Array(T * B);
		const targets = new Int32Array(T * B);
		const weights = new Float32Array(T * B);
		chosen.forEach((start, b) => {
			for (let t = 0; t < T; t++) inputs[t * B + b] = this.stream[start + t];
			targets[(T - 1) * B + b] = this.stream[start + T];
			weights[(T - 1) * B + b] = 1;
		});
		return { steps: T, lanes: B, inputs, targets, weights, keep: new Array(T).fill(null), lastOnly: true };
	}
}
