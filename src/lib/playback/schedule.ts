/**
 * What a play-through sounds and when, as plain data on the 16th grid: the melody's notes, an optional
 * count-in bar, and the metronome's beats. The player hands these to Tone's transport unchanged, so
 * the timing a test checks here is the timing heard.
 */
import type { Meter } from '../music/meter';
import { toNotes } from '../formats/notes';
import { SONG_END } from '../music/symbols';

/** Name of the performance mark a player sets when a play-through's first note sounds (the benchmarks read it). */
export const FIRST_SOUND_MARK = 'folk-studio:first-sound';

/** How to play. */
export interface ScheduleOptions {
	meter: Meter;
	/** Where the melody's first step falls in its bar, in 16ths (0 = on the downbeat). */
	barPhase?: number;
	/** One bar of clicks before the first full bar; an upbeat sounds over its last beats. */
	countIn?: boolean;
}

/** A note to sound. Times in 16th steps from the start of the play-through. */
export interface ScheduledNote {
	step: number;
	length: number;
	midi: number;
	/** Index of the note in the melody (as `toNotes` lists them). */
	index: number;
}

/** A metronome click. */
export interface ScheduledClick {
	step: number;
	/** The first beat of a bar. */
	accent: boolean;
	/** Part of the count-in (always heard) rather than the metronome (heard while it is on). */
	countIn: boolean;
}

/** A play-through. */
export interface Schedule {
	notes: ScheduledNote[];
	clicks: ScheduledClick[];
	/** Steps before the melody's first step (the count-in); the melody's step s sounds at `offset + s`. */
	offset: number;
	/** Step at which the melody ends; a loop runs from `offset` to here. */
	end: number;
}

/**
 * Steps per beat: a dotted quarter in compound meters (6/8, 9/8, 12/8), otherwise one unit of the
 * denominator (a quarter in 3/4, a half in 2/2, an eighth in 3/8).
 */
export function beatSteps(meter: Meter): number {
	if (meter.denominator === 8 && meter.numerator % 3 === 0 && meter.numerator > 3) return 6;
	return 16 / meter.denominator;
}

/** The play-through of a melody. */
export function schedule(symbols: readonly string[], options: ScheduleOptions): Schedule {
	const bar = options.meter.stepsPerBar;
	const beat = beatSteps(options.meter);
	const phase = (((options.barPhase ?? 0) % bar) + bar) % bar;
	// The count-in bar ends on the first full bar's downbeat; an upbeat sounds inside it, `phase` steps in.
	const offset = options.countIn ? phase || bar : 0;
	const stop = symbols.indexOf(SONG_END);
	const total = stop < 0 ? symbols.length : stop;
	const end = offset + total;
	const notes = toNotes(symbols).map((n, index) => ({
		step: offset + n.start,
		length: n.length,
		midi: n.pitch!,
		index
	}));
	// Beats keep their place in the bar: they count from the first full bar's downbeat.
	const downbeat = offset + (phase > 0 ? bar - phase : 0);
	const from = options.countIn ? downbeat - bar : offset;
	const clicks: ScheduledClick[] = [];
	for (let step = downbeat - bar * Math.ceil((downbeat - from) / bar); step < end; step += beat) {
		if (step < from) continue;
		clicks.push({ step, accent: (((step - downbeat) % bar) + bar) % bar === 0, countIn: step < offset });
	}
	return { notes, clicks, offset, end };
}
