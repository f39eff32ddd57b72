/**
 * What decides a melody besides the model and the seed: the settings, each described once in
 * `GENERATE_SETTINGS` (label, help, range, CLI flag), from which the checks (`checkSettings`), the flags
 * and usage of `cli generate` and `cli melody-stats` (cli/sampling.ts) and the Generate stage's controls
 * derive; and the plan of a whole tune (its length and where its candidate endings start), shared by every
 * generator. A new setting is a field of `GenerateSettings`, its row, and its use in generate.ts.
 */
import type { StepModel } from '../model/types';
import { deriveSeed } from './random';
import { HOLD, SONG_END } from '../music/symbols';
import { COMMON_METERS, DEFAULT_METER, parseMeter, type Meter } from '../music/meter';
import { GENERATE_DEFAULTS } from './defaults';
import { modeName, type Mode } from '../music/key';
import { GENERATE_MODES } from './mode';
import { MAX_TEMPERATURE, MIN_TEMPERATURE, MIN_TOP_P } from './sample';
import { LstmStepModel, unknownStyleMessage } from '../model/lstm-step';
import {
	FORMS,
	formBars,
	MAX_PHRASES,
	parseForm,
	SONGS,
	THROUGH,
	type FormLetter,
	type MelodyForm
} from './form';
import type { SongTemplate } from './templates';

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
/** The longest whole tune asked for, in bars (a "continue" adds to the tune on show, so not just 64). */
export const MAX_BARS = 256;
/** The most candidate endings tried (each costs the last bars once more). */
export const MAX_ENDINGS = 64;
export const MAX_PHRASE_BARS = 16;
/** Random seeds are 32-bit (generate/random.ts). */
export const MAX_RANDOM_SEED = 2 ** 32 - 1;

/** The settings a row of `GENERATE_SETTINGS` describes: those of `GenerateSettings`, the key and the kept seed. */
export type GenerateSettingKey =
	| 'bars'
	| 'steps'
	| 'temperature'
	| 'topP'
	| 'endings'
	| 'variations'
	| 'randomSeed'
	| 'lockSeed'
	| 'meter'
	| 'form'
	| 'phraseBars'
	| 'mode'
	| 'tonic'
	| 'style';

/** How one generation setting is shown, read and checked (as `TrainSetting` is for training). */
export interface GenerateSetting {
	key: GenerateSettingKey;
	/** The control's label on the page. */
	label: string;
	/** One line for a musician: the control's help and the flag's usage. */
	help: string;
	/** Its name in a sentence: “The temperature must be …”. */
	subject: string;
	/** Flag of `cli generate` (and `cli melody-stats`), without `--`; null where only the page has it. */
	flag: string | null;
	/**
	 * A number in `min`–`max` (`step` is the control's increment; an `integer` counts `unit`), on or off,
	 * one of `choices`, a meter or a form read from text (`choices` are those offered), or one of the
	 * model's styles.
	 */
	kind: 'integer' | 'number' | 'boolean' | 'choice' | 'meter' | 'form' | 'style';
	min?: number;
	max?: number;
	step?: number;
	unit?: string;
	choices?: readonly { value: string; label: string }[];
	/** Held by `GenerateSettings` and checked by `checkSettings`; the others are the page's and the files'. */
	core: boolean;
}

const offered = (values: readonly string[], label = (v: string) => v) =>
	values.map((value) => ({ value, label: label(value) }));

