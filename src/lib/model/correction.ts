/**
 * A style's correction: a few numbers per style, fitted on that style's training songs after training,
 * that reweight the network's next-symbol distribution by what it is weakest at for a small style — how
 * far the next note leaps from the last one, which degrees it sits on, how often a rest starts, and how
 * long a note is held:
 *
 *   p′(x) ∝ p(x) · exp(b[group of x given the context] + b[x's pitch class])
 *
 * A style of 128 songs beside one of 1,825 is a weak voice in one network: the bundled model gives Old
 * German songs (altdeu) the leaps of the larger collection (a sixth to an octave: 1.5 % of its predicted
 * notes against 0.55 % in the songs, teacher-forced on the songs it trained on), and its tunes were told
 * from real ones by exactly that (docs/model-card.md, section H). The fit is the maximum-likelihood
 * log-linear correction with a Gaussian prior (convex: `fitCorrection`), so on the style's songs the
 * corrected model predicts as many leaps of each size, rests and note lengths as the songs have; a few
 * rounds of `matchCorrection` then bring the tunes the app writes in the style to the songs' counts
 * (`scripts/style-correction.ts --match`).
 *
 * The groups: a pitch by its interval from the last pitch of the song (across rests; −12…+12 semitones,
 * wider ones pooled per direction; no group for a song's first note), `r`, `_` after a note held k
 * sixteenths so far (k = 1…16, longer pooled) and `_` after a rest of k (1…8); and every pitch by its
 * pitch class (songs are in C major or A minor: the class is the degree). `/` is never reweighted.
 */
import { HOLD, REST, SONG_END } from '../music/symbols';
import { isPitchSymbol } from '../music/pitch';

/** Widest interval with a group of its own (semitones). */
export const CORRECTION_INTERVAL = 12;
/** Longest held length of a note, and of a rest, with a group of its own (sixteenths). */
export const CORRECTION_HOLD = 16;
export const CORRECTION_REST_HOLD = 8;

/** A style's correction as the model's metadata keeps it (natural-log weights). */
export interface StyleCorrection {
	/** By signed interval: index 0 below −12, 1…25 for −12…+12, 26 above +12. */
	interval: number[];
	/** A rest starting. */
	rest: number;
	/** Holding a note already held k sixteenths: index k − 1, the last pooling longer ones. */
	hold: number[];
	/** Holding a rest already held k sixteenths, likewise. */
	restHold: number[];
	/** A note of pitch class c (C = 0), wherever it falls. */
	pitchClass: number[];
}

const INTERVALS = 2 * CORRECTION_INTERVAL + 3;
const REST_AT = INTERVALS;
const HOLD_AT = INTERVALS + 1;
const REST_HOLD_AT = HOLD_AT + CORRECTION_HOLD;
const PITCH_CLASS_AT = REST_HOLD_AT + CORRECTION_REST_HOLD;
/** Weights in one correction, flat: intervals, rest, a note's holds, a rest's holds, pitch classes. */
export const CORRECTION_SIZE = PITCH_CLASS_AT + 12;

/** Whether flat weight `i` is a rest's: starting one, or holding one on. */
export function isRestWeight(i: number): boolean {
	return i === REST_AT || (i >= REST_HOLD_AT && i < PITCH_CLASS_AT);
}

/** What a correction needs to know of the song so far: the last pitch and how long the sound is held. */
export interface CorrectionContext {
	/** Last pitch since the song began (across rests), or −1 before its first note. */
	pitch: number;
	/** Sixteenths the current note has sounded (1 on its onset step), 0 in a rest or before any note. */
	held: number;
	/** Sixteenths the current rest has lasted (1 on its first step), 0 in a note. */
	rest: number;
}

export const NO_CONTEXT: CorrectionContext = { pitch: -1, held: 0, rest: 0 };

