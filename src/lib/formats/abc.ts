/**
 * ABC export, the folk musician's tune-book format (abcnotation.com, standard 2.1): X:, T:, M:, L:, Q:
 * and K: headers, then the notes in bars, four bars a line, ties where a note crosses a barline. The unit
 * length is a 16th, so every note's length is a whole number. Accidentals are written wherever a note
 * differs from the key signature and wherever an earlier accidental in the bar would otherwise carry
 * over, so any reader, strict or lenient about bar-long accidentals, reads the same pitches.
 */
import { DEFAULT_METER, formatMeter, type Meter } from '../music/meter';
import { estimateMode, homeKey, transposeSymbols, type ExportKey } from './key';
import { signatureAlterations, spell, toBars } from './measures';

/** How to write the tune. */
export interface AbcOptions {
	/** Default 4/4. */
	meter?: Meter;
	/** Key to write in (the melody is moved there); default C major or A minor as the melody reads. */
	key?: ExportKey;
	title?: string;
	/** 16ths before the first full bar (an upbeat); default 0. */
	pickup?: number;
	/** Quarter notes per minute, written as Q:1/4=bpm. */
	bpm?: number;
	/** Reference number (X:), default 1. */
	index?: number;
}

const BARS_PER_LINE = 4;

/** `G major` → `G`, `B♭ minor` → `Bbm`. */
export function abcKey(key: ExportKey): string {
	const root = key.name.split(' ')[0].replace('♭', 'b').replace('♯', '#');
	return key.mode === 'minor' ? `${root}m` : root;
}

/** MIDI number → ABC note name in its octave: C4 = `C`, C5 = `c`, C6 = `c'`, C3 = `C,`. */
function abcName(step: string, octave: number): string {
	return octave >= 5 ? step.toLowerCase() + "'".repeat(octave - 5) : step + ','.repeat(4 - octave);
}

const ACCIDENTAL: Record<number, string> = { [-1]: '_', 0: '=', 1: '^' };

/** The melody as an ABC tune. */
export function toAbc(symbols: readonly string[], options: AbcOptions = {}): string {
	const meter = options.meter ?? DEFAULT_METER;
	const key = options.key ?? homeKey(estimateMode(symbols));
	const signature = signatureAlterations(key.fifths);
	const bars = toBars(transposeSymbols(symbols, key.shift), meter, options.pickup ?? 0);
	const lines = [
		`X:${options.index ?? 1}`,
		`T:${(options.title ?? 'Melody').replace(/[\r\n]+/g, ' ')}`,
		`M:${formatMeter(meter)}`,
		'L:1/16'
	];
	if (options.bpm) lines.push(`Q:1/4=${Math.round(options.bpm)}`);
	lines.push(`K:${abcKey(key)}`);
	const written = bars.map((bar) => {
		// What an accidental written earlier in this bar makes a letter in an octave sound as.
		const inBar = new Map<string, number>();
		return bar.notes
			.map((n) => {
				if (n.pitch === null) return `z${n.length}`;
				const { step, alter, octave } = spell(n.pitch, key.fifths);
				const where = `${step}${octave}`;
				const heard = inBar.get(where) ?? signature[step];
				const mark = alter !== signature[step] || heard !== alter ? ACCIDENTAL[alter] : '';
				inBar.set(where, alter);
				return `${mark}${abcName(step, octave)}${n.length}${n.tieToNext ? '-' : ''}`;
			})
			.join(' ');
	});
	for (let i = 0; i < written.length; i += BARS_PER_LINE) {
		const last = i + BARS_PER_LINE >= written.length;
		lines.push(written.slice(i, i + BARS_PER_LINE).join(' | ') + (last ? ' |]' : ' |'));
	}
	return lines.join('\n') + '\n';
}
