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
import { DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import { GENERATE_DEFAULTS } from './defaults';
import { LstmStepModel } from '../model/lstm-step';
import { barContext } from '../model/features';

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
	/**
	 * A whole tune: its length in bars of `meter`, the seed included (a pickup and the short last bar that
	 * completes it count as one). The melody ends on the barline at that length, with the ending the model finds most likely among
	 * `endings` candidates; the model never ends it early. Without `bars`, `steps` applies.
	 */
	bars?: number;
	/** Without `bars`: new symbols (16th-note steps) to add at most. */
	steps?: number;
	/** 0.05–2; applied as softmax(log p / T). */
	temperature: number;
	/** Nucleus sampling: draw from the most probable symbols holding this share of probability; 1 = all. */
	topP?: number;
	/**
	 * With `steps`: stop when the model ends the song (`/`); otherwise `/` is never drawn and the melody
	 * runs the full length. A whole tune (`bars`) always ends where its length says.
	 */
	stopAtEnd?: boolean;
	/** Melodies from the same seed, 1–8; variation k uses `variationSeed(randomSeed, k)`. */
	variations: number;
	randomSeed: number;
	/** `/` symbols read before the seed to start a song; default 1 (models start a song from one `/`). */
	primer?: number;
	/**
	 * The meter (`3/4`) and the position of the seed's first step in its bar (0 = downbeat): where the
	 * barlines of a whole tune fall, and what a model that takes the bar position (model/features.ts) is
	 * told (by the caller, with `withBar`). Default 4/4 from the downbeat.
	 */
	meter?: string;
	barPhase?: number;
	/** Candidate endings of a whole tune (default GENERATE_DEFAULTS.endings); 1 keeps the first drawn. */
	endings?: number;
	/** For models with styles: the style to write in (a style id; absent or null: no style). */
	style?: string | null;
}

