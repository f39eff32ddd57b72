/**
 * One `**kern` data token to a note or rest, the way music21 reads it (REFERENCE.md, step 4): the first run
 * of pitch letters gives step and octave, the first run of `#` (else `-`) the accidental, the number the
 * duration; each `.` adds half of the previous value, except on tuplet values where dots are ignored.
 * Phrase, slur, beam, articulation, stem and editorial marks are read past.
 */

/** A note or rest as read from one token (or the chosen note of a chord). */
export interface KernEvent {
	kind: 'note' | 'rest';
	/** MIDI number; notes only. */
	midi?: number;
	/** Duration in quarter notes (1 = quarter). Tuplet values are not exact binary fractions. */
	quarterLength: number;
	/** True when the duration came from a tuplet number (3, 6, 12…) or a rational `3%2`. */
	tuplet: boolean;
	tie?: 'start' | 'stop' | 'continue';
	fermata?: boolean;
	/** 1-based line of the file. */
	line: number;
	/** The token as written. */
	token: string;
}

/** A parsed sub-token: an event, a grace note to skip, or why it cannot be read. */
export type ParsedToken =
	| {
			type: 'event';
			kind: 'note' | 'rest';
			midi?: number;
			quarterLength: number;
			tuplet: boolean;
			hasDuration: boolean;
			tie?: 'start' | 'stop' | 'continue';
			fermata: boolean;
	  }
	| { type: 'grace' }
	| { type: 'error'; message: string };

const STEP_PC: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

function isPowerOfTwo(n: number): boolean {
	return n > 0 && (n & (n - 1)) === 0;
}

/** Adds the value of `dots` dots to `base` (each adds half of the previous value). */
function dotted(base: number, dots: number): number {
	return dots === 0 ? base : base * (2 - Math.pow(2, -dots));
}

function countChar(s: string, c: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) if (s[i] === c) n++;
	return n;
}

/** Reads one sub-token (a chord's members are read one by one). */
export function parseKernToken(tok: string): ParsedToken {
	if (tok.includes('q') || tok.includes('Q')) return { type: 'grace' };
	let kind: 'note' | 'rest';
	let midi: number | undefined;
	if (tok.includes('r')) {
		kind = 'rest';
	} else {
		const m = /[a-gA-G]+/.exec(tok);
		if (!m) return { type: 'error', message: `"${tok}" is neither a note nor a rest` };
		const run = m[0];
		const step = run[0].toLowerCase();
		const octave = step === run[0] ? 3 + run.length : 4 - run.length;
		let alter = 0;
		const sharp = /#+/.exec(tok);
		if (sharp) alter = sharp[0].length;
		else {
			const flat = /-+/.exec(tok);
			if (flat) alter = -flat[0].length;
		}
		kind = 'note';
		midi = (octave + 1) * 12 + STEP_PC[step] + alter;
	}
	const dots = countChar(tok, '.');
	let quarterLength = 0;
	let tuplet = false;
	let hasDuration = true;
	const rational = /(\d+)%(\d+)/.exec(tok);
	if (rational) {
		const a = Number(rational[1]);
		const b = Number(rational[2]);
		if (a === 0) return { type: 'error', message: `"${tok}" has a rational duration with a zero numerator` };
		quarterLength = dotted((4 * b) / a, dots);
		tuplet = !Number.isInteger(Math.log2(a / b));
	} else {
		const num = /\d+/.exec(tok);
		if (!num) hasDuration = false;
		else {
			const digits = num[0];
			const n = Number(digits);
			if (n === 0) {
				// 0 breve, 00 longa, 000 maxima.
				const base = digits.length === 1 ? 8 : digits.length === 2 ? 16 : 32;
				quarterLength = dotted(base, dots);
			} else if (isPowerOfTwo(n)) {
				quarterLength = dotted(4 / n, dots);
			} else {
				quarterLength = 4 / n;
				tuplet = true;
			}
		}
	}
	const tie = tok.includes('[')
		? 'start'
		: tok.includes(']')
			? 'stop'
			: tok.includes('_')
				? 'continue'
				: undefined;
	return { type: 'event', kind, midi, quarterLength, tuplet, hasDuration, tie, fermata: tok.includes(';') };
}
