/**
 * Editing a melody note by note, as pure functions over its symbols (one per 16th: a pitch or `r` starts
 * a note or rest, `_` holds it): move a note up or down a step of the key's scale or a semitone, make it
 * a 16th or a beat longer or shorter, make it a rest; and an undo history. Every edit keeps the melody's
 * length in steps, so its bars, its phrases and its seed stay where they were, and never starts it
 * with `_` (a melody never does, generate/settings.ts).
 */
import { isPitchSymbol } from '../music/pitch';
import { HOLD, REST, SONG_END } from '../music/symbols';

/** What an edit does to the note that starts at a step. */
export type EditAction =
	| { type: 'pitch'; direction: 1 | -1; by: 'step' | 'semitone' }
	| { type: 'length'; direction: 1 | -1; by: 'sixteenth' | 'beat' }
	| { type: 'rest' };

/** What edits need to know of the tune besides its symbols. */
export interface EditContext {
	/** Pitch classes of the key's scale, in the space of the symbols edited (see `keyScale`). */
	scale: readonly number[];
	/** The beat in 16ths: the grid of a beat-long edit. */
	beat: number;
	/** 16ths in a bar: a barline is on the beat grid too. */
	stepsPerBar: number;
	/** Where the first step falls in its bar (a pickup's offset, 0 on the downbeat). */
	barPhase: number;
	/** The pitches a note may move to (the model's vocabulary, so it can go on from the tune); any when absent. */
	pitches?: readonly number[];
}

/** An edit done: the new symbols and the step of the note to keep selected (null: none is left there). */
export interface Edited {
	symbols: string[];
	index: number | null;
}

/** A note or rest: where it starts and how long it lasts, in 16ths. */
export interface Span {
	start: number;
	length: number;
	/** The symbol that starts it: a MIDI number or `r`. */
	symbol: string;
}

/**
 * The key's scale as pitch classes, for symbols moved by `shift` from where they sound: the seven notes of
 * a signature of `fifths` sharps (> 0) or flats, F to B on the line of fifths for C major. Every mode of
 * a signature has the same notes, so the signature alone decides them.
 */
export function keyScale(fifths: number, shift = 0): number[] {
	const out: number[] = [];
	for (let p = fifths - 1; p <= fifths + 5; p++) out.push((((p * 7 - shift) % 12) + 12) % 12);
	return out.sort((a, b) => a - b);
}

/** The note or rest sounding at `step` (null past the end or at a `/`). */
export function spanAt(symbols: readonly string[], step: number): Span | null {
	if (step < 0 || step >= symbols.length || symbols[step] === SONG_END) return null;
	let start = step;
	while (start > 0 && symbols[start] === HOLD) start--;
	let end = step + 1;
	while (end < symbols.length && symbols[end] === HOLD) end++;
	// A leading `_` (not well formed) holds silence, as formats/notes.ts reads it.
	const symbol = symbols[start] === HOLD ? REST : symbols[start];
	return { start, length: end - start, symbol };
}

/** Why an edit could not be done, as a sentence for the musician. */
export class EditError extends Error {}

/** Applies `action` to the note starting at `index`; throws an EditError, saying why, where it cannot. */
export function applyEdit(
	symbols: readonly string[],
	index: number,
	action: EditAction,
	context: EditContext
): Edited {
	const span = spanAt(symbols, index);
	if (!span || span.start !== index || !isPitchSymbol(span.symbol))
		throw new EditError('There is no note there to edit: select a note first.');
	if (action.type === 'pitch') return movePitch(symbols, span, action, context);
	if (action.type === 'rest') return { symbols: makeRest(symbols, span), index: null };
	const end = span.start + span.length;
	const total = symbols.length;
	if (action.direction > 0) {
		if (end >= total) throw new EditError('The last note cannot be longer: the tune ends with it.');
		const to = action.by === 'beat' ? nextOnGrid(end, context, total) : end + 1;
		return { symbols: setEnd(symbols, span, to), index: span.start };
	}
	if (span.length <= 1) throw new EditError('A 16th is the shortest note; make it a rest instead.');
	const to = action.by === 'beat' ? previousOnGrid(end, span.start, context) : end - 1;
	if (to === null) throw new EditError('This note lies within one beat: shorten it by a 16th instead.');
	return { symbols: setEnd(symbols, span, to), index: span.start };
}