/** Every generation setting, in the order the page shows them. */
export const GENERATE_SETTINGS: readonly GenerateSetting[] = [
	{
		key: 'bars',
		label: 'Length (bars)',
		help: 'The length of the tune; the model writes its own ending on the last barline.',
		subject: 'The length',
		flag: 'bars',
		kind: 'integer',
		min: 1,
		max: MAX_BARS,
		step: 1,
		unit: 'bars',
		core: true
	},
	{
		key: 'steps',
		label: 'Length (steps)',
		help: 'Instead of bars: sixteenth-note steps to add at most, stopping where the model ends the song.',
		subject: 'The length',
		flag: 'steps',
		kind: 'integer',
		min: 0,
		max: MAX_STEPS,
		step: 1,
		unit: 'steps',
		core: true
	},
	{
		key: 'temperature',
		label: 'Temperature',
		help: 'How boldly each next note is drawn: below 1 the model plays safe (and repeats itself), above 1 it takes chances.',
		subject: 'The temperature',
		flag: 'temperature',
		kind: 'number',
		min: MIN_TEMPERATURE,
		max: MAX_TEMPERATURE,
		step: 0.05,
		core: true
	},
	{
		key: 'topP',
		label: 'Top-p',
		help: 'Only the most likely next notes that together hold this share of the probability can be drawn; lower cuts out odd notes.',
		subject: 'Top-p',
		flag: 'top-p',
		kind: 'number',
		min: MIN_TOP_P,
		max: 1,
		step: 0.01,
		core: true
	},
	{
		key: 'endings',
		label: 'Candidate endings',
		help: 'Several endings are tried for the last bars and the one the model finds most likely is kept.',
		subject: 'Candidate endings',
		flag: 'endings',
		kind: 'integer',
		min: 1,
		max: MAX_ENDINGS,
		step: 1,
		core: true
	},
	{
		key: 'variations',
		label: 'Variations',
		help: 'Tunes written at once from the same seed, each with its own random seed.',
		subject: 'Variations',
		flag: 'variations',
		kind: 'integer',
		min: 1,
		max: MAX_VARIATIONS,
		step: 1,
		core: true
	},
	{
		key: 'randomSeed',
		label: 'Random seed',
		help: 'The number behind every random choice: the same seed and settings write the same tune again.',
		subject: 'The random seed',
		flag: 'random-seed',
		kind: 'integer',
		min: 0,
		max: MAX_RANDOM_SEED,
		step: 1,
		core: true
	},
	{
		key: 'lockSeed',
		label: 'Keep this seed',
		help: 'Kept, the next Generate writes the same tune again; otherwise each Generate draws a new seed, so every click writes a new tune.',
		subject: '“Keep this seed”',
		flag: null,
		kind: 'boolean',
		core: false
	},
	{
		key: 'meter',
		label: 'Meter',
		help: 'Where the barlines fall (a model that learned the bar also feels the beats).',
		subject: 'The meter',
		flag: 'meter',
		kind: 'meter',
		choices: offered(COMMON_METERS),
		core: true
	},
	{
		key: 'form',
		label: 'Form',
		help: 'How the tune is built of phrases. As the songs go: each tune takes the shape of one of the songs the model learned from (its length, upbeat, repeated bars and phrase ends). In a form of letters, a letter that comes again repeats its phrase and a primed one (A′) varies its ending; through-composed writes on without planned repeats.',
		subject: 'The form',
		flag: 'form',
		kind: 'form',
		choices: offered(FORMS, (f) =>
			f === THROUGH ? 'Through-composed' : f === SONGS ? 'As the songs go' : f
		),
		core: true
	},
	{
		key: 'phraseBars',
		label: 'Phrase (bars)',
		help: 'Bars in a phrase of the form.',
		subject: 'A phrase',
		flag: 'phrase-bars',
		kind: 'integer',
		min: 1,
		max: MAX_PHRASE_BARS,
		step: 1,
		unit: 'bars',
		core: true
	},
	{
		key: 'mode',
		label: 'Mode',
		help: 'The mode the tune is written in; none: major or minor, as the model goes.',
		subject: 'The mode',
		flag: 'mode',
		kind: 'choice',
		choices: offered(GENERATE_MODES, (m) => modeName(m as Mode)),
		core: true
	},
	{
		key: 'tonic',
		label: 'Key',
		help: 'The key the tune sounds and is written in (its tonic; the mode is the tune’s).',
		subject: 'The key',
		flag: 'key',
		kind: 'integer',
		min: 0,
		max: 11,
		step: 1,
		core: false
	},
	{
		key: 'style',
		label: 'Style',
		help: 'For a model that learned several corpora: the one its tune should sound like; none: any style.',
		subject: 'The style',
		flag: 'style',
		kind: 'style',
		core: true
	}
];

/** The row of each setting, by key. */
export const GENERATE_SETTING = Object.fromEntries(GENERATE_SETTINGS.map((s) => [s.key, s])) as Record<
	GenerateSettingKey,
	GenerateSetting
>;

/** A number setting's range and increment, for a form control's `min`, `max` and `step`. */
export function rangeOf(key: GenerateSettingKey): { min: number; max: number; step: number } {
	const { min, max, step } = GENERATE_SETTING[key];
	if (min === undefined || max === undefined) throw new Error(`The setting ${key} is not a number.`);
	return { min, max, step: step ?? 1 };
}

