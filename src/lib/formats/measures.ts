/**
 * A melody cut into bars and written note values, for the formats that are notation (ABC, MusicXML):
 * each note or rest is cut at barlines, and each piece into values a score can show (16th … whole,
 * single dots), tied where a note goes on. Pitches are spelled for a key: sharps or flats as its
 * signature has them.
 */
import type { Meter } from '../music/meter';
import { modeFamily, type Key } from '../music/key';
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

/** A pitch spelled: letter, alteration (−1, 0, +1) and octave (C4 = 60). */
export interface Spelled {
	step: string;
	alter: number;
	octave: number;
}

/** Letters along the line of fifths, F first: position p (C = 0, G = 1, F = −1) is `FCGDAEB`[(p + 1) mod 7]. */
const FIFTHS_LETTERS = 'FCGDAEB';
const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

/**
 * MIDI number spelled for a key of `fifths` sharps (> 0) or flats: the spelling nearest, on the line of
 * fifths, to the middle of the key's seven notes. A note of the key gets its own letter (E♯ in F♯ major,
 * C♭ in E♭ minor); a note outside it the nearer of its sharp and flat names (B♭ and F♯ in C major). The
 * two names tie on one note of each key: in a minor-like key it is the leading tone, a sharp (G♯ in A
 * minor, C♯ in D minor: `tie` 'sharp'); in a major-like key the lowered sixth, a flat (A♭ in C major).
 */
export function spell(midi: number, fifths: number, tie: 'sharp' | 'flat' = 'sharp'): Spelled {
	const pc = ((midi % 12) + 12) % 12;
	const middle = fifths + 2;
	let best = NaN;
	// Positions −8 (F♭) … 12 (B♯): every single-sharp or single-flat name.
	for (let p = -8; p <= 12; p++) {
		if ((((p * 7) % 12) + 12) % 12 !== pc) continue;
		const d = Math.abs(p - middle) - Math.abs(best - middle);
		if (Number.isNaN(best) || d < 0 || (d === 0 && tie === 'sharp')) best = p;
	}
	const step = FIFTHS_LETTERS[(((best + 1) % 7) + 7) % 7];
	const alter = Math.floor((best + 1) / 7);
	// B♯4 sounds as C5 and C♭5 as B4: the octave is the letter's.
	return { step, alter, octave: Math.floor((midi - alter - LETTER_PC[step]) / 12) - 1 };
}

/** MIDI number spelled for a key, ties broken by its mode (see `spell`). */
export function spellIn(midi: number, key: Pick<Key, 'fifths' | 'mode'>): Spelled {
	return spell(midi, key.fifths, modeFamily(key.mode) === 'minor' ? 'sharp' : 'flat');
}

/** The alteration a key signature gives each letter. */
export function signatureAlterations(fifths: number): Record<string, number> {
	const out: Record<string, number> = { C: 0, D: 0, E: 0, F: 0, G: 0, A: 0, B: 0 };
	const order = fifths >= 0 ? 'FCGDAEB' : 'BEADGCF';
	for (const letter of order.slice(0, Math.abs(fifths))) out[letter] = Math.sign(fifths);
	return out;
}
