/**
 * Melody generation over any StepModel. Stateful: the seed is read once and every new symbol costs one
 * model step, the state carried forward — never the reference's re-run of a 64-symbol window per symbol
 * (kept here as `generateReference` only to measure and check against).
 */
import type { StepModel } from '../model/types';
import { deriveSeed, mulberry32, type Random } from './random';
import { sampleIndex } from './sample';
import { HOLD, SONG_END } from '../music/symbols';
import { REFERENCE_WINDOW } from '../model/config';

export const MAX_VARIATIONS = 8;
/**
 * The most steps one melody may add (about 390 bars of 4/4, over an hour at a walking tempo), however the
 * length was asked for (steps, or bars × steps per bar): every caller, form, worker or command line, is held
 * to it here.
 */
export const MAX_STEPS = 100_000;
/** The longest seed read, and the most `/` read before it. */
export const MAX_SEED = 100_000;
export const MAX_PRIMER = 1024;

/** Everything that decides a melody, besides the model and the seed: store it to make the melody again. */
export interface GenerateSettings {
	/** New symbols (16th-note steps) to add at most. */
	steps: number;
	/** 0.05–2; applied as softmax(log p / T). */
	temperature: number;
	/** Stop when the model ends the song (`/`); otherwise `/` is never drawn and the melody runs on. */
	stopAtEnd: boolean;
	/** Melodies from the same seed, 1–8; variation k uses `variationSeed(randomSeed, k)`. */
	variations: number;
	randomSeed: number;
	/** `/` symbols read before the seed to start a song; default 1 (models start a song from one `/`). */
	primer?: number;
	/**
	 * For models that take the bar position (model/features.ts): the meter (`3/4`) and the position of the
	 * seed's first step in its bar (0 = downbeat). Other models ignore them.
	 */
	meter?: string;
	barPhase?: number;
}

/** One generated melody. */
export interface Melody {
	/** Seed then generated symbols; never `/`, never begins with `_`. */
	symbols: string[];
	/** How many of `symbols` are the seed. */
	seedLength: number;
	/** True when the model ended the song with `/`. */
	ended: boolean;
	variation: number;
	/** The seed this variation drew with: generating one variation with it gives this melody again. */
	randomSeed: number;
}

/** The random seed of variation `k`: variation 0 keeps the given seed, so one variation is reproducible. */
export function variationSeed(randomSeed: number, k: number): number {
	return k === 0 ? randomSeed >>> 0 : deriveSeed(randomSeed, k);
}

function idsOf(model: StepModel, symbols: readonly string[]): number[] {
	const index = new Map(model.vocabulary.map((s, i) => [s, i]));
	return symbols.map((s) => {
		const id = index.get(s);
		if (id === undefined) throw new Error(`The model does not know the symbol “${s}”.`);
		return id;
	});
}

function checkSettings(model: StepModel, seed: readonly string[], s: GenerateSettings): void {
	if (!model.vocabulary.includes(SONG_END))
		throw new Error('This model has no end-of-song symbol “/”, so it cannot be used to generate.');
	if (seed[0] === HOLD) throw new Error('A seed cannot begin with “_”: begin it with a pitch or a rest.');
	if (seed.includes(SONG_END)) throw new Error('A seed cannot contain “/”.');
	if (!Number.isInteger(s.steps) || s.steps < 0)
		throw new Error('The length must be a whole number of steps ≥ 0.');
	if (s.steps > MAX_STEPS)
		throw new Error(
			`The length asked for is ${s.steps.toLocaleString('en')} steps; the most is ${MAX_STEPS.toLocaleString('en')} ` +
				'(about 390 bars of 4/4). Ask for fewer steps or bars.'
		);
	if (seed.length > MAX_SEED)
		throw new Error(
			`The seed has ${seed.length.toLocaleString('en')} steps; the most is ${MAX_SEED.toLocaleString('en')}.`
		);
	if (s.primer !== undefined && !(Number.isInteger(s.primer) && s.primer >= 0 && s.primer <= MAX_PRIMER))
		throw new Error(`The primer must be a whole number of “/” from 0 to ${MAX_PRIMER}.`);
	if (!Number.isFinite(s.temperature) || s.temperature <= 0)
		throw new Error('The temperature must be a number above 0.');
	if (!Number.isInteger(s.variations) || !(s.variations >= 1 && s.variations <= MAX_VARIATIONS))
		throw new Error(`Variations must be a whole number between 1 and ${MAX_VARIATIONS}.`);
}

/** The model's state after the primer and the seed, and its distribution for the first new symbol. */
export function primeModel<S>(
	model: StepModel<S>,
	seed: readonly string[],
	primer = 1
): { state: S; probabilities: Float32Array } {
	const end = model.vocabulary.indexOf(SONG_END);
	let state = model.initialState();
	let probabilities: Float32Array | null = null;
	for (const id of [...Array<number>(Math.max(1, primer)).fill(end), ...idsOf(model, seed)]) {
		({ state, probabilities } = model.step(state, id));
	}
	return { state, probabilities: probabilities! };
}

/**
 * Draws symbols one by one from a primed model. `next()` returns the next symbol, or null once the
 * song has ended or the length is reached.
 */
export class MelodySampler<S = unknown> {
	readonly symbols: string[];
	ended = false;
	private produced = 0;
	private readonly random: Random;
	private readonly end: number;
	private readonly hold: number;
	private readonly bannedAtStart: Set<number>;
	private readonly bannedAfter: Set<number>;

