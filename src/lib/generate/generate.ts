/**
 * Melody generation over any StepModel. Stateful: the seed is read once and every new symbol costs one
 * model step, the state carried forward — never the reference's re-run of a 64-symbol window per symbol
 * (kept here as `generateReference` only to measure and check against).
 */
import { MAX_REDRAWS, melodyFaults } from './faults';
import { estimateMode } from '../encoding/key';
import { MAX_MODE_DRAWS, endsOnTonic, inMode, modeMap, openingPitchClasses, soundsIn } from './mode';
import { isPitchSymbol } from '../music/pitch';
import type { StepModel } from '../model/types';
import { mulberry32, pickWeighted, type Random } from './random';
import { sampleIndex } from './sample';
import { HOLD, SONG_END } from '../music/symbols';
import { REFERENCE_WINDOW } from '../model/config';
import { GENERATE_DEFAULTS } from './defaults';
import {
	checkSettings,
	formOf,
	meterOf,
	planTune,
	plannedSteps,
	songsForm,
	variationSeed,
	type GenerateSettings,
	type Melody
} from './settings';
import { drawPhase, drawTemplate, templateRandom, type SongForms } from './templates';
import { DEFAULT_METER, formatMeter } from '../music/meter';
import { LstmStepModel } from '../model/lstm-step';
import { barContext } from '../model/features';
import {
	cadencePitchClasses,
	copySources,
	landsOn,
	melodyForm,
	planForm,
	parseForm,
	planTemplate,
	type FormPlan,
	type MelodyForm,
	type PlannedPhrase
} from './form';
import { REST } from '../music/symbols';

function idsOf(model: StepModel, symbols: readonly string[]): number[] {
	const index = new Map(model.vocabulary.map((s, i) => [s, i]));
	return symbols.map((s) => {
		const id = index.get(s);
		if (id === undefined) throw new Error(`The model does not know the symbol “${s}”.`);
		return id;
	});
}

/**
 * The model as it writes in the settings' style: one with styles is told the style asked for (the
 * settings were checked, so it has it); without a style the model is taken as it is given.
 */
export function inStyle<S>(model: StepModel<S>, settings: Pick<GenerateSettings, 'style'>): StepModel<S> {
	if (settings.style == null || !(model instanceof LstmStepModel)) return model;
	return model.withStyle(settings.style) as unknown as StepModel<S>;
}

/**
 * The model as it writes in the settings' meter: one that takes the bar position (model/features.ts) is
 * told the meter and where the seed starts in its bar; any other is returned as it is.
 */
