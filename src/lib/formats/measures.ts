/**
 * A melody cut into bars and written note values, for the formats that are notation (ABC, MusicXML):
 * each note or rest is cut at barlines, and each piece into values a score can show (16th … whole,
 * single dots), tied where a note goes on. Pitches are spelled for a key: sharps or flats as its
 * signature has them.
 */
import type { Meter } from '../music/meter';
import { toEvents } from './notes';

/** 16th counts with one written value each, longest first: [steps, MusicXML type, dots]. */
export const WRITTEN_VALUES: readonly (readonly [number, string, number])[] = [
	[16, 'whole', 0],
	[12, 'half', 1],
	[8, 'half', 0],
	[6, 'quarter', 1],
	[4, 'quarter', 0],
	[3, 'eighth', 1],
	[2, 'eighth', 0],
	[1, '16th', 0]
];

/** One written note or rest. */
export interface WrittenNote {
	/** MIDI number, or null for a rest. */
	pitch: number | null;
	/** Length in 16ths: one of WRITTEN_VALUES. */
	length: number;
	/** Tied to the next piece (the same note goes on). Rests are never tied. */
	tieToNext: boolean;
	tieFromPrevious: boolean;
	/** Goes on from the piece before: a tied note's later piece, or a rest cut in two (kern marks it). */
	continues: boolean;
}

/** One bar; the first may be a pickup and the last may be short. */
export interface Bar {
	notes: WrittenNote[];
	/** 16ths written in this bar. */
	length: number;
}

/** Splits a length in 16ths into written values, longest first (5 → 4 + 1). */
export function writtenLengths(length: number): number[] {
	const out: number[] = [];
	let left = length;
	for (const [n] of WRITTEN_VALUES)
		while (left >= n) {
			out.push(n);
			left -= n;
		}
	return out;
}

/**
 * The melody's bars: `pickup` 16ths before the first barline (0 for none), then whole bars of `meter`;
 * the last bar holds what is left.
 */
export function toBars(symbols: readonly string[], meter: Meter, pickup = 0): Bar[] {
	const bar = meter.stepsPerBar;
	const first = ((pickup % bar) + bar) % bar;
	const bars: Bar[] = [];
	const barAt = (t: number) => (t < first ? 0 : Math.floor((t - first) / bar) + (first > 0 ? 1 : 0));
	const barEnd = (t: number) => (t < first ? first : first + (Math.floor((t - first) / bar) + 1) * bar);
	for (const e of toEvents(symbols)) {
		const pieces: { at: number; length: number }[] = [];
		for (let t = e.start; t < e.start + e.length;) {
			const next = Math.min(e.start + e.length, barEnd(t));
			for (const n of writtenLengths(next - t)) {
				pieces.push({ at: t, length: n });
				t += n;
			}
		}
		pieces.forEach((p, i) => {
			const k = barAt(p.at);
			while (bars.length <= k) bars.push({ notes: [], length: 0 });
			const tied = e.pitch !== null;
			bars[k].notes.push({
				pitch: e.pitch,
				length: p.length,
				tieToNext: tied && i < pieces.length - 1,
				tieFromPrevious: tied && i > 0,
				continues: i > 0
			});
			bars[k].length += p.length;
		});
	}
	return bars;
}

const SHARP_SPELLING: readonly [string, number][] = [
	['C', 0],
	['C', 1],
	['D', 0],
	['D', 1],
	['E', 0],
	['F', 0],
	['F', 1],
	['G', 0],
	['G', 1],
	['A', 0],
	['A', 1],
	['B', 0]
];
const FLAT_SPELLING: readonly [string, number][] = [
	['C', 0],
	['D', -1],
	['D', 0],
	['E', -1],
	['E', 0],
	['F', 0],
	['G', -1],
	['G', 0],
	['A', -1],
	['A', 0],
	['B', -1],
	['B', 0]
];

/** A pitch spelled: letter, alteration (−1, 0, +1) and octave (C4 = 60). */
export interface Spelled {
	step: string;
	alter: number;
	octave: number;
}

/** MIDI number spelled with sharps (`fifths` ≥ 0) or flats, as a key's signature writes them. */
export function spell(midi: number, fifths: number): Spelled {
	const [step, alter] = (fifths < 0 ? FLAT_SPELLING : SHARP_SPELLING)[midi % 12];
	return { step, alter, octave: Math.floor(midi / 12) - 1 };
}

/** The alteration a key signature gives each letter. */
export function signatureAlterations(fifths: number): Record<string, number> {
	const out: Record<string, number> = { C: 0, D: 0, E: 0, F: 0, G: 0, A: 0, B: 0 };
	const order = fifths >= 0 ? 'FCGDAEB' : 'BEADGCF';
	for (const letter of order.slice(0, Math.abs(fifths))) out[letter] = Math.sign(fifths);
	return out;
}