const count = (n: number) => n.toLocaleString('en');
const or = (xs: readonly string[]) =>
	xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}` : (xs[0] ?? '');

/** The allowed values in words: `a whole number of bars from 1 to 256`, `a meter like 3/4 or 6/8`. */
export function describeGenerateRange(setting: GenerateSetting): string {
	const { kind, min = -Infinity, max = Infinity } = setting;
	switch (kind) {
		case 'integer':
			return `a whole number${setting.unit ? ` of ${setting.unit}` : ''} from ${count(min)} to ${count(max)}`;
		case 'number':
			return `a number from ${min} to ${max}`;
		case 'boolean':
			return 'on or off';
		case 'choice':
			return or((setting.choices ?? []).map((c) => c.value));
		case 'meter':
			return 'a meter like 3/4 or 6/8';
		case 'form':
			return `up to ${MAX_PHRASES} phrase letters A–H, with ′ (or ') for a phrase whose ending is varied (like AABA or AA′BA′), “${SONGS}” or “${THROUGH}”`;
		case 'style':
			return 'one of the model’s styles';
	}
}

/**
 * Null when `value` suits the setting, else what it must be (“must be a number from 0.05 to 2”). A style
 * is checked against the model's styles by `checkSettings`, not here.
 */
export function generateSettingProblem(setting: GenerateSetting, value: unknown): string | null {
	let ok: boolean;
	switch (setting.kind) {
		case 'integer':
		case 'number':
			ok =
				typeof value === 'number' &&
				Number.isFinite(value) &&
				(setting.kind === 'number' || Number.isInteger(value)) &&
				value >= (setting.min ?? -Infinity) &&
				value <= (setting.max ?? Infinity);
			break;
		case 'boolean':
			ok = typeof value === 'boolean';
			break;
		case 'choice':
			ok = (setting.choices ?? []).some((c) => c.value === value);
			break;
		case 'meter':
			ok = typeof value === 'string' && parseMeter(value) !== null;
			break;
		case 'form':
			ok = typeof value === 'string' && (value.trim().toLowerCase() === SONGS || parseForm(value) !== null);
			break;
		case 'style':
			ok = typeof value === 'string' && value !== '';
			break;
	}
	return ok ? null : `must be ${describeGenerateRange(setting)}`;
}

/** A setting's value from text (a flag): numbers as numbers, `on`/`off` for booleans, the rest as written. */
export function readGenerateSetting(setting: GenerateSetting, text: string): unknown {
	if (setting.kind === 'boolean')
		return text === 'on' || text === 'true' ? true : text === 'off' || text === 'false' ? false : text;
	if (setting.kind === 'integer' || setting.kind === 'number') return text.trim() === '' ? NaN : Number(text);
	if (setting.kind === 'choice') return text.trim().toLowerCase();
	return text;
}

/** A value as a sentence quotes it: text in quotes, whole numbers with thousands separated. */
const quoted = (value: unknown) =>
	typeof value === 'string' ? `“${value}”` : Number.isInteger(value) ? count(value as number) : String(value);

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
	/** Applied as softmax(log p / T); its range, as every setting's, is its row of `GENERATE_SETTINGS`. */
	temperature: number;
	/** Nucleus sampling: draw from the most probable symbols holding this share of probability; 1 = all. */
	topP?: number;
	/**
	 * With `steps`: stop when the model ends the song (`/`); otherwise `/` is never drawn and the melody
	 * runs the full length. A whole tune (`bars`) always ends where its length says.
	 */
	stopAtEnd?: boolean;
	/** Melodies from the same seed; variation k uses `variationSeed(randomSeed, k)`. */
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
	/**
	 * For models with styles: the style to write in (a style id; absent or null: the model as given). The
	 * core applies it (generate.ts `inStyle`), as it applies the meter: callers pass the plain model.
	 */
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
	 * `songs`: a seedless tune starts where the model's training songs of its meter start in their bar (an
	 * upbeat as often and as long as theirs; the template's own with form `songs`), instead of at
	 * `barPhase`; the melody records the phase it was written from. A seed keeps `barPhase`.
	 */
	upbeat?: 'songs' | 'given';
	/**
	 * With form `songs`: the song's form to follow (templates.ts), instead of one drawn from the model's
	 * (a melody records the one it followed, so a phrase can be written again in it).
	 */
	template?: SongTemplate;
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
	/** Where its first step falls in its bar, when it was drawn (`upbeat: 'songs'`) rather than given. */
	barPhase?: number;
}

/** The random seed of variation `k`: variation 0 keeps the given seed, so one variation is reproducible. */
export function variationSeed(randomSeed: number, k: number): number {
	return k === 0 ? randomSeed >>> 0 : deriveSeed(randomSeed, k);
}

/**
 * Throws a sentence for settings, a seed or a model that cannot write a melody: every setting of the
 * table outside its row's range (the same ranges the command line and the page offer), a style the model
 * lacks, a length past `MAX_STEPS`, a seed too long or with `/`.
 */