/** The context after `symbol` is read. */
export function nextContext(ctx: CorrectionContext, symbol: string): CorrectionContext {
	if (symbol === SONG_END) return NO_CONTEXT;
	if (symbol === REST) return { pitch: ctx.pitch, held: 0, rest: 1 };
	if (symbol === HOLD)
		return ctx.held > 0
			? { pitch: ctx.pitch, held: ctx.held + 1, rest: 0 }
			: ctx.rest > 0
				? { pitch: ctx.pitch, held: 0, rest: ctx.rest + 1 }
				: ctx;
	if (isPitchSymbol(symbol)) return { pitch: Number(symbol), held: 1, rest: 0 };
	return ctx;
}

/** Flat index of the interval group of a step from `from` to `to`. */
function intervalGroup(from: number, to: number): number {
	const d = to - from;
	if (d < -CORRECTION_INTERVAL) return 0;
	if (d > CORRECTION_INTERVAL) return INTERVALS - 1;
	return d + CORRECTION_INTERVAL + 1;
}

/**
 * Per symbol of a vocabulary, the group it falls in given `ctx` (flat index), or −1 for none; `out` is
 * reused.
 */
export function groupsOf(
	vocabulary: readonly string[],
	ctx: CorrectionContext,
	out: Int32Array = new Int32Array(vocabulary.length)
): Int32Array {
	for (let j = 0; j < vocabulary.length; j++) {
		const s = vocabulary[j];
		if (s === REST) out[j] = REST_AT;
		else if (s === HOLD)
			out[j] =
				ctx.held > 0
					? HOLD_AT + Math.min(ctx.held, CORRECTION_HOLD) - 1
					: ctx.rest > 0
						? REST_HOLD_AT + Math.min(ctx.rest, CORRECTION_REST_HOLD) - 1
						: -1;
		else if (ctx.pitch >= 0 && isPitchSymbol(s)) out[j] = intervalGroup(ctx.pitch, Number(s));
		else out[j] = -1;
	}
	return out;
}

/** Per symbol of a vocabulary, its pitch-class group (flat index), or −1 for a symbol that is no pitch. */
export function pitchClassGroups(vocabulary: readonly string[]): Int32Array {
	return Int32Array.from(vocabulary, (s) => (isPitchSymbol(s) ? PITCH_CLASS_AT + (Number(s) % 12) : -1));
}

/** The flat weights of a correction. */
export function flatCorrection(c: StyleCorrection): Float64Array {
	const w = new Float64Array(CORRECTION_SIZE);
	w.set(c.interval, 0);
	w[REST_AT] = c.rest;
	w.set(c.hold, HOLD_AT);
	w.set(c.restHold, REST_HOLD_AT);
	w.set(c.pitchClass, PITCH_CLASS_AT);
	return w;
}

/** A correction from flat weights. */
export function styleCorrection(w: ArrayLike<number>): StyleCorrection {
	const round = (x: number) => Math.round(x * 1e4) / 1e4;
	return {
		interval: Array.from({ length: INTERVALS }, (_, i) => round(w[i])),
		rest: round(w[REST_AT]),
		hold: Array.from({ length: CORRECTION_HOLD }, (_, i) => round(w[HOLD_AT + i])),
		restHold: Array.from({ length: CORRECTION_REST_HOLD }, (_, i) => round(w[REST_HOLD_AT + i])),
		pitchClass: Array.from({ length: 12 }, (_, i) => round(w[PITCH_CLASS_AT + i]))
	};
}

/** Reweights the distribution `p` (in place) by flat weights `w` in context `ctx`. */
export function applyCorrection(
	p: Float32Array,
	vocabulary: readonly string[],
	w: Float64Array,
	ctx: CorrectionContext,
	groups: Int32Array = new Int32Array(vocabulary.length),
	classes: Int32Array = pitchClassGroups(vocabulary)
): Float32Array {
	groupsOf(vocabulary, ctx, groups);
	let sum = 0;
	for (let j = 0; j < p.length; j++) {
		const b = (groups[j] >= 0 ? w[groups[j]] : 0) + (classes[j] >= 0 ? w[classes[j]] : 0);
		if (b !== 0) p[j] *= Math.exp(b);
		sum += p[j];
	}
	for (let j = 0; j < p.length; j++) p[j] /= sum;
	return p;
}