/** A step on the beat grid: a beat from the bar's start, or a barline. */
function onGrid(step: number, { beat, stepsPerBar, barPhase }: EditContext): boolean {
	const inBar = (((step + barPhase) % stepsPerBar) + stepsPerBar) % stepsPerBar;
	return inBar % Math.max(1, beat) === 0;
}

function nextOnGrid(end: number, context: EditContext, total: number): number {
	let t = end + 1;
	while (t < total && !onGrid(t, context)) t++;
	return t;
}

function previousOnGrid(end: number, start: number, context: EditContext): number | null {
	for (let t = end - 1; t > start; t--) if (onGrid(t, context)) return t;
	return null;
}

function movePitch(
	symbols: readonly string[],
	span: Span,
	action: Extract<EditAction, { type: 'pitch' }>,
	{ scale, pitches }: EditContext
): Edited {
	const from = Number(span.symbol);
	let to = from + action.direction;
	if (action.by === 'step' && scale.length)
		while (to >= 0 && to <= 127 && !scale.includes(((to % 12) + 12) % 12)) to += action.direction;
	const way = action.direction > 0 ? 'higher' : 'lower';
	if (to < 0 || to > 127 || (pitches?.length && !pitches.includes(to)))
		throw new EditError(
			`The note cannot go ${way}: the model knows no note there, so it could not go on from the tune.`
		);
	const out = [...symbols];
	out[span.start] = String(to);
	return { symbols: out, index: span.start };
}

/** The note `span` made to end at `to` (same length of tune): what it covers or frees is given or taken. */
function setEnd(symbols: readonly string[], span: Span, to: number): string[] {
	const out = [...symbols];
	const end = span.start + span.length;
	if (to > end) {
		// The note covers the steps up to `to`; a note or rest it runs into starts again there, shorter.
		const cut = to < out.length && symbols[to] === HOLD ? spanAt(symbols, to) : null;
		for (let t = end; t < to; t++) out[t] = HOLD;
		if (cut) out[to] = cut.symbol;
	} else {
		// The steps freed are a rest, one with a rest that follows.
		out[to] = REST;
		for (let t = to + 1; t < end; t++) out[t] = HOLD;
		if (end < out.length && symbols[end] === REST) out[end] = HOLD;
	}
	return out;
}

/** The note `span` silenced: a rest, one with the rests either side. */
function makeRest(symbols: readonly string[], span: Span): string[] {
	const out = [...symbols];
	const before = span.start > 0 ? spanAt(symbols, span.start - 1) : null;
	out[span.start] = before?.symbol === REST ? HOLD : REST;
	const end = span.start + span.length;
	if (end < out.length && symbols[end] === REST) out[end] = HOLD;
	return out;
}

/** One step back: the symbols before an edit and the note it was made to. */
export interface Undo {
	symbols: string[];
	index: number;
}

/** The edits of one melody, undone last first; the oldest go once there are `limit`. */
export class EditHistory {
	private readonly past: Undo[] = [];
	constructor(readonly limit = 500) {}

	/** Records the symbols as they were before an edit to the note at `index`. */
	push(symbols: readonly string[], index: number) {
		this.past.push({ symbols: [...symbols], index });
		if (this.past.length > this.limit) this.past.shift();
	}

	/** The symbols before the last edit, taken off the history; undefined when there is none. */
	undo(): Undo | undefined {
		return this.past.pop();
	}

	get size(): number {
		return this.past.length;
	}
}