	constructor(
		private readonly model: StepModel<S>,
		seed: readonly string[],
		private state: S,
		private probabilities: Float32Array,
		private readonly settings: Pick<GenerateSettings, 'steps' | 'temperature' | 'stopAtEnd'>,
		randomSeed: number
	) {
		this.symbols = [...seed];
		this.random = mulberry32(randomSeed);
		this.end = model.vocabulary.indexOf(SONG_END);
		this.hold = model.vocabulary.indexOf(HOLD);
		// Nothing to hold before the first note, and an empty song is no melody.
		this.bannedAtStart = new Set([this.end, this.hold].filter((i) => i >= 0));
		this.bannedAfter = new Set(settings.stopAtEnd ? [] : [this.end]);
	}

	/** The next symbol, or null when the melody is complete. */
	next(): string | null {
		if (this.ended || this.produced >= this.settings.steps) return null;
		const banned = this.symbols.length === 0 ? this.bannedAtStart : this.bannedAfter;
		const id = sampleIndex(this.probabilities, this.settings.temperature, this.random, banned);
		this.produced++;
		if (id === this.end) {
			this.ended = true;
			return null;
		}
		const symbol = this.model.vocabulary[id];
		this.symbols.push(symbol);
		if (this.produced < this.settings.steps) {
			({ state: this.state, probabilities: this.probabilities } = this.model.step(this.state, id));
		}
		return symbol;
	}
}

/** Progress and cancellation for long runs. */
export interface RunControl {
	signal?: AbortSignal;
	/** Called now and then with symbols produced so far over all variations, and the most there can be. */
	onProgress?: (done: number, total: number) => void;
	/** Steps between yields to the event loop (so a worker can hear `cancel`); default 64. */
	chunk?: number;
}

/** Thrown when a run is cancelled. */
export class CancelledError extends Error {
	constructor() {
		super('Generation was cancelled.');
		this.name = 'CancelledError';
	}
}

/** Generates every variation at once, without yielding (command line, tests). */
export function generate<S>(
	model: StepModel<S>,
	seed: readonly string[],
	settings: GenerateSettings
): Melody[] {
	checkSettings(model, seed, settings);
	const primed = primeModel(model, seed, settings.primer);
	const out: Melody[] = [];
	for (let k = 0; k < settings.variations; k++) {
		const randomSeed = variationSeed(settings.randomSeed, k);
		const sampler = new MelodySampler(model, seed, primed.state, primed.probabilities, settings, randomSeed);
		while (sampler.next() !== null);
		out.push({
			symbols: sampler.symbols,
			seedLength: seed.length,
			ended: sampler.ended,
			variation: k,
			randomSeed
		});
	}
	return out;
}

/** As `generate`, yielding to the event loop every few steps so progress shows and cancel is heard. */
export async function generateAsync<S>(
	model: StepModel<S>,
	seed: readonly string[],
	settings: GenerateSettings,
	control: RunControl = {}
): Promise<Melody[]> {
	checkSettings(model, seed, settings);
	const chunk = control.chunk ?? 64;
	const total = settings.steps * settings.variations;
	const primed = primeModel(model, seed, settings.primer);
	const out: Melody[] = [];
	let done = 0;
	for (let k = 0; k < settings.variations; k++) {
		const randomSeed = variationSeed(settings.randomSeed, k);
		const sampler = new MelodySampler(model, seed, primed.state, primed.probabilities, settings, randomSeed);
		let n = 0;
		while (sampler.next() !== null) {
			done++;
			if (++n % chunk === 0) {
				control.onProgress?.(done, total);
				await new Promise((r) => setTimeout(r, 0));
				if (control.signal?.aborted) throw new CancelledError();
			}
		}
		done = (k + 1) * settings.steps;
		control.onProgress?.(done, total);
		out.push({
			symbols: sampler.symbols,
			seedLength: seed.length,
			ended: sampler.ended,
			variation: k,
			randomSeed
		});
	}
	return out;
}

/**
 * The reference way, for measurement and checks only: for every new symbol, start from the zero state
 * and re-read the last `window` symbols (64 `/` pad the seed). Same sampling rules as `generate`.
 */
export function generateReference<S>(
	model: StepModel<S>,
	seed: readonly string[],
	settings: Omit<GenerateSettings, 'variations' | 'primer'>,
	window = REFERENCE_WINDOW
): Melody {
	checkSettings(model, seed, { ...settings, variations: 1 });
	const end = model.vocabulary.indexOf(SONG_END);
	const history = [...Array<number>(window).fill(end), ...idsOf(model, seed)];
	const random = mulberry32(settings.randomSeed);
	const hold = model.vocabulary.indexOf(HOLD);
	const bannedAtStart = new Set([end, hold].filter((i) => i >= 0));
	const bannedAfter = new Set(settings.stopAtEnd ? [] : [end]);
	const symbols = [...seed];
	let ended = false;
	for (let produced = 0; produced < settings.steps; produced++) {
		let state = model.initialState();
		let probabilities: Float32Array | null = null;
		for (const id of history.slice(-window)) ({ state, probabilities } = model.step(state, id));
		const banned = symbols.length === 0 ? bannedAtStart : bannedAfter;
		const id = sampleIndex(probabilities!, settings.temperature, random, banned);
		if (id === end) {
			ended = true;
			break;
		}
		history.push(id);
		symbols.push(model.vocabulary[id]);
	}
	return { symbols, seedLength: seed.length, ended, variation: 0, randomSeed: settings.randomSeed >>> 0 };
}
