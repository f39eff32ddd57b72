/**
 * Symbols ↔ timed events on the 16th-note grid. A pitch or `r` starts an event, each `_` lengthens the
 * one before by a 16th; `/` ends the melody.
 */
import { isPitchSymbol } from '../music/pitch';
import { HOLD, REST, SONG_END } from '../music/symbols';

/** A note or a rest: `pitch` null for a rest. Times in 16th-note steps. */
export interface NoteEvent {
	pitch: number | null;
	start: number;
	length: number;
	/** Index of the symbol that started it. */
	index: number;
}

/**
 * Every run of the melody, rests included. A `_` with nothing before it (not well formed) holds silence:
 * it becomes part of a rest rather than being dropped, so timing is kept.
 */
export function toEvents(symbols: readonly string[]): NoteEvent[] {
	const events: NoteEvent[] = [];
	for (let i = 0; i < symbols.length; i++) {
		const s = symbols[i];
		if (s === SONG_END) break;
		if (s === HOLD) {
			const last = events.at(-1);
			if (last) last.length++;
			else events.push({ pitch: null, start: i, length: 1, index: i });
		} else if (s === REST) events.push({ pitch: null, start: i, length: 1, index: i });
		else if (isPitchSymbol(s)) events.push({ pitch: Number(s), start: i, length: 1, index: i });
		else throw new Error(`“${s}” is not a symbol of the notation (MIDI numbers, r, _ and /).`);
	}
	return events;
}

/** The sounding notes only. */
export function toNotes(symbols: readonly string[]): NoteEvent[] {
	return toEvents(symbols).filter((e) => e.pitch !== null);
}

/**
 * Events back to symbols. Gaps between events become rests; `restStarts` (steps where a rest begins)
 * splits a silence into several rests, as `r _ r _` differs from `r _ _ _` in the encoding.
 * `totalSteps` pads the end with a rest.
 */
export function fromEvents(
	events: readonly Pick<NoteEvent, 'pitch' | 'start' | 'length'>[],
	totalSteps?: number,
	restStarts: readonly number[] = []
): string[] {
	const notes = events.filter((e) => e.pitch !== null && e.length > 0).sort((a, b) => a.start - b.start);
	const end = Math.max(totalSteps ?? 0, ...notes.map((n) => n.start + n.length));
	// Which note sounds at each step; a later note cuts an earlier one short.
	const owner = new Int32Array(end).fill(-1);
	notes.forEach((n, k) => {
		for (let t = Math.max(0, n.start); t < n.start + n.length && t < end; t++) owner[t] = k;
	});
	const restStart = new Set(restStarts);
	for (const e of events) if (e.pitch === null) restStart.add(e.start);
	const out: string[] = [];
	for (let t = 0; t < end; t++) {
		const k = owner[t];
		if (k >= 0)
			out.push(t === notes[k].start || t === 0 || owner[t - 1] !== k ? String(notes[k].pitch) : HOLD);
		else out.push(t === 0 || owner[t - 1] >= 0 || restStart.has(t) ? REST : HOLD);
	}
	return out;
}