/** Teacher-forced steps to fit a correction on: the network's distribution at each, and what came. */
export interface CorrectionData {
	steps: number;
	/** Vocabulary size. */
	v: number;
	/** [steps, v]: the network's distribution. */
	p: Float32Array;
	/** [steps, v]: each symbol's group in that step's context (`groupsOf`), or −1. */
	groups: Int16Array;
	/** [v]: each symbol's pitch-class group, or −1. */
	classes: Int32Array;
	/** Per step: the symbol that came. */
	target: Int32Array;
	/** Σ −ln p(true symbol) of the uncorrected model over the steps. */
	baseLoss: number;
}

/** Collects steps into a `CorrectionData`. */
export class CorrectionCollector {
	private p = new Float32Array(1 << 16);
	private groups = new Int16Array(1 << 16);
	private target = new Int32Array(1 << 12);
	private steps = 0;
	private baseLoss = 0;
	private readonly scratch: Int32Array;
	constructor(private readonly vocabulary: readonly string[]) {
		this.scratch = new Int32Array(vocabulary.length);
	}

	/** One step: the network's distribution `p` in context `ctx`, and the symbol that came. */
	add(p: ArrayLike<number>, ctx: CorrectionContext, symbolId: number): void {
		const v = this.vocabulary.length;
		if ((this.steps + 1) * v > this.p.length) {
			const grownP = new Float32Array(this.p.length * 2);
			grownP.set(this.p);
			this.p = grownP;
			const grownG = new Int16Array(this.groups.length * 2);
			grownG.set(this.groups);
			this.groups = grownG;
		}
		if (this.steps >= this.target.length) {
			const grown = new Int32Array(this.target.length * 2);
			grown.set(this.target);
			this.target = grown;
		}
		groupsOf(this.vocabulary, ctx, this.scratch);
		const row = this.steps * v;
		for (let j = 0; j < v; j++) {
			this.p[row + j] = p[j];
			this.groups[row + j] = this.scratch[j];
		}
		this.target[this.steps++] = symbolId;
		this.baseLoss -= Math.log(p[symbolId]);
	}

	data(): CorrectionData {
		const v = this.vocabulary.length;
		return {
			steps: this.steps,
			v,
			p: this.p.slice(0, this.steps * v),
			groups: this.groups.slice(0, this.steps * v),
			classes: pitchClassGroups(this.vocabulary),
			target: this.target.slice(0, this.steps),
			baseLoss: this.baseLoss
		};
	}
}

/** The weight `w` gives symbol `j` at step `s` of `data`. */
function weightOf(data: CorrectionData, w: Float64Array, s: number, j: number): number {
	const g = data.groups[s * data.v + j];
	const c = data.classes[j];
	return (g >= 0 ? w[g] : 0) + (c >= 0 ? w[c] : 0);
}

/**
 * How much the correction `w` changes the mean negative log-likelihood of `data` (nats a step; negative:
 * better). The corrected model's own is `data.baseLoss / data.steps` plus this.
 */
export function correctionLoss(data: CorrectionData, w: Float64Array): number {
	let loss = 0;
	for (let s = 0; s < data.steps; s++) {
		let z = 0;
		for (let j = 0; j < data.v; j++) z += data.p[s * data.v + j] * Math.exp(weightOf(data, w, s, j));
		loss += Math.log(z) - weightOf(data, w, s, data.target[s]);
	}
	return loss / Math.max(1, data.steps);
}

/**
 * The maximum a posteriori weights for `data` under a Gaussian prior of standard deviation `sigma` on
 * each (what a group the songs seldom use needs, so few songs cannot push it far): diagonal Newton steps,
 * each halved until the objective falls. Convex, so it reaches the one optimum.
 */
