/**
 * One `**kern` data token to a note or rest, the way music21 reads it (docs/reference.md, step 4): the first run
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

/**
 * The common shape of a token (`{[8.cc#L`, `4r}`): prefix marks, number, dots, pitch or rest, accidental,
 * suffix marks. Matched by one regular expression, which the engine runs natively even before the JIT
 * warms up; anything else goes through the general scanner, which gives the same result.
 */
const COMMON = /^([{(&[]*)(\d+)(\.*)([a-gA-G]+|r+)(#+|-+|n)?([\])}_;LJkK'"`~^/\\<>yYxX:|]*)$/;

/** Reads one sub-token (a chord's members are read one by one). Hot path: two passes at most. */
export function parseKernToken(tok: string): ParsedToken {
	const m = COMMON.exec(tok);
	if (m !== null) {
		const marks = m[1] + m[6];
		const pitch = m[4];
		const num = Number(m[2]);
		const dots = m[3].length;
		let quarterLength: number;
		let tuplet = false;
		if (num === 0) quarterLength = dotted(m[2].length === 1 ? 8 : m[2].length === 2 ? 16 : 32, dots);
		else if (isPowerOfTwo(num)) quarterLength = dotted(4 / num, dots);
		else {
			quarterLength = 4 / num;
			tuplet = true;
		}
		const tie = marks.includes('[')
			? 'start'
			: marks.includes(']')
				? 'stop'
				: marks.includes('_')
					? 'continue'
					: undefined;
		const fermata = marks.includes(';');
		if (pitch.charCodeAt(0) === 114)
			return {
				type: 'event',
				kind: 'rest',
				midi: undefined,
				quarterLength,
				tuplet,
				hasDuration: true,
				tie,
				fermata
			};
		const first = pitch.charCodeAt(0);
		const lower = first >= 97;
		const acc = m[5];
		const alter = acc === undefined || acc === 'n' ? 0 : acc.charCodeAt(0) === 35 ? acc.length : -acc.length;
		const midi =
			((lower ? 3 + pitch.length : 4 - pitch.length) + 1) * 12 + STEP_PC[pitch[0].toLowerCase()] + alter;
		return { type: 'event', kind: 'note', midi, quarterLength, tuplet, hasDuration: true, tie, fermata };
	}
	return scanKernToken(tok);
}

/** The general scanner: one pass over the characters, music21's rules (exported to test the fast path). */
export function scanKernToken(tok: string): ParsedToken {
	let rest = false;
	let runStart = -1;
	let runLen = 0;
	let sharps = 0;
	let flats = 0;
	let sharpDone = false;
	let flatDone = false;
	let num = -1;
	let numDigits = 0;
	let denom = -1;
	let dots = 0;
	let open = false;
	let close = false;
	let under = false;
	let fermata = false;
	const n = tok.length;
	let i = 0;
	while (i < n) {
		const c = tok.charCodeAt(i);
		if (c === 113 /* q */ || c === 81 /* Q */) return { type: 'grace' };
		if ((c >= 97 && c <= 103) || (c >= 65 && c <= 71)) {
			if (runStart < 0) {
				runStart = i;
				while (i < n) {
					const d = tok.charCodeAt(i);
					if ((d >= 97 && d <= 103) || (d >= 65 && d <= 71)) i++;
					else break;
				}
				runLen = i - runStart;
				continue;
			}
		} else if (c === 35 /* # */) {
			if (!sharpDone) {
				while (i < n && tok.charCodeAt(i) === 35) {
					sharps++;
					i++;
				}
				sharpDone = true;
				continue;
			}
		} else if (c === 45 /* - */) {
			if (!flatDone) {
				while (i < n && tok.charCodeAt(i) === 45) {
					flats++;
					i++;
				}
				flatDone = true;
				continue;
			}
		} else if (c >= 48 && c <= 57) {
			if (num < 0) {
				let v = 0;
				const s0 = i;
				while (i < n && tok.charCodeAt(i) >= 48 && tok.charCodeAt(i) <= 57)
					v = v * 10 + tok.charCodeAt(i++) - 48;
				num = v;
				numDigits = i - s0;
				if (
					i + 1 < n &&
					tok.charCodeAt(i) === 37 /* % */ &&
					tok.charCodeAt(i + 1) >= 48 &&
					tok.charCodeAt(i + 1) <= 57
				) {
					i++;
					let w = 0;
					while (i < n && tok.charCodeAt(i) >= 48 && tok.charCodeAt(i) <= 57)
						w = w * 10 + tok.charCodeAt(i++) - 48;
					denom = w;
				}
				continue;
			}
		} else if (c === 46 /* . */) dots++;
		else if (c === 114 /* r */) rest = true;
		else if (c === 91 /* [ */) open = true;
		else if (c === 93 /* ] */) close = true;
		else if (c === 95 /* _ */) under = true;
		else if (c === 59 /* ; */) fermata = true;
		i++;
	}
	let kind: 'note' | 'rest';
	let midi: number | undefined;
	if (rest) kind = 'rest';
	else if (runStart >= 0) {
		const first = tok.charCodeAt(runStart);
		const lower = first >= 97;
		const step = String.fromCharCode(lower ? first : first + 32);
		const octave = lower ? 3 + runLen : 4 - runLen;
		const alter = sharps > 0 ? sharps : -flats;
		kind = 'note';
		midi = (octave + 1) * 12 + STEP_PC[step] + alter;
	} else return { type: 'error', message: `"${tok}" is neither a note nor a rest` };
	let quarterLength = 0;
	let tuplet = false;
	let hasDuration = true;
	if (denom >= 0) {
		if (num === 0)
			return { type: 'error', message: `"${tok}" has a rational duration with a zero numerator` };
		quarterLength = dotted((4 * denom) / num, dots);
		tuplet = !Number.isInteger(Math.log2(num / denom));
	} else if (num < 0) hasDuration = false;
	else if (num === 0) {
		// 0 breve, 00 longa, 000 maxima.
		quarterLength = dotted(numDigits === 1 ? 8 : numDigits === 2 ? 16 : 32, dots);
	} else if (isPowerOfTwo(num)) quarterLength = dotted(4 / num, dots);
	else {
		quarterLength = 4 / num;
		tuplet = true;
	}
	const tie = open ? 'start' : close ? 'stop' : under ? 'continue' : undefined;
	return { type: 'event', kind, midi, quarterLength, tuplet, hasDuration, tie, fermata };
}
