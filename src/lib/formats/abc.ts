/**
 * ABC export, the folk musician's tune-book format (abcnotation.com, standard 2.1): X:, T:, M:, L:, Q:
 * and K: headers, then the notes in bars, four bars a line, ties where a note crosses a barline. The unit
 * length is an eighth (`L:1/8`, as tune books write it): `C2` is a quarter, `C/` a sixteenth, `C3` a
 * dotted quarter. Notes within a beat are beamed (written without a space), beats are parted by a space;
 * the beat is the meter's note, a dotted quarter in 6/8, 9/8 and 12/8. Accidentals are written wherever a
 * note differs from the key signature and wherever an earlier accidental in the bar would otherwise carry
 * over, so any reader, strict or lenient about bar-long accidentals, reads the same pitches.
 */
import { DEFAULT_METER, formatMeter, type Meter } from '../music/meter';
import type { Key } from '../music/key';
import { estimateMode, homeKey, transposeSymbols } from './key';
import { signatureAlterations, spellIn, toBars } from './measures';
import { cleanName } from './name';

/** How to write the tune. */
export interface AbcOptions {
	/** Default 4/4. */
	meter?: Meter;
	/** Key to write in (the melody is moved there); default C major or A minor as the melody reads. */
	key?: Key;
	/** Semitones to move the melody by; default the key's shift from the model's keys. */
	transpose?: number;
	title?: string;
	/** 16ths before the first full bar (an upbeat); default 0. */
	pickup?: number;
	/** Quarter notes per minute, written as Q:1/4=bpm. */
	bpm?: number;
	/** Reference number (X:), default 1. */
	index?: number;
}

const BARS_PER_LINE = 4;

/** ABC's mode words (standard 2.1, 3.1.14): three letters are enough, major is none, minor `m`. */
const ABC_MODE: Record<Key['mode'], string> = {
	major: '',
	minor: 'm',
	ionian: '',
	dorian: 'dor',
	phrygian: 'phr',
	lydian: 'lyd',
	mixolydian: 'mix',
	aeolian: 'm',
	locrian: 'loc'
};

/** `G major` → `G`, `B♭ minor` → `Bbm`, `D Dorian` → `Ddor`. */
export function abcKey(key: Key): string {
	const root = key.name.split(' ')[0].replace('♭', 'b').replace('♯', '#');
	return root + ABC_MODE[key.mode];
}

/**
 * A title for the T: field: one line (cleanName), and `\` and `%` escaped as the standard says (2.1,
 * 2.3 and 8.1: `%` starts a comment anywhere, `\` starts a mnemonic such as `\"o`).
 */
export function abcText(text: string): string {
	return cleanName(text).replace(/[\\%]/g, (c) => `\\${c}`);
}

/** MIDI number → ABC note name in its octave: C4 = `C`, C5 = `c`, C6 = `c'`, C3 = `C,`. */
function abcName(step: string, octave: number): string {
	return octave >= 5 ? step.toLowerCase() + "'".repeat(octave - 5) : step + ','.repeat(4 - octave);
}

/** A length in 16ths as a multiple of the unit eighth: 2 → ``, 4 → `2`, 1 → `/`, 3 → `3/2`, 6 → `3`. */
export function abcLength(sixteenths: number): string {
	if (sixteenths === 2) return '';
	if (sixteenths === 1) return '/';
	return sixteenths % 2 === 0 ? String(sixteenths / 2) : `${sixteenths}/2`;
}

/** The beat in 16ths: the meter's note, or a dotted quarter in compound meters (6/8, 9/8, 12/8, 3/8). */
export function beatLength(meter: Meter): number {
	const note = 16 / meter.denominator;
	if (meter.denominator >= 8 && meter.numerator % 3 === 0) return note * 3;
	// 5/8 and 7/8 are beamed by quarters; a beat shorter than an eighth is not beamed apart.
	return Math.max(note, meter.denominator >= 8 ? 4 : note);
}

const ACCIDENTAL: Record<number, string> = { [-1]: '_', 0: '=', 1: '^' };

/** The melody as an ABC tune. */
export function toAbc(symbols: readonly string[], options: AbcOptions = {}): string {
	const meter = options.meter ?? DEFAULT_METER;
	const key = options.key ?? homeKey(estimateMode(symbols));
	const signature = signatureAlterations(key.fifths);
	const bars = toBars(transposeSymbols(symbols, options.transpose ?? key.shift), meter, options.pickup ?? 0);
	const beat = beatLength(meter);
	const lines = [
		`X:${options.index ?? 1}`,
		`T:${abcText(options.title ?? '') || 'Melody'}`,
		`M:${formatMeter(meter)}`,
		'L:1/8'
	];
	if (options.bpm) lines.push(`Q:1/4=${Math.round(options.bpm)}`);
	lines.push(`K:${abcKey(key)}`);
	const written = bars.map((bar, b) => {
		// What an accidental written earlier in this bar makes a letter in an octave sound as.
		const inBar = new Map<string, number>();
		// A short first bar (an upbeat) ends on the barline: its beats are counted back from there.
		let at = b === 0 && bar.length < meter.stepsPerBar ? meter.stepsPerBar - bar.length : 0;
		let text = '';
		for (const n of bar.notes) {
			if (text && at % beat === 0) text += ' ';
			at += n.length;
			if (n.pitch === null) {
				text += `z${abcLength(n.length)}`;
				continue;
			}
			const { step, alter, octave } = spellIn(n.pitch, key);
			const where = `${step}${octave}`;
			const heard = inBar.get(where) ?? signature[step];
			const mark = alter !== signature[step] || heard !== alter ? ACCIDENTAL[alter] : '';
			inBar.set(where, alter);
			text += `${mark}${abcName(step, octave)}${abcLength(n.length)}${n.tieToNext ? '-' : ''}`;
		}
		return text;
	});
	for (let i = 0; i < written.length; i += BARS_PER_LINE) {
		const last = i + BARS_PER_LINE >= written.length;
		lines.push(written.slice(i, i + BARS_PER_LINE).join(' | ') + (last ? ' |]' : ' |'));
	}
	return lines.join('\n') + '\n';
}