/** One generated melody. */
export interface Melody {
	/** Seed then generated symbols; never `/`, never begins with `_`. */
	symbols: string[];
	/** How many of `symbols` are the seed. */
	seedLength: number;
	/** True when the model ended the song with `/` (always, for a whole tune). */
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
	let steps: number;
	if (s.bars !== undefined) {
		if (!(Number.isInteger(s.bars) && s.bars >= 1))
			throw new Error('The length must be a whole number of bars ≥ 1.');
		if (!meterOf(s)) throw new Error(`“${s.meter}” is not a meter this app can write in (like 3/4 or 6/8).`);
		steps = planTune(seed.length, s).total - seed.length;
	} else {
		steps = s.steps ?? NaN;
		if (!Number.isInteger(steps) || steps < 0)
			throw new Error('The length must be a whole number of steps ≥ 0.');
	}
	if (steps > MAX_STEPS)
		throw new Error(
			`The length asked for is ${steps.toLocaleString('en')} steps; the most is ${MAX_STEPS.toLocaleString('en')} ` +
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
	if (s.topP !== undefined && !(s.topP > 0 && s.topP <= 1))
		throw new Error('Top-p must be above 0 and at most 1.');
	if (s.endings !== undefined && !(Number.isInteger(s.endings) && s.endings >= 1 && s.endings <= 256))
		throw new Error('Candidate endings must be a whole number from 1 to 256.');
}

function meterOf(s: GenerateSettings): Meter | null {
	return s.meter === undefined ? DEFAULT_METER : parseMeter(s.meter);
}

/**
 * The model as it writes in the settings' meter: one that takes the bar position (model/features.ts) is
 * told the meter and where the seed starts in its bar; any other is returned as it is.
 */
export function inMeter<S>(
	model: StepModel<S>,
	settings: Pick<GenerateSettings, 'meter' | 'barPhase'>
): StepModel<S> {
	if (!(model instanceof LstmStepModel) || !model.usesBar) return model;
	const bar = barContext(settings.meter ?? GENERATE_DEFAULTS.meter, settings.barPhase ?? 0);
	return model.withBar(bar) as unknown as StepModel<S>;
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

/** How a whole tune of `settings.bars` is laid out: where it ends and where the candidate endings start. */
export interface TunePlan {
	/**
	 * Length of the melody in steps, seed included; its end falls on a barline, or after a pickup where
	 * the last bar completes the pickup's bar.
	 */
	total: number;
	/** Step where each candidate ending begins (never inside the seed). */
	endingFrom: number;
	endings: number;
	/** Steps per bar, and the melody's first step's position in its bar. */
	stepsPerBar: number;
	phase: number;
}

/**
 * The plan of a whole tune. The melody starts `barPhase` steps into a bar; with a pickup it ends where
 * the pickup's bar is completed, as real songs with an upbeat do (and so where the model, told the bar
 * position, expects them to end: ending on the full barline instead made it fill the gap with rests,
 * 5.3 % of the steps in 3/4 against 3.3 % in real 3/4 songs with an upbeat; docs/model-card.md). The
 * pickup and the short last bar count as one of the bars asked, as `realSong` counts them. A seed that
 * already fills the length gets at least one more bar.
 */
export function planTune(seedLength: number, settings: GenerateSettings): TunePlan {
	const stepsPerBar = (meterOf(settings) ?? DEFAULT_METER).stepsPerBar;
	const phase = (settings.barPhase ?? 0) % stepsPerBar;
	// A pickup and the short last bar that completes it are one bar, as in songs with an upbeat.
	let total = (settings.bars ?? GENERATE_DEFAULTS.bars) * stepsPerBar;
	while (total <= seedLength) total += stepsPerBar;
	const endingFrom = Math.max(seedLength, total - GENERATE_DEFAULTS.endingBars * stepsPerBar);
	const endings = Math.max(1, settings.endings ?? GENERATE_DEFAULTS.endings);
	return { total, endingFrom, endings, stepsPerBar, phase };
}

/** Model steps a melody is expected to cost (for progress; going back a bar costs more). */
export function plannedSteps(seedLength: number, settings: GenerateSettings): number {
	if (settings.bars === undefined) return settings.steps ?? 0;
	const plan = planTune(seedLength, settings);
	return plan.endingFrom - seedLength + plan.endings * (plan.total - plan.endingFrom);
}

/** Times a whole tune's body may go back a bar because the model ended it early. */
export const MAX_RETREATS = 16;

/** A model, its state and its next-symbol distribution: where a melody stands. */
interface Cursor<S> {
	state: S;
	probabilities: Float32Array;
}

/** Draws and steps the model; the rules every mode shares. */
class Drawer<S> {
	readonly end: number;
	private readonly random: Random;
	private readonly noEnd: Set<number>;
	private readonly noStart: Set<number>;

	constructor(
		private readonly model: StepModel<S>,
		private readonly settings: GenerateSettings,
		randomSeed: number
	) {
		this.random = mulberry32(randomSeed);
		this.end = model.vocabulary.indexOf(SONG_END);
		// Nothing to hold before the first note, and an empty song is no melody.
		this.noStart = new Set([this.end, model.vocabulary.indexOf(HOLD)].filter((i) => i >= 0));
		this.noEnd = new Set([this.end]);
	}

	/** Draws the next symbol id after `symbols`; `/` only when `mayEnd`. */
	draw(at: Cursor<S>, symbols: readonly string[], mayEnd: boolean): number {
		const banned = symbols.length === 0 ? this.noStart : mayEnd ? NONE : this.noEnd;
		return sampleIndex(
			at.probabilities,
			this.settings.temperature,
			this.random,
			banned,
			this.settings.topP ?? 1
		);
	}

	step(at: Cursor<S>, id: number): Cursor<S> {
		return this.model.step(at.state, id);
	}
}

const NONE: ReadonlySet<number> = new Set();

/**
 * Writes one melody, yielding after every model step (so a caller can show progress and hear cancel).
 *
 * A whole tune (`bars`) is drawn from the model as if conditioned on its length, by going back: where
 * the model draws `/` before the end (it would end the song here), the bar that sounded final is drawn
 * again, so the tune goes on the way songs that do go on go on, rather than forcing a note after a
 * finished phrase (up to MAX_RETREATS times, then `/` is banned). From `endingBars` before the final
 * barline, `endings` candidate endings are drawn, and the one after which the model finds the end of
 * the song (`/`) most likely is kept: an ending the model itself hears as one. (Keeping the first after
 * which a further draw gives `/` — sampling the ending — ended on the tonic less often than real songs
 * do: docs/model-card.md.)
 *
 * With `steps`: symbols are drawn until the model ends the song or the length is reached.
 */
export function* writeMelody<S>(
	model: StepModel<S>,
	seed: readonly string[],
	primed: Cursor<S>,
	settings: GenerateSettings,
	randomSeed: number
): Generator<void, { symbols: string[]; ended: boolean }> {
	const drawer = new Drawer(model, settings, randomSeed);
	if (settings.bars === undefined) {
		const symbols = [...seed];
		let at = primed;
		const steps = settings.steps ?? 0;
		for (let produced = 0; produced < steps; produced++) {
			const id = drawer.draw(at, symbols, settings.stopAtEnd !== false);
			if (id === drawer.end) return { symbols, ended: true };
			symbols.push(model.vocabulary[id]);
			// The last symbol needs no distribution after it.
			if (produced + 1 < steps) at = drawer.step(at, id);
			yield;
		}
		return { symbols, ended: false };
	}

	const plan = planTune(seed.length, settings);
	const onBarline = (length: number) => (plan.phase + length) % plan.stepsPerBar === 0;
	// Where the melody can go back to: the seed's end and every barline reached since.
	const marks: { length: number; at: Cursor<S> }[] = [{ length: seed.length, at: primed }];
	const backTo = (length: number) => {
		while (marks.length > 1 && marks[marks.length - 1].length > length) marks.pop();
		return marks[marks.length - 1];
	};
	let symbols = [...seed];
	let at = primed;
	let retreats = 0;
	let candidates = 0;
	let best: { symbols: string[]; end: number } | null = null;
	for (;;) {
		if (symbols.length === plan.total) {
			// A candidate ending, as likely to end the song as the model finds it.
			const end = at.probabilities[drawer.end];
			if (!best || end > best.end) best = { symbols, end };
			if (++candidates >= plan.endings) return { symbols: best.symbols, ended: true };
			const mark = backTo(plan.endingFrom);
			symbols = symbols.slice(0, mark.length);
			at = mark.at;
			continue;
		}
		const id = drawer.draw(at, symbols, retreats < MAX_RETREATS);
		if (id === drawer.end) {
			// The model would end the song here: the bar that sounded final is drawn again.
			retreats++;
			const mark = backTo(symbols.length - 1);
			symbols = symbols.slice(0, mark.length);
			at = mark.at;
			continue;
		}
		symbols.push(model.vocabulary[id]);
		at = drawer.step(at, id);
		if (onBarline(symbols.length)) marks.push({ length: symbols.length, at });
		yield;
	}
}

/** Progress and cancellation for long runs. */
export interface RunControl {
	signal?: AbortSignal;
	/** Called now and then with symbols produced so far over all variations, and the most there can be. */
	onProgress?: (done: number, total: number) => void;
	/**
	 * Steps between progress reports and cancel checks; default 64. The run yields to the event loop
	 * (so a worker hears `cancel`) at such a point once `YIELD_MS` have passed since the last yield: a
	 * yield can cost a clamped 4 ms timer, more than 64 steps of a small model.
	 */
	chunk?: number;
}

/** Work between yields to the event loop in `generateAsync`. */
const YIELD_MS = 25;

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
	model = inMeter(model, settings);
	const primed = primeModel(model, seed, settings.primer);
	const out: Melody[] = [];
	for (let k = 0; k < settings.variations; k++) {
		const randomSeed = variationSeed(settings.randomSeed, k);
		const writer = writeMelody(model, seed, primed, settings, randomSeed);
		let r = writer.next();
		while (!r.done) r = writer.next();
		out.push({ ...r.value, seedLength: seed.length, variation: k, randomSeed });
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
	const each = plannedSteps(seed.length, settings);
	const total = each * settings.variations;
	model = inMeter(model, settings);
	const primed = primeModel(model, seed, settings.primer);
	const out: Melody[] = [];
	let done = 0;
	let yielded = performance.now();
	for (let k = 0; k < settings.variations; k++) {
		const randomSeed = variationSeed(settings.randomSeed, k);
		const writer = writeMelody(model, seed, primed, settings, randomSeed);
		let n = 0;
		let r = writer.next();
		while (!r.done) {
			done++;
			if (++n % chunk === 0) {
				control.onProgress?.(Math.min(done, (k + 1) * each), total);
				if (performance.now() - yielded > YIELD_MS) {
					await new Promise((resolve) => setTimeout(resolve, 0));
					yielded = performance.now();
				}
				if (control.signal?.aborted) throw new CancelledError();
			}
			r = writer.next();
		}
		done = (k + 1) * each;
		control.onProgress?.(done, total);
		out.push({ ...r.value, seedLength: seed.length, variation: k, randomSeed });
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
	settings: { steps: number; temperature: number; stopAtEnd: boolean; randomSeed: number },
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