export function fitCorrection(data: CorrectionData, sigma = 1, iterations = 200): Float64Array {
	const lambda = 1 / (sigma * sigma);
	const n = data.steps;
	const v = data.v;
	const objective = (w: Float64Array) => {
		let prior = 0;
		for (const x of w) prior += (lambda * x * x) / 2;
		return correctionLoss(data, w) * n + prior;
	};
	let w: Float64Array = new Float64Array(CORRECTION_SIZE);
	let f = objective(w);
	const q = new Float64Array(v);
	const r = new Float64Array(CORRECTION_SIZE);
	for (let it = 0; it < iterations; it++) {
		const grad = new Float64Array(CORRECTION_SIZE);
		const hess = new Float64Array(CORRECTION_SIZE);
		for (let s = 0; s < n; s++) {
			let z = 0;
			for (let j = 0; j < v; j++) z += q[j] = data.p[s * v + j] * Math.exp(weightOf(data, w, s, j));
			r.fill(0);
			for (let j = 0; j < v; j++) {
				const g = data.groups[s * v + j];
				const c = data.classes[j];
				if (g >= 0) r[g] += q[j] / z;
				if (c >= 0) r[c] += q[j] / z;
			}
			for (let g = 0; g < CORRECTION_SIZE; g++) {
				grad[g] += r[g];
				hess[g] += r[g] * (1 - r[g]);
			}
			const t = data.target[s];
			const gt = data.groups[s * v + t];
			if (gt >= 0) grad[gt] -= 1;
			if (data.classes[t] >= 0) grad[data.classes[t]] -= 1;
		}
		let next: Float64Array | null = null;
		let fn = f;
		for (let step = 1; step > 1e-6 && next === null; step /= 2) {
			const x = new Float64Array(CORRECTION_SIZE);
			for (let g = 0; g < CORRECTION_SIZE; g++)
				x[g] = w[g] - (step * (grad[g] + lambda * w[g])) / (hess[g] + lambda);
			fn = objective(x);
			if (fn < f) next = x;
		}
		if (next === null) break;
		const done = f - fn < 1e-10 * Math.abs(f);
		w = next;
		f = fn;
		if (done) break;
	}
	return w;
}

/**
 * The corrections a model's metadata keeps, checked against its styles: null where there are none or
 * they do not fit (an unknown style, a wrong length, a number that is not finite).
 */
export function readCorrections(
	raw: unknown,
	styles: readonly string[]
): Record<string, StyleCorrection> | null {
	if (raw === undefined || raw === null || typeof raw !== 'object') return null;
	const out: Record<string, StyleCorrection> = {};
	const numbers = (x: unknown, n: number) =>
		Array.isArray(x) && x.length === n && x.every((v) => typeof v === 'number' && Number.isFinite(v));
	for (const [style, c] of Object.entries(raw as Record<string, unknown>)) {
		if (!styles.includes(style)) return null;
		const r = c as Partial<StyleCorrection>;
		if (!numbers(r?.interval, INTERVALS) || !numbers(r?.hold, CORRECTION_HOLD)) return null;
		if (!numbers(r?.restHold, CORRECTION_REST_HOLD) || !numbers(r?.pitchClass, 12)) return null;
		if (typeof r.rest !== 'number' || !Number.isFinite(r.rest)) return null;
		out[style] = {
			interval: [...r.interval!],
			rest: r.rest,
			hold: [...r.hold!],
			restHold: [...r.restHold!],
			pitchClass: [...r.pitchClass!]
		};
	}
	return Object.keys(out).length ? out : null;
}

/** What the groups' weights act on, counted in melodies: `matchCorrection` compares two sets of these. */
export interface GroupCounts {
	/** Notes after an earlier note, by interval group. */
	interval: number[];
	/** Steps, and rests started. */
	steps: number;
	rests: number;
	/** Notes (rests) that reached length k (index k − 1), and of those the ones held on past it. */
	heldTo: number[];
	heldOn: number[];
	restTo: number[];
	restOn: number[];
	/** Notes by pitch class. */
	pitchClass: number[];
}