export function checkSettings(model: StepModel, seed: readonly string[], s: GenerateSettings): void {
	if (!model.vocabulary.includes(SONG_END))
		throw new Error('This model has no end-of-song symbol “/”, so it cannot be used to generate.');
	if (seed[0] === HOLD) throw new Error('A seed cannot begin with “_”: begin it with a pitch or a rest.');
	if (seed.includes(SONG_END)) throw new Error('A seed cannot contain “/”.');
	for (const setting of GENERATE_SETTINGS) {
		if (!setting.core) continue;
		const value = (s as unknown as Record<string, unknown>)[setting.key];
		// Absent (or null: no mode, no style) is the default; the temperature, variations and random seed
		// have none (a cleared field on the page sends null).
		const required = ['temperature', 'variations', 'randomSeed'].includes(setting.key);
		if (value == null && !required) continue;
		const problem = generateSettingProblem(setting, value);
		if (problem) throw new Error(refusal(setting, value, problem));
	}
	if (s.style != null) {
		const styles = model instanceof LstmStepModel ? model.styles : [];
		if (!styles.includes(s.style)) throw new Error(unknownStyleMessage(s.style, styles));
	}
	let steps: number;
	if (s.bars !== undefined || (s.steps === undefined && (formOf(s) || songsForm(s)))) {
		steps = planTune(seed.length, s).total - seed.length;
	} else {
		steps = s.steps ?? NaN;
		if (!Number.isInteger(steps)) throw new Error(refusal(GENERATE_SETTING.steps, steps));
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
	if (s.upbeat !== undefined && s.upbeat !== 'songs' && s.upbeat !== 'given')
		throw new Error(`The upbeat must be “songs” (as the songs start) or “given”, not ${quoted(s.upbeat)}.`);
	checkForm(seed, s);
}

/** The sentence refusing `value` for `setting`. */
function refusal(
	setting: GenerateSetting,
	value: unknown,
	problem = generateSettingProblem(setting, value) ?? ''
): string {
	if (setting.kind === 'meter')
		return `${quoted(value)} is not a meter this app can write in (like 3/4 or 6/8).`;
	if (setting.kind === 'form')
		return `${quoted(value)} is not a form: write ${describeGenerateRange(setting)}.`;
	if (setting.key === 'mode')
		return `Tunes cannot be written in ${quoted(value)}: choose one of ${or(GENERATE_MODES)}.`;
	return `${setting.subject} ${problem}, not ${quoted(value)}.`;
}

/**
 * The form's phrases, or null for a through-composed tune; throws a sentence for a form that cannot be.
 * A form shapes a whole tune only: a length in steps (`steps` without `bars`) writes on without one.
 */
export function formOf(s: GenerateSettings): FormLetter[] | null {
	if (
		s.form === undefined ||
		s.form === THROUGH ||
		songsForm(s) ||
		(s.bars === undefined && s.steps !== undefined)
	)
		return null;
	const letters = parseForm(s.form);
	if (!letters) throw new Error(refusal(GENERATE_SETTING.form, s.form));
	return letters.length ? letters : null;
}

/** True for a whole tune written as the songs go (form `songs`, templates.ts). */
export function songsForm(s: GenerateSettings): boolean {
	return (
		typeof s.form === 'string' &&
		s.form.trim().toLowerCase() === SONGS &&
		!(s.bars === undefined && s.steps !== undefined)
	);
}

function checkForm(seed: readonly string[], s: GenerateSettings): void {
	if (songsForm(s)) {
		const total = planTune(0, s).total;
		if (seed.length >= total)
			throw new Error(
				`The seed is as long as the whole tune (${s.bars ?? GENERATE_DEFAULTS.bars} bars) or longer: make the tune longer or the seed shorter.`
			);
		if (s.rewrite && !s.template)
			throw new Error('A tune written as the songs go can only have a phrase written again with its form.');
		if (s.rewrite && s.rewrite.symbols.length !== total)
			throw new Error(
				`The melody to rewrite has ${s.rewrite.symbols.length} steps, but its form is ${total} steps long.`
			);
		return;
	}
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
		(songsForm(settings) && settings.template ? settings.template.bars : undefined) ??
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
	if (formOf(settings) || songsForm(settings)) return planTune(seedLength, settings).total - seedLength;
	if (settings.bars === undefined) return settings.steps ?? 0;
	const plan = planTune(seedLength, settings);
	return plan.endingFrom - seedLength + plan.endings * (plan.total - plan.endingFrom);
}
