/**
 * What decides a melody besides the model and the seed: the settings, their limits and checks, and the
 * plan of a whole tune (its length and where its candidate endings start), shared by every generator.
 */
import type { StepModel } from '../model/types';
import { deriveSeed } from './random';
import { HOLD, SONG_END } from '../music/symbols';
import { DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import { GENERATE_DEFAULTS } from './defaults';
import type { Mode } from '../music/key';
import { GENERATE_MODES } from './mode';
import { formBars, MAX_PHRASES, parseForm, THROUGH, type FormLetter, type MelodyForm } from './form';

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
	/**
	 * The mode to write in, in the model's home (C for major-like modes, A for minor-like ones; the key
	 * chosen moves the finished tune): notes outside it are never drawn and a tune not heard in it is drawn
	 * again (generate/mode.ts). Absent or null: major or minor, as the model goes.
	 */
	mode?: Mode | null;
	/**
	 * The tune's form (`AABA`, `AA′BA′`, form.ts); absent or `through`: through-composed. Without `bars` the
	 * tune is as long as the form (its phrases × `phraseBars`); a longer tune goes on through-composed after
	 * it, a shorter one stops inside it. The seed is phrase A, or its beginning.
	 */
	form?: string;
	/** Bars in a phrase of the form (default GENERATE_DEFAULTS.phraseBars). */
	phraseBars?: number;
	/**
	 * Writes one letter's phrases again in a melody written in `form`: every step of `symbols` outside the
	 * phrases of `letter` (any prime; and the seed) is kept, the letter's first phrase is drawn anew and
	 * its repeats follow it.
	 */
	rewrite?: { symbols: string[]; letter: string };
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
	/** The mode it was written in, when one was asked for (in the model's home: C or A). */
	mode?: Mode;
	/** The form it was written in, phrase by phrase (absent: through-composed). */
	form?: MelodyForm;
}

/** The random seed of variation `k`: variation 0 keeps the given seed, so one variation is reproducible. */
export function variationSeed(randomSeed: number, k: number): number {
	return k === 0 ? randomSeed >>> 0 : deriveSeed(randomSeed, k);
}

export function checkSettings(model: StepModel, seed: readonly string[], s: GenerateSettings): void {
	if (!model.vocabulary.includes(SONG_END))
		throw new Error('This model has no end-of-song symbol “/”, so it cannot be used to generate.');
	if (seed[0] === HOLD) throw new Error('A seed cannot begin with “_”: begin it with a pitch or a rest.');
	if (seed.includes(SONG_END)) throw new Error('A seed cannot contain “/”.');
	let steps: number;
	if (s.bars !== undefined || (s.steps === undefined && formOf(s))) {
		if (s.bars !== undefined && !(Number.isInteger(s.bars) && s.bars >= 1))
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
	if (s.mode != null && !GENERATE_MODES.includes(s.mode))
		throw new Error(`Tunes cannot be written in “${s.mode}”: choose one of ${GENERATE_MODES.join(', ')}.`);
	checkForm(seed, s);
}

/**
 * The form's phrases, or null for a through-composed tune; throws a sentence for a form that cannot be.
 * A form shapes a whole tune only: a length in steps (`steps` without `bars`) writes on without one.
 */
export function formOf(s: GenerateSettings): FormLetter[] | null {
	if (s.form === undefined || s.form === THROUGH || (s.bars === undefined && s.steps !== undefined))
		return null;
	const letters = parseForm(s.form);
	if (!letters)
		throw new Error(
			`“${s.form}” is not a form: write up to ${MAX_PHRASES} phrase letters A–H, with ′ for a phrase whose ending is varied (like AABA or AA′BA′), or “through”.`
		);
	return letters.length ? letters : null;
}

export const MAX_PHRASE_BARS = 16;

function checkForm(seed: readonly string[], s: GenerateSettings): void {
	if (
		s.phraseBars !== undefined &&
		!(Number.isInteger(s.phraseBars) && s.phraseBars >= 1 && s.phraseBars <= MAX_PHRASE_BARS)
	)
		throw new Error(`A phrase must be a whole number of bars from 1 to ${MAX_PHRASE_BARS}.`);
	const letters = formOf(s);
	if (!letters) {
		if (s.rewrite) throw new Error('Only a tune written in a form has phrases to write again.');
		return;
	}
	const phraseBars = s.phraseBars ?? GENERATE_DEFAULTS.phraseBars;
	const bars = formBars(letters.length, phraseBars);
	const total = planTune(0, s).total;
	if (seed.length >= total)
		throw new Error(
			`The seed is as long as the whole tune (${s.bars ?? bars} bars) or longer: make the tune longer, the seed shorter, or choose no form.`
		);
	if (s.rewrite) {
		if (!letters.some((l) => l.letter === s.rewrite!.letter))
			throw new Error(`The form ${s.form} has no phrase ${s.rewrite.letter} to write again.`);
		if (s.rewrite.symbols.length !== total)
			throw new Error(
				`The melody to rewrite has ${s.rewrite.symbols.length} steps, but its form is ${total} steps long.`
			);
	}
}

export function meterOf(s: GenerateSettings): Meter | null {
	return s.meter === undefined ? DEFAULT_METER : parseMeter(s.meter);
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
	const letters = formOf(settings);
	// A form without a length is as long as its phrases.
	const bars =
		settings.bars ??
		(letters
			? formBars(letters.length, settings.phraseBars ?? GENERATE_DEFAULTS.phraseBars)
			: GENERATE_DEFAULTS.bars);
	// A pickup and the short last bar that completes it are one bar, as in songs with an upbeat.
	let total = bars * stepsPerBar;
	while (total <= seedLength) total += stepsPerBar;
	const endingFrom = Math.max(seedLength, total - GENERATE_DEFAULTS.endingBars * stepsPerBar);
	const endings = Math.max(1, settings.endings ?? GENERATE_DEFAULTS.endings);
	return { total, endingFrom, endings, stepsPerBar, phase };
}

/** Model steps a melody is expected to cost (for progress; going back a bar costs more). */
export function plannedSteps(seedLength: number, settings: GenerateSettings): number {
	if (formOf(settings)) return planTune(seedLength, settings).total - seedLength;
	if (settings.bars === undefined) return settings.steps ?? 0;
	const plan = planTune(seedLength, settings);
	return plan.endingFrom - seedLength + plan.endings * (plan.total - plan.endingFrom);
}
