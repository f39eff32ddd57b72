/**
 * `**kern` export: a Humdrum file with meter, key signature and designation, barlines, rests, and ties
 * where a note crosses a barline or needs two written values. Only the durations the encoding accepts
 * (16th … whole, single dots) are written, so the project's reader takes every exported file. The bars
 * and written values are measures.ts's, so kern, MusicXML and ABC always show the same bars.
 */
import { DEFAULT_METER, formatMeter, type Meter } from '../music/meter';
import { estimateMode, homeKey, transposeSymbols, type Key } from './key';
import { spellIn, toBars, writtenLengths, type Spelled } from './measures';
import { cleanName } from './name';
import { readKern } from '../kern/reader';
import { encodeSong } from '../encoding/encode';
import { HOLD } from '../music/symbols';

/** How to write the file. */
export interface KernOptions {
	/** Default 4/4. */
	meter?: Meter;
	/** Key to write in (the melody is moved there); default C major or A minor as the melody reads. */
	key?: Key;
	/** Semitones to move the melody by; default the key's shift from the model's keys. */
	transpose?: number;
	/** `!!!OTL` title. */
	title?: string;
	/** 16ths before the first full bar (an upbeat); default 0. */
	pickup?: number;
}

/** Local comment before a rest piece that continues the previous rest (kern has no tied rests). */
export const REST_CONTINUES = '!rest-continues';

/** Kern's duration for each written length in 16ths (measures.ts WRITTEN_VALUES). */
const KERN_VALUES: Readonly<Record<number, string>> = {
	16: '1',
	12: '2.',
	8: '2',
	6: '4.',
	4: '4',
	3: '8.',
	2: '8',
	1: '16'
};

/** Splits a length in 16ths into kern durations (5 → `4`, `16`). */
export function splitDuration(length: number): string[] {
	return writtenLengths(length).map((n) => KERN_VALUES[n]);
}

const SHARPS = ['c', 'c#', 'd', 'd#', 'e', 'f', 'f#', 'g', 'g#', 'a', 'a#', 'b'];
const FLATS = ['c', 'd-', 'd', 'e-', 'e', 'f', 'g-', 'g', 'a-', 'a', 'b-', 'b'];

/** MIDI number → kern pitch (`60` → `c`, `72` → `cc`, `48` → `C`), flats or sharps by the key. */
export function kernPitch(midi: number, flats: boolean): string {
	const name = (flats ? FLATS : SHARPS)[midi % 12];
	const acc = name.slice(1);
	return kernSpelled({
		step: name[0].toUpperCase(),
		alter: acc ? (acc === '#' ? 1 : -1) : 0,
		octave: Math.floor(midi / 12) - 1
	});
}

/** A spelled pitch in kern: letters for the octave (`c` C4, `cc` C5, `C` C3), then `#` or `-`. */
export function kernSpelled({ step, alter, octave }: Spelled): string {
	const letter = step.toLowerCase();
	const letters = octave >= 4 ? letter.repeat(octave - 3) : letter.toUpperCase().repeat(4 - octave);
	return letters + (alter > 0 ? '#'.repeat(alter) : '-'.repeat(-alter));
}

/** Humdrum's mode after the key's colon (`*d:dor`); none for major and minor, which the letter's case says. */
const KERN_MODE: Record<Key['mode'], string> = {
	major: '',
	minor: '',
	ionian: 'ion',
	dorian: 'dor',
	phrygian: 'phr',
	lydian: 'lyd',
	mixolydian: 'mix',
	aeolian: 'aeo',
	locrian: 'loc'
};

/** `*k[f#c#]` for 2 sharps, `*k[b-e-]` for 2 flats. */
export function keySignature(fifths: number): string {
	const sharps = ['f#', 'c#', 'g#', 'd#', 'a#', 'e#', 'b#'];
	const flats = ['b-', 'e-', 'a-', 'd-', 'g-', 'c-', 'f-'];
	return `*k[${(fifths >= 0 ? sharps.slice(0, fifths) : flats.slice(0, -fifths)).join('')}]`;
}

/** The melody as a `**kern` file. */
export function toKern(symbols: readonly string[], options: KernOptions = {}): string {
	const meter = options.meter ?? DEFAULT_METER;
	const key = options.key ?? homeKey(estimateMode(symbols));
	const bars = toBars(transposeSymbols(symbols, options.transpose ?? key.shift), meter, options.pickup ?? 0);
	// A pickup is bar 0, so the barline after it is `=1`; otherwise the first barline opens bar 2.
	const firstNumber =
		(((options.pickup ?? 0) % meter.stepsPerBar) + meter.stepsPerBar) % meter.stepsPerBar > 0 ? 1 : 2;

	const lines: string[] = [];
	const title = cleanName(options.title ?? '');
	if (title) lines.push(`!!!OTL: ${title}`);
	lines.push('!!!ENC: Folk Melody Studio');
	lines.push(
		'**kern',
		'*ICvox',
		'*Ivox',
		`*M${formatMeter(meter)}`,
		keySignature(key.fifths),
		`*${key.kern}:${KERN_MODE[key.mode]}`
	);
	bars.forEach((bar, k) => {
		if (k > 0) lines.push(`=${firstNumber + k - 1}`);
		for (const n of bar.notes) {
			const v = KERN_VALUES[n.length];
			if (n.pitch === null) {
				// Rests cannot be tied: a comment marks a piece that continues the rest before it.
				if (n.continues) lines.push(REST_CONTINUES);
				lines.push(`${v}r`);
				continue;
			}
			const p = kernSpelled(spellIn(n.pitch, key));
			if (n.tieToNext && !n.tieFromPrevious) lines.push(`[${v}${p}`);
			else if (n.tieFromPrevious && !n.tieToNext) lines.push(`${v}${p}]`);
			else lines.push(`${v}${p}${n.tieToNext ? '_' : ''}`);
		}
	});
	lines.push('==', '*-');
	return lines.join('\n') + '\n';
}

/** A `**kern` file read back into the model's notation. */
export interface KernMelody {
	symbols: string[];
	meter?: string;
	title?: string;
	/** Semitones the reader moved the melody to reach C major / A minor. */
	transposition: number;
}

/**
 * Reads a `**kern` file with the project's reader and reference encoding, then joins tied notes (the
 * reference keeps `[4c 4c]` as two notes; a melody written here with ties means one) and rests marked as
 * continuing (`!rest-continues`). Throws a sentence
 * when the file cannot be used.
 */
export function fromKern(text: string | Uint8Array, path = 'melody.krn'): KernMelody {
	const read = readKern(text, path);
	if (!read.ok) throw new Error(`${path}: ${read.reason}`);
	const encoded = encodeSong(read.song);
	if (encoded.status !== 'kept') throw new Error(`${path}: ${encoded.reason}`);
	const symbols = [...encoded.song.symbols];
	const lines = (typeof text === 'string' ? text : new TextDecoder().decode(text)).split(/\r?\n/);
	let at = 0;
	for (const e of read.song.events) {
		const tied = e.kind === 'note' && (e.tie === 'stop' || e.tie === 'continue');
		const restGoesOn = e.kind === 'rest' && lines[e.line - 2]?.trim() === REST_CONTINUES;
		if (tied || restGoesOn) symbols[at] = HOLD;
		at += Math.round(e.quarterLength * 4);
	}
	return {
		symbols,
		meter: read.song.meter,
		title: read.song.title,
		transposition: encoded.song.transposition
	};
}