export function inMeter<S>(
	model: StepModel<S>,
	settings: Pick<GenerateSettings, 'meter' | 'barPhase'>
): StepModel<S> {
	if (!(model instanceof LstmStepModel)) return model;
	// A merged model writes from its members' mixture unless the caller chose (docs/model-card.md, G).
	const m = model.mixture === undefined ? model.withMixture(GENERATE_DEFAULTS.mixture) : model;
	if (!m.usesBar) return m as unknown as StepModel<S>;
	const bar = barContext(settings.meter ?? GENERATE_DEFAULTS.meter, settings.barPhase ?? 0);
	return m.withBar(bar) as unknown as StepModel<S>;
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

/** What is wrong with a whole tune: stuck on one pitch (faults.ts), or not heard in the asked mode. */
function tuneFaults(symbols: readonly string[], stepsPerBar: number, settings: GenerateSettings): number {
	const faults = melodyFaults(symbols, stepsPerBar).length;
	const song = songMode(settings);
	const heard = settings.mode
		? !soundsIn(symbols, settings.mode)
		: song !== undefined && estimateMode(symbols) !== song;
	return faults + (heard ? 1 : 0);
}

/** Without an asked mode, the mode of the song whose form the tune takes (none for a seed's tune). */
function songMode(settings: GenerateSettings): 'major' | 'minor' | undefined {
	return !settings.mode && songsForm(settings) ? settings.template?.mode : undefined;
}

/** The mode a melody records: the one asked for, if any. */
function modeOf(settings: GenerateSettings): Pick<Melody, 'mode'> {
	return settings.mode ? { mode: settings.mode } : {};
}

/** Whole tunes drawn at most before the least faulty is kept. */
function drawLimit(settings: GenerateSettings): number {
	return settings.mode || songMode(settings) ? MAX_MODE_DRAWS : MAX_REDRAWS;
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
	private readonly moveTo: Int32Array | null = null;
	/** Before the first note of a tune in a mode: at its first step, and after a rest. */
	private readonly noOpening: [ReadonlySet<number>, ReadonlySet<number>] | null = null;

	/** A tune in a form, shaped as songs are (`shapeBans`, `pitchesAt`); a through-composed one is drawn as is. */
	private readonly inForm: boolean;
	private readonly pitchIds: number[];
	/** In a song's form, the pitches other than its song's first note: banned before the tune's first note. */
	private readonly opening: ReadonlySet<number> | null = null;

	constructor(
		private readonly model: StepModel<S>,
		private readonly settings: GenerateSettings,
		randomSeed: number
	) {
		this.random = mulberry32(randomSeed);
		this.pitchIds = model.vocabulary.flatMap((s, i) => (isPitchSymbol(s) ? [i] : []));
		this.inForm = formOf(settings) !== null || songsForm(settings);
		this.end = model.vocabulary.indexOf(SONG_END);
		// Nothing to hold before the first note, and an empty song is no melody.
		this.noStart = new Set([this.end, model.vocabulary.indexOf(HOLD)].filter((i) => i >= 0));
		this.noEnd = new Set([this.end]);
		// In an asked mode (generate/mode.ts) the model's notes become the mode's, and a seedless tune opens
		// on its tonic or fifth.
		if (settings.mode) {
			this.moveTo = modeMap(model.vocabulary, settings.mode);
			const opening = new Set(openingPitchClasses(settings.mode));
			const others = model.vocabulary.flatMap((s, i) =>
				isPitchSymbol(s) && !opening.has(Number(s) % 12) ? [i] : []
			);
			this.noOpening = [new Set([...this.noStart, ...others]), new Set([...this.noEnd, ...others])];
		}
		// A tune in a song's form opens on the note its song opened on (the same pitch, so in its register),
		// as it starts where its song started in the bar; an asked mode opens as the mode does.
		const first = settings.template?.opening;
		if (
			!settings.mode &&
			songsForm(settings) &&
			first !== undefined &&
			model.vocabulary.includes(String(first))
		)
			this.opening = new Set(this.pitchIds.filter((i) => model.vocabulary[i] !== String(first)));
	}

	/** Draws the next symbol id after `symbols`; `/` only when `mayEnd`. */
	draw(at: Cursor<S>, symbols: readonly string[], mayEnd: boolean): number {
		let banned =
			this.noOpening && !symbols.some(isPitchSymbol)
				? this.noOpening[symbols.length === 0 ? 0 : 1]
				: symbols.length === 0
					? this.noStart
					: mayEnd
						? NONE
						: this.noEnd;
		let probabilities: ArrayLike<number> = this.moveTo
			? inMode(at.probabilities, this.moveTo)
			: at.probabilities;
		if (this.opening && !symbols.some(isPitchSymbol)) banned = new Set([...banned, ...this.opening]);
		if (this.inForm) {
			const shape = this.shapeBans(symbols);
			if (shape) banned = new Set([...banned, ...shape]);
			probabilities = this.pitchesAt(probabilities);
		}
		return sampleIndex(
			probabilities,
			this.settings.temperature,
			this.random,
			banned,
			this.settings.topP ?? 1
		);
	}

	step(at: Cursor<S>, id: number): Cursor<S> {
		return this.model.step(at.state, id);
	}

	/**
	 * What a tune in a form never does where real songs never do (docs/model-card.md, "Forms as the songs go"):
	 * leap more than an octave from the last note, or end a note after a length no real song's note has
	 * (5, 7, 9–11 or 13–15 sixteenths: the note is held on instead), or hold a note past a whole note (no
	 * song of the corpora has one: the encoding keeps notes of a sixteenth to four quarters, as the
	 * reference's). A classifier heard all three, rare as they were (0.1–0.5 % of the notes). Null where
	 * nothing is banned.
	 */
	private shapeBans(symbols: readonly string[]): number[] | null {
		let held = 0;
		let t = symbols.length - 1;
		while (t >= 0 && symbols[t] === HOLD) {
			held++;
			t--;
		}
		const last = t >= 0 && isPitchSymbol(symbols[t]) ? Number(symbols[t]) : null;
		const length = held + 1;
		const mustHold = last !== null && length < 16 && !NOTE_LENGTHS.has(length);
		const mayNotHold = last !== null && length >= 16;
		let pitch = last;
		for (let u = t; pitch === null && u >= 0; u--) if (isPitchSymbol(symbols[u])) pitch = Number(symbols[u]);
		if (!mustHold && !mayNotHold && pitch === null) return null;
		const out: number[] = [];
		this.model.vocabulary.forEach((s, i) => {
			if (
				mustHold
					? s !== HOLD
					: (mayNotHold && s === HOLD) || (isPitchSymbol(s) && Math.abs(Number(s) - pitch!) > 12)
			)
				out.push(i);
		});
		return out;
	}

	/**
	 * The distribution with the choice among pitches drawn at PITCH_TEMPERATURE while the choice between
	 * holding, a rest and striking a note stays at the settings' temperature: returns q such that
	 * softmax(log q / T) gives every pitch together the mass T gives them, shared out as p^(1/Tp).
	 */
	private pitchesAt(p: ArrayLike<number>): ArrayLike<number> {
		const tp = PITCH_TEMPERATURE;
		const t = this.settings.temperature;
		if (tp === t) return p;
		let mass = 0;
		let sharp = 0;
		let max = 0;
		for (const i of this.pitchIds) max = Math.max(max, p[i]);
		if (!(max > 0)) return p;
		for (const i of this.pitchIds) {
			mass += (p[i] / max) ** (1 / t);
			sharp += (p[i] / max) ** (1 / tp);
		}
		const out = Float32Array.from(p as ArrayLike<number>);
		for (const i of this.pitchIds) out[i] = max * ((mass * (p[i] / max) ** (1 / tp)) / sharp) ** t;
		return out;
	}

	/** One index drawn with probability proportional to `weights` (the last where all are zero). */
	pick(weights: readonly number[]): number {
		return pickWeighted(weights, this.random);
	}

	/** Draws the next symbol with `banned` ids left out (and `/` always). */
	drawWithout(at: Cursor<S>, banned: ReadonlySet<number>): number {
		return sampleIndex(
			this.moveTo ? inMode(at.probabilities, this.moveTo) : at.probabilities,
			this.settings.temperature,
			this.random,
			new Set([...banned, this.end]),
			this.settings.topP ?? 1
		);
	}

	/** Ids of the pitches outside `pitchClasses`, and (for a note that must start now) hold and rest. */
	bannedOutside(pitchClasses: readonly number[], mustStrike: boolean): Set<number> {
		const out = new Set<number>();
		this.model.vocabulary.forEach((s, i) => {
			if (
				isPitchSymbol(s) ? !pitchClasses.includes(Number(s) % 12) : mustStrike && (s === HOLD || s === REST)
			)
				out.add(i);
		});
		return out;
	}
}

const NONE: ReadonlySet<number> = new Set();
/**
 * The temperature of the choice among pitches in a whole tune; the choice to strike a note at all (or
 * hold, or rest) keeps the settings' temperature, which sets how many notes a bar holds. At the settings'
 * 1.0 the pitches leapt wider than real songs' (mean |interval| the classifier's first tell on erk); at
 * 0.9: erk classifier 0.58–0.59 against 0.60–0.62 (docs/model-card.md, "Forms as the songs go").
 */
export const PITCH_TEMPERATURE = 0.9;
/** Note lengths (16ths) real songs have below a whole bar of 4/4 (every other one is tied on). */
const NOTE_LENGTHS: ReadonlySet<number> = new Set([1, 2, 3, 4, 6, 8, 12]);

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
): Generator<void, { symbols: string[]; ended: boolean; form?: MelodyForm }> {
	const plan = formPlan(seed.length, settings);
	if (plan) return yield* writeFormTune(model, seed, primed, settings, randomSeed, plan);
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

	const tune = planTune(seed.length, settings);
	const onBarline = (length: number) => (tune.phase + length) % tune.stepsPerBar === 0;
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
		if (symbols.length === tune.total) {
			// A candidate ending, as likely to end the song as the model finds it.
			const end = at.probabilities[drawer.end];
			// In an asked mode an ending on its tonic comes first (generate/mode.ts).
			const score = end + (settings.mode && endsOnTonic(symbols, settings.mode) ? 1 : 0);
			if (!best || score > best.end) best = { symbols, end: score };
			if (++candidates >= tune.endings) {
				const faults = tuneFaults(best.symbols, tune.stepsPerBar, settings);
				if (!kept || faults < kept.faults) kept = { symbols: best.symbols, faults };
				if (faults === 0 || ++draws >= drawLimit(settings)) return { symbols: kept.symbols, ended: true };
				// A tune stuck on one pitch: drawn again from the seed, the random stream going on.
				marks.length = 1;
				symbols = [...seed];
				at = primed;
				retreats = 0;
				candidates = 0;
				best = null;
				continue;
			}
			const mark = backTo(tune.endingFrom);
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

/**
 * The form a whole tune of `settings` follows, planned (form.ts), or null for a through-composed one: a
 * form of letters, or the song's template (form `songs`; `resolveTune` has put it in the settings —
 * without one, as a model that keeps no templates, the tune is written in FALLBACK_FORM).
 */
function formPlan(seedLength: number, settings: GenerateSettings): FormPlan | null {
	const { stepsPerBar, phase, total } = planTune(seedLength, settings);
	if (songsForm(settings)) {
		if (settings.template) return planTemplate(settings.template, stepsPerBar, phase, total / stepsPerBar);
		const letters = parseForm(FALLBACK_FORM)!;
		return planForm(letters, 2, stepsPerBar, phase, total / stepsPerBar);
	}
	const letters = formOf(settings);
	if (!letters) return null;
	return planForm(
		letters,
		settings.phraseBars ?? GENERATE_DEFAULTS.phraseBars,
		stepsPerBar,
		phase,
		total / stepsPerBar
	);
}

/** The form of a tune "as the songs go" when the model keeps no songs' forms (the measured best of the
 * planned forms before them: docs/model-card.md, "Form"). */
export const FALLBACK_FORM = 'ABAC';

/**
 * The settings one tune is written with: where the form is `songs`, a template of the meter and nearest
 * length drawn from `forms` (the model's `songForms`) unless one is given; where the upbeat is `songs` and
 * there is no seed, the phase the template starts at (or one drawn from the meter's songs). Both are drawn
 * from a stream of the tune's random seed that its notes never draw from, so a kept seed writes the same
 * tune again.
 */
export function resolveTune(
	seedLength: number,
	settings: GenerateSettings,
	forms: SongForms | undefined,
	randomSeed: number
): GenerateSettings {
	const drawUpbeat = settings.upbeat === 'songs' && seedLength === 0;
	const songs = songsForm(settings);
	if (!songs && !drawUpbeat) return settings;
	const random = templateRandom(randomSeed);
	const meter = formatMeter(meterOf(settings) ?? DEFAULT_METER);
	const out = { ...settings };
	const template = songs
		? (settings.template ??
			drawTemplate(forms, meter, settings.bars ?? GENERATE_DEFAULTS.bars, random, settings.style))
		: null;
	// A seed sets its own mode: the song's is not asked of it.
	if (template) out.template = seedLength > 0 && template.mode ? { ...template, mode: undefined } : template;
	// The tune sounds like the collection its song came from, unless the musician chose a style.
	if (template?.style !== undefined && settings.style == null) out.style = template.style;
	if (drawUpbeat) out.barPhase = template ? template.phase : drawPhase(forms, meter, random);
	return out;
}

/** True when the last note of `symbols` (rests after it left out) lasts a length songs' notes have. */
function usualLastNote(symbols: readonly string[]): boolean {
	let t = symbols.length - 1;
	while (t >= 0 && symbols[t] === REST) t--;
	let length = 1;
	while (t >= 0 && symbols[t] === HOLD) {
		length++;
		t--;
	}
	return length === 16 || NOTE_LENGTHS.has(length);
}

/** Draws of a bar that a song's form has new before one that repeats an earlier bar is kept. */
export const NEW_BAR_TRIES = 8;
/**
 * Draws of a phrase's ending inside a tune in a song's form that must land as the song's phrase did — on
 * degree 1, 3 or 5 where the song's did, off them where it did not — before the model's own ending is
 * kept. Left to the model, 65 % of kinder's 2-bar phrase ends were stable against 82 % in the songs (erk
 * 64 % against 66–69 %); landing each as its song did puts both collections at their songs' share (kinder
 * 0.80, erk 0.65) without requiring stable ends of a collection that has fewer (docs/model-card.md,
 * "Forms as the songs go": kinder classifier −3 points).
 */
export const LANDING_TRIES = 4;

/** True when the full bar from step `from` is note for note an earlier full bar. */
function repeatsEarlierBar(
	symbols: readonly string[],
	from: number,
	stepsPerBar: number,
	phase: number
): boolean {
	const first = (stepsPerBar - phase) % stepsPerBar;
	for (let b = first; b + stepsPerBar <= from; b += stepsPerBar) {
		let same = true;
		for (let o = 0; o < stepsPerBar && same; o++) same = symbols[b + o] === symbols[from + o];
		if (same) return true;
	}
	return false;
}

/**
 * Draws of the bar before a copied one (a repeat the form plans), one kept with chance in proportion to how
 * likely the model finds the copied bar's first note after it: the bar is drawn as if the model knew what
 * comes next. Drawn once, as the model went on, the bar before a repeat leapt into it: Old German songs'
 * tunes leapt a sixth to an octave at such joins 12 times as often as the songs (docs/model-card.md, H).
 */
export const JOIN_DRAWS = 8;

/** Cadences drawn for a phrase before its last bar is written with only the cadence's pitches. */
export const CADENCE_TRIES = 16;
/**
 * Draws of a phrase's ending inside the tune before the model's own (last) one is kept. One — the model's
 * ending as drawn — by measure: the bundled model ends 63–64 % of its 2- and 4-bar phrases on degree 1, 3
 * or 5, real German songs 65–69 % (erk); requiring them (up to 16 draws, all on 1, 3 or 5) was a tell that
 * a classifier heard (docs/model-card.md, Form).
 */
export const STABLE_CADENCE_TRIES = 1;

/**
 * How much more a candidate ending on the tonic counts, among a tune's last cadences that land on a stable
 * degree (1, 3 or 5), than the model's own wish to end there. With every tune ending on the tonic (100 %,
 * real songs 66–74 %) that was the classifier's strongest tell; left to the model alone (weight 1) tunes
 * ended on it half the time. At 30: kinder 75 % (real 66 %), erk 74 % (real 74 %), and the classifier
 * 66 % instead of 77 % on kinder, 79 % instead of 83 % on erk (docs/model-card.md, "Form").
 */
export const FINAL_TONIC_WEIGHT = 30;

/**
 * Writes a tune in a form (form.ts): the seed is phrase A or its beginning; a letter's first phrase is
 * drawn, its repeats are copied symbol by symbol and fed through the model (so its state follows the
 * tune), a primed phrase is copied up to its varied ending, which is drawn. A phrase's cadence (its last
 * bar, from the barline) is drawn until its last note lands where the cadence asks — conditioning the
 * model on the cadence by rejection, so the rhythm stays the model's — and a tonic cadence is chosen, as
 * a whole tune's ending is, among `endings` candidates that land, as the one after which the model finds
 * the end of the song likeliest. Where no candidate lands in CADENCE_TRIES (or `endings`) draws, the bar
 * is drawn with only the cadence's pitches, a note struck on its downbeat. Elsewhere `/` drawn early
 * goes back to the last barline, as in a through-composed tune; a tune stuck on one pitch is drawn again.
 */
function* writeFormTune<S>(
	model: StepModel<S>,
	seed: readonly string[],
	primed: Cursor<S>,
	settings: GenerateSettings,
	randomSeed: number,
	plan: FormPlan
): Generator<void, { symbols: string[]; ended: boolean; form: MelodyForm }> {
	const drawer = new Drawer(model, settings, randomSeed);
	const { stepsPerBar, phase, total } = planTune(seed.length, settings);
	// Cadences land in the asked mode, or in the mode of the song whose form the tune takes.
	const cadenceMode = settings.mode ?? songMode(settings);
	if (plan.total !== total) throw new Error('The form’s plan and the tune’s length disagree.');
	const copy = copySources(plan);
	// Steps kept as given: the seed, and in a rewrite every step outside the rewritten letter's phrases.
	const keep: (string | undefined)[] = [...seed];
	const rewrite = settings.rewrite;
	if (rewrite)
		for (const ph of plan.phrases)
			if (ph.letter !== rewrite.letter)
				for (let t = Math.max(ph.start, seed.length); t < ph.end; t++) keep[t] = rewrite.symbols[t];
	/** What step `t` is given after `symbols` (kept, or copied from an earlier step), if anything. */
	const givenAt = (symbols: readonly string[], t: number) =>
		keep[t] ?? (copy[t] >= 0 ? symbols[copy[t]] : undefined);
	/**
	 * One of the draws before a copied step `t`, kept with chance in proportion to the model's probability,
	 * after it, of what `t` is given there (JOIN_DRAWS).
	 */
	const pickJoin = <D extends { symbols: string[]; at: Cursor<S> }>(drawn: readonly D[], t: number): D =>
		drawn[
			drawer.pick(drawn.map((d) => d.at.probabilities[model.vocabulary.indexOf(givenAt(d.symbols, t)!)]))
		];
	const phraseAt = (t: number) =>
		plan.phrases.find((ph) => t < ph.end) ?? plan.phrases[plan.phrases.length - 1];
	const onBarline = (length: number) => (phase + length) % stepsPerBar === 0;
	const endings = Math.max(1, settings.endings ?? GENERATE_DEFAULTS.endings);

	/** Draws steps `from`…`to` after `symbols`; null where the model draws `/` (it would end the song). */
	function* drawRegion(
		at: Cursor<S>,
		symbols: string[],
		to: number,
		forced: readonly number[] | null
	): Generator<void, { symbols: string[]; at: Cursor<S> } | null> {
		const out = [...symbols];
		const from = out.length;
		while (out.length < to) {
			const id = forced
				? drawer.drawWithout(at, drawer.bannedOutside(forced, out.length === from || out.length === 0))
				: drawer.draw(at, out, true);
			if (id === drawer.end) return null;
			out.push(model.vocabulary[id]);
			at = drawer.step(at, id);
			yield;
		}
		return { symbols: out, at };
	}

	/**
	 * True when phrase `ph` of `symbols` is too like what it must not be: a new letter's phrase that
	 * repeats more than half the bars of an earlier phrase of another letter (a model that heard AA may
	 * well go on with A, and that is no B), or a varied ending note for note the ending it varies.
	 */
	const tooLike = (symbols: readonly string[], ph: PlannedPhrase) => {
		// A song's template says where it repeats; what else the model repeats is its own.
		if (plan.copy) return false;
		const same = (a: number, b: number, n: number) => {
			for (let i = 0; i < n; i++) if (symbols[a + i] !== symbols[b + i]) return false;
			return true;
		};
		if (ph.role === 'variant') {
			const from = plan.phrases[ph.source].start + (ph.drawFrom - ph.start);
			return same(from, ph.drawFrom, ph.end - ph.drawFrom);
		}
		return plan.phrases.some((o) => {
			if (o.end > ph.start || o.letter === ph.letter || o.end - o.start !== ph.end - ph.start) return false;
			let bars = 0;
			for (let b = 0; b < ph.end - ph.start; b += stepsPerBar)
				if (same(o.start + b, ph.start + b, Math.min(stepsPerBar, ph.end - ph.start - b))) bars++;
			return bars > (ph.end - ph.start) / stepsPerBar / 2;
		});
	};

	/** True when a full bar ending in (from, to] of `symbols`, new in the song's form, repeats an earlier bar. */
	const repeatsInside = (symbols: readonly string[], from: number, to: number) => {
		for (let b = (stepsPerBar - phase) % stepsPerBar; b + stepsPerBar <= to; b += stepsPerBar)
			if (
				b + stepsPerBar > from &&
				b >= seed.length &&
				copy[b] < 0 &&
				repeatsEarlierBar(symbols, b, stepsPerBar, phase)
			)
				return true;
		return false;
	};

	/** The cadence of phrase `ph`, from step `symbols.length` to its end. */
	function* cadence(
		at: Cursor<S>,
		symbols: string[],
		ph: PlannedPhrase
	): Generator<void, { symbols: string[]; at: Cursor<S> }> {
		const { end } = ph;
		// A tune in an asked mode ends on its tonic: that is what makes the mode heard.
		const target = ph.cadence === 'final' && settings.mode ? 'tonic' : ph.cadence!;
		// The tune's ending where its song ended off 1, 3 and 5: as the model ends it, not made to land.
		const free = target === 'final' && ph.lands === false;
		const tonic = target === 'tonic' || target === 'final';
		let best: { symbols: string[]; at: Cursor<S>; end: number } | null = null;
		let drawn: { symbols: string[]; at: Cursor<S> } | null = null;
		const stable = target === 'stable';
		// In a song's form a phrase ends as the model ends it, but not on a bar the form has new drawn as
		// an earlier one (as in the body of the tune).
		const song = plan.copy !== undefined;
		// Where the song's own phrase ended is known, the first LANDING_TRIES draws must land as it did.
		// A phrase followed by a copied bar: JOIN_DRAWS endings that would do, one kept as it leads into
		// the copy (as the bar before a copy in the body of the tune).
		const joining = !tonic && end < plan.total && copy[end] >= 0;
		const landing =
			song && stable && ph.lands !== undefined ? LANDING_TRIES + (joining ? JOIN_DRAWS - 1 : 0) : 0;
		const joins: { symbols: string[]; at: Cursor<S> }[] = [];
		const join = (c: { symbols: string[]; at: Cursor<S> }) => {
			joins.push(c);
			return joins.length >= JOIN_DRAWS;
		};
		const tries =
			(tonic ? endings : stable ? (song ? NEW_BAR_TRIES + landing : STABLE_CADENCE_TRIES) : CADENCE_TRIES) +
			(joining ? JOIN_DRAWS - 1 : 0);
		for (let k = 0; k < tries; k++) {
			// Endings that land as the song's did are preferred to the later ones that need not.
			if (joins.length && k === landing && landing > 0) break;
			const c = yield* drawRegion(at, symbols, end, null);
			const repeats = c !== null && song && repeatsInside(c.symbols, symbols.length, end);
			if (c && !(ph.role === 'variant' && tooLike(c.symbols, ph)) && !(repeats && drawn)) drawn = c;
			if (song && stable) {
				if (c && !repeats && (k >= landing || landsOn('stable', c.symbols, end, cadenceMode) === ph.lands)) {
					if (!joining) return c;
					if (join(c)) break;
				}
				continue;
			}
			// A new letter that came out as an earlier phrase (a model fed AA may well go on with A) is no B.
			if (
				!c ||
				repeats ||
				(!free && !landsOn(target, c.symbols, end, cadenceMode)) ||
				(ph.role === 'variant' && tooLike(c.symbols, ph))
			)
				continue;
			if (!tonic) {
				if (!joining) return c;
				if (join(c)) break;
				continue;
			}
			// The tune's last note as long as a song's last note is (not 5, 7, 9–11 or 13–15 sixteenths).
			if (song && target === 'final' && !usualLastNote(c.symbols)) continue;
			const p =
				c.at.probabilities[drawer.end] *
				(target === 'final' && !free && landsOn('tonic', c.symbols, end, cadenceMode)
					? FINAL_TONIC_WEIGHT
					: 1);
			if (!best || p > best.end) best = { ...c, end: p };
		}
		if (joins.length) return pickJoin(joins, end);
		if (best) return best;
		// A phrase inside the tune may end where the model ends it (real phrase ends are not all stable).
		if (stable && drawn) return drawn;
		const pitches = cadencePitchClasses(target, symbols, cadenceMode);
		return (yield* drawRegion(at, symbols, end, pitches))!;
	}

	let kept: { symbols: string[]; faults: number } | null = null;
	for (let draws = 0; ;) {
		let symbols = [...seed];
		let at = primed;
		let retreats = 0;
		// Barlines reached in the stretch being drawn now: where `/` drawn early goes back to.
		let marks: { length: number; at: Cursor<S> }[] = [];
		// Where the new letter's phrase being drawn began, to draw it again from there.
		let again = null as { phrase: PlannedPhrase; length: number; at: Cursor<S>; tries: number } | null;
		const redrawn = new Map<number, number>();
		const joined = new Set<number>();
		while (symbols.length < plan.total) {
			const t = symbols.length;
			// The bar just drawn meets a copied one: drawn again, one draw kept as it leads into the copy (whose
			// source may be that very bar: what `t` is given is read after the choice).
			let from: (typeof marks)[number] | undefined;
			if (copy[t] >= 0 && !joined.has(t))
				for (let i = marks.length - 1; i >= 0 && !from; i--) if (marks[i].length < t) from = marks[i];
			if (from) {
				joined.add(t);
				const drawn = [{ symbols, at }];
				for (let k = 1; k < JOIN_DRAWS; k++) {
					const c = yield* drawRegion(from.at, symbols.slice(0, from.length), t, null);
					if (c && !(plan.copy && repeatsInside(c.symbols, from.length, t))) drawn.push(c);
				}
				({ symbols, at } = pickJoin(drawn, t));
			}
			const given = givenAt(symbols, t);
			if (given !== undefined) {
				symbols.push(given);
				at = drawer.step(at, model.vocabulary.indexOf(given));
				marks = [];
				yield;
				continue;
			}
			const ph = phraseAt(t);
			let free = ph.cadence !== null && t >= ph.cadenceFrom;
			for (let u = t; free && u < ph.end; u++) if (keep[u] !== undefined || copy[u] >= 0) free = false;
			if (free) {
				({ symbols, at } = yield* cadence(at, symbols, ph));
				marks = [];
				// A new letter's phrase that came out as an earlier one is drawn again from its start.
				if (
					ph.role === 'source' &&
					again &&
					again.phrase === ph &&
					tooLike(symbols, ph) &&
					++again.tries < CADENCE_TRIES
				) {
					symbols = symbols.slice(0, again.length);
					at = again.at;
				}
				continue;
			}
			if (t === ph.start && ph.role === 'source' && again?.phrase !== ph)
				again = { phrase: ph, length: t, at, tries: 0 };
			if (marks.length === 0) marks.push({ length: t, at });
			const id = drawer.draw(at, symbols, retreats < MAX_RETREATS);
			if (id === drawer.end) {
				// The model would end the song here: the bar that sounded final is drawn again.
				retreats++;
				while (marks.length > 1 && marks[marks.length - 1].length > t - 1) marks.pop();
				symbols = symbols.slice(0, marks[marks.length - 1].length);
				at = marks[marks.length - 1].at;
				continue;
			}
			symbols.push(model.vocabulary[id]);
			at = drawer.step(at, id);
			if (onBarline(symbols.length)) {
				// A bar the song's form has new, drawn note for note as an earlier bar, is drawn again (from
				// its barline, or where the stretch being drawn began inside it): the form repeats where the
				// song did, the model's own repeats on top made too many.
				const from = symbols.length - stepsPerBar;
				const mark = marks[marks.length - 1];
				if (
					plan.copy &&
					mark !== undefined &&
					mark.length >= from &&
					mark.length < symbols.length &&
					from >= seed.length &&
					repeatsEarlierBar(symbols, from, stepsPerBar, phase) &&
					(redrawn.get(from) ?? 0) < NEW_BAR_TRIES
				) {
					redrawn.set(from, (redrawn.get(from) ?? 0) + 1);
					symbols = symbols.slice(0, from);
					at = mark.at;
					continue;
				}
				marks.push({ length: symbols.length, at });
			}
			yield;
		}
		const faults = tuneFaults(symbols, stepsPerBar, settings);
		if (!kept || faults < kept.faults) kept = { symbols, faults };
		if (faults === 0 || ++draws >= drawLimit(settings))
			return {
				symbols: kept.symbols,
				ended: true,
				form: { ...melodyForm(plan), ...(settings.template ? { template: settings.template } : {}) }
			};
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

/**
 * One variation's settings (`resolveTune`), the model told its style and meter, and primed with the seed.
 * The model is prepared again only where a drawn upbeat moved the bar.
 */
function prepare<S>(
	model: StepModel<S>,
	seed: readonly string[],
	settings: GenerateSettings,
	forms: SongForms | undefined,
	randomSeed: number,
	cache: Map<string, { model: StepModel<S>; primed: Cursor<S> }>
): { settings: GenerateSettings; model: StepModel<S>; primed: Cursor<S> } {
	const tune = resolveTune(seed.length, settings, forms, randomSeed);
	// A style from the song's form that the model does not have (forms kept from another model) is left out.
	if (
		settings.style == null &&
		tune.style != null &&
		!(model instanceof LstmStepModel && model.styles.includes(tune.style))
	)
		delete tune.style;
	const phase = tune.barPhase ?? 0;
	const key = `${phase}|${tune.style ?? ''}`;
	let ready = cache.get(key);
	if (!ready) {
		const m = inMeter(inStyle(model, tune), tune);
		ready = { model: m, primed: primeModel(m, seed, tune.primer) };
		cache.set(key, ready);
	}
	return { settings: tune, ...ready };
}

/** What a melody records of how it was written: its mode, and the upbeat it was drawn with. */
function recordOf(seedLength: number, settings: GenerateSettings, tune: GenerateSettings) {
	return {
		...modeOf(settings),
		...(settings.upbeat === 'songs' && seedLength === 0 ? { barPhase: tune.barPhase ?? 0 } : {})
	};
}

/**
 * Generates every variation at once, without yielding (command line, tests). `forms`: the model's songs'
 * forms (its metadata's `songForms`), for form `songs` and an upbeat as the songs start.
 */
export function generate<S>(
	model: StepModel<S>,
	seed: readonly string[],
	settings: GenerateSettings,
	forms?: SongForms
): Melody[] {
	checkSettings(model, seed, settings);
	const cache = new Map<string, { model: StepModel<S>; primed: Cursor<S> }>();
	const out: Melody[] = [];
	for (let k = 0; k < settings.variations; k++) {
		const randomSeed = variationSeed(settings.randomSeed, k);
		const v = prepare(model, seed, settings, forms, randomSeed, cache);
		const writer = writeMelody(v.model, seed, v.primed, v.settings, randomSeed);
		let r = writer.next();
		while (!r.done) r = writer.next();
		out.push({
			...r.value,
			seedLength: seed.length,
			variation: k,
			randomSeed,
			...recordOf(seed.length, settings, v.settings)
		});
	}
	return out;
}

/** As `generate`, yielding to the event loop every few steps so progress shows and cancel is heard. */
export async function generateAsync<S>(
	model: StepModel<S>,
	seed: readonly string[],
	settings: GenerateSettings,
	control: RunControl = {},
	forms?: SongForms
): Promise<Melody[]> {
	checkSettings(model, seed, settings);
	const chunk = control.chunk ?? 64;
	const each = plannedSteps(seed.length, settings);
	const total = each * settings.variations;
	const cache = new Map<string, { model: StepModel<S>; primed: Cursor<S> }>();
	const out: Melody[] = [];
	let done = 0;
	let yielded = performance.now();
	for (let k = 0; k < settings.variations; k++) {
		const randomSeed = variationSeed(settings.randomSeed, k);
		const v = prepare(model, seed, settings, forms, randomSeed, cache);
		const writer = writeMelody(v.model, seed, v.primed, v.settings, randomSeed);
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
		out.push({
			...r.value,
			seedLength: seed.length,
			variation: k,
			randomSeed,
			...recordOf(seed.length, settings, v.settings)
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
