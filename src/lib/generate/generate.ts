/**
 * Melody generation over any StepModel. Stateful: the seed is read once and every new symbol costs one
 * model step, the state carried forward — never the reference's re-run of a 64-symbol window per symbol
 * (kept here as `generateReference` only to measure and check against).
 */
import { MAX_REDRAWS, melodyFaults } from './faults';
import type { StepModel } from '../model/types';
import { mulberry32, type Random } from './random';
import { sampleIndex } from './sample';
import { HOLD, SONG_END } from '../music/symbols';
import { REFERENCE_WINDOW } from '../model/config';
import { GENERATE_DEFAULTS } from './defaults';
import {
	checkSettings,
	planTune,
	plannedSteps,
	variationSeed,
	type GenerateSettings,
	type Melody
} from './settings';
import { LstmStepModel } from '../model/lstm-step';
import { barContext } from '../model/features';

function idsOf(model: StepModel, symbols: readonly string[]): number[] {
	const index = new Map(model.vocabulary.map((s, i) => [s, i]));
	return symbols.map((s) => {
		const id = index.get(s);
		if (id === undefined) throw new Error(`The model does not know the symbol “${s}”.`);
		return id;
	});
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
 * do: docs/model-card.md.) A tune stuck on one pitch (`melodyFaults`) is drawn again, up to MAX_REDRAWS
 * times in all.
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
	let kept: { symbols: string[]; faults: number } | null = null;
	let draws = 0;
	for (;;) {
		if (symbols.length === plan.total) {
			// A candidate ending, as likely to end the song as the model finds it.
			const end = at.probabilities[drawer.end];
			if (!best || end > best.end) best = { symbols, end };
			if (++candidates >= plan.endings) {
				const faults = melodyFaults(best.symbols, plan.stepsPerBar).length;
				if (!kept || faults < kept.faults) kept = { symbols: best.symbols, faults };
				if (faults === 0 || ++draws >= MAX_REDRAWS) return { symbols: kept.symbols, ended: true };
				// A tune stuck on one pitch: drawn again from the seed, the random stream going on.
				marks.length = 1;
				symbols = [...seed];
				at = primed;
				retreats = 0;
				candidates = 0;
				best = null;
				continue;
			}
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