/** Counts of `melodies` (symbols on the 16th grid; a `/` ends one). */
export function groupCounts(melodies: readonly (readonly string[])[]): GroupCounts {
	const c: GroupCounts = {
		interval: new Array<number>(INTERVALS).fill(0),
		steps: 0,
		rests: 0,
		heldTo: new Array<number>(CORRECTION_HOLD).fill(0),
		heldOn: new Array<number>(CORRECTION_HOLD).fill(0),
		restTo: new Array<number>(CORRECTION_REST_HOLD).fill(0),
		restOn: new Array<number>(CORRECTION_REST_HOLD).fill(0),
		pitchClass: new Array<number>(12).fill(0)
	};
	for (const symbols of melodies) {
		let ctx = NO_CONTEXT;
		for (const s of [...symbols, SONG_END]) {
			// What the step after `ctx` did: a note held or a rest lasting, held on or not.
			if (ctx.held > 0) {
				const k = Math.min(ctx.held, CORRECTION_HOLD) - 1;
				c.heldTo[k]++;
				if (s === HOLD) c.heldOn[k]++;
			} else if (ctx.rest > 0) {
				const k = Math.min(ctx.rest, CORRECTION_REST_HOLD) - 1;
				c.restTo[k]++;
				if (s === HOLD) c.restOn[k]++;
			}
			if (s === SONG_END) break;
			c.steps++;
			if (s === REST) c.rests++;
			else if (isPitchSymbol(s)) {
				c.pitchClass[Number(s) % 12]++;
				if (ctx.pitch >= 0) c.interval[intervalGroup(ctx.pitch, Number(s))]++;
			}
			ctx = nextContext(ctx, s);
		}
	}
	return c;
}

/**
 * One step of matching a correction to what a model writes: each group's weight moved by `rate` times the
 * log ratio of how often real songs (`real`) and the model's melodies (`written`) do what it weighs — the
 * share of each interval among intervals and of each pitch class among notes, rests per step, the chance a note (rest) of length k is held
 * on — with `prior` counts of each added to both sides, so a group seldom seen moves little. The
 * fixed point is the correction under which the melodies written have the songs' counts (iterative
 * scaling, done on samples: the weights act on what the tune has written so far, as the sampler sees it).
 */
export function matchCorrection(
	w: Float64Array,
	real: GroupCounts,
	written: GroupCounts,
	rate = 0.7,
	prior = 2
): Float64Array {
	const out = Float64Array.from(w);
	const share = (counts: number[], i: number) =>
		(counts[i] + prior) / (counts.reduce((a, b) => a + b, 0) + prior * counts.length);
	for (let g = 0; g < INTERVALS; g++)
		out[g] += rate * Math.log(share(real.interval, g) / share(written.interval, g));
	for (let c = 0; c < 12; c++)
		out[PITCH_CLASS_AT + c] += rate * Math.log(share(real.pitchClass, c) / share(written.pitchClass, c));
	const rate1 = (k: number, n: number) => (k + prior) / (n + 2 * prior);
	out[REST_AT] += rate * Math.log(rate1(real.rests, real.steps) / rate1(written.rests, written.steps));
	const logit = (p: number) => Math.log(p / (1 - p));
	// A length at which the melodies never (or always) held on had no choice there (the sampler's own
	// rules decide it): nothing to match.
	const hazard = (realOn: number[], realTo: number[], on: number[], to: number[], at: number) => {
		for (let i = 0; i < on.length; i++)
			if (on[i] > 0 && on[i] < to[i])
				out[at + i] += rate * (logit(rate1(realOn[i], realTo[i])) - logit(rate1(on[i], to[i])));
	};
	hazard(real.heldOn, real.heldTo, written.heldOn, written.heldTo, HOLD_AT);
	hazard(real.restOn, real.restTo, written.restOn, written.restTo, REST_HOLD_AT);
	return out;
}
