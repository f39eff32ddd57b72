/**
 * Keys as musicians name them: a tonic and a mode, with the signature and the spelling that follow. The
 * model writes in C major or A minor (the encoding moves every song there: major-like tunes to C, minor-
 * like ones to A), so a key also says how far to move a melody written by the model to reach it (`shift`).
 * Every writer (MIDI, ABC, MusicXML, `**kern`), the score and the Generate stage take this one descriptor.
 */

/**
 * The modes a key can be in. `minor` and `aeolian` share a signature (and `major` and `ionian`); they
 * differ only in the name a musician reads.
 */
export type Mode =
	'major' | 'minor' | 'ionian' | 'dorian' | 'phrygian' | 'lydian' | 'mixolydian' | 'aeolian' | 'locrian';

export const MODES: readonly Mode[] = [
	'major',
	'minor',
	'ionian',
	'dorian',
	'phrygian',
	'lydian',
	'mixolydian',
	'aeolian',
	'locrian'
];

/** Semitones from the tonic of the major key with the same signature up to the mode's tonic. */
const MODE_OFFSET: Readonly<Record<Mode, number>> = {
	major: 0,
	ionian: 0,
	dorian: 2,
	phrygian: 4,
	lydian: 5,
	mixolydian: 7,
	minor: 9,
	aeolian: 9,
	locrian: 11
};

/**
 * Whether a mode sounds major (a major third above the tonic) or minor. It decides where the model's
 * version of a tune sits (C or A), the major/minor flag of a MIDI key signature and kern's letter case.
 */
export function modeFamily(mode: Mode): 'major' | 'minor' {
	return MODE_OFFSET[mode] === 0 || mode === 'lydian' || mode === 'mixolydian' ? 'major' : 'minor';
}

/** A key: what every writer, the score and the Generate stage need to know. */
export interface Key {
	/** `G major`, `E minor`, `D Dorian`, `B♭ major` (♭ and ♯, as a musician writes them). */
	name: string;
	mode: Mode;
	/** Pitch class of the tonic, 0 = C. */
	tonic: number;
	/** Sharps (> 0) or flats (< 0) in the signature. */
	fifths: number;
	/**
	 * Semitones added to a melody in the model's keys to reach this one: from C for major-like modes, from
	 * A for minor-like ones; 0..11 for major-like, −9..2 for minor-like.
	 */
	shift: number;
	/** Kern key designation without `*` and `:` (`G`, `e`, `B-`, `f#`); kern marks a mode after the colon. */
	kern: string;
}

/** The same key under an older name: the writers took `ExportKey` before modes came. */
export type ExportKey = Key;

const SHARP_NAMES = ['C', 'C♯', 'D', 'D♯', 'E', 'F', 'F♯', 'G', 'G♯', 'A', 'A♯', 'B'];
const FLAT_NAMES = ['C', 'D♭', 'D', 'E♭', 'E', 'F', 'G♭', 'G', 'A♭', 'A', 'B♭', 'B'];

/**
 * The signature of a key: the major key with the same notes, written with the fewer accidentals (D♭ not
 * C♯ major). Six sharps or six flats tie; then major-like modes take sharps (F♯ major) and minor-like
 * ones flats (E♭ minor, A♭ Dorian), as the usual tables of keys do.
 */
export function signatureFifths(tonic: number, mode: Mode): number {
	const major = (((tonic - MODE_OFFSET[mode]) % 12) + 12) % 12;
	const sharps = (major * 7) % 12; // C 0, G 1, D 2 …, C♯ 7 …
	const flats = sharps - 12;
	if (sharps === 6) return modeFamily(mode) === 'major' ? 6 : -6;
	return sharps < -flats ? sharps : flats;
}

/** The tonic spelled for its signature: `B♭` with flats, `A♯` only in a sharp key. */
export function tonicName(tonic: number, fifths: number): string {
	return (fifths < 0 ? FLAT_NAMES : SHARP_NAMES)[((tonic % 12) + 12) % 12];
}

/** `major`, `minor`, `Dorian`: church modes are proper names. */
export function modeName(mode: Mode): string {
	return mode === 'major' || mode === 'minor' ? mode : mode[0].toUpperCase() + mode.slice(1);
}

/** The key on `tonic` (pitch class, 0 = C) in `mode`. */
export function keyOf(tonic: number, mode: Mode): Key {
	const pc = ((Math.round(tonic) % 12) + 12) % 12;
	const fifths = signatureFifths(pc, mode);
	const root = tonicName(pc, fifths);
	const family = modeFamily(mode);
	const fromHome = family === 'major' ? pc : pc - 9;
	const kern = root.replace('♭', '-').replace('♯', '#');
	return {
		name: `${root} ${modeName(mode)}`,
		mode,
		tonic: pc,
		fifths,
		shift: fromHome,
		kern: family === 'major' ? kern : kern.toLowerCase()
	};
}

const LETTER_PC: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const MODE_WORDS: Record<string, Mode> = {
	'': 'major',
	maj: 'major',
	major: 'major',
	m: 'minor',
	min: 'minor',
	minor: 'minor',
	ion: 'ionian',
	ionian: 'ionian',
	dor: 'dorian',
	dorian: 'dorian',
	phr: 'phrygian',
	phrygian: 'phrygian',
	lyd: 'lydian',
	lydian: 'lydian',
	mix: 'mixolydian',
	mixolydian: 'mixolydian',
	aeo: 'aeolian',
	aeolian: 'aeolian',
	loc: 'locrian',
	locrian: 'locrian'
};

/**
 * Reads a key as people type it: `G major`, `B♭ minor`, `Bb`, `D Dorian`, `Ddor`, `F#m`, or a kern
 * designation (`G`, `e`, `B-`, `f#`, `d:dor`; lower case is minor). Undefined for anything else.
 */
export function parseKey(text: string): Key | undefined {
	const m = /^\s*([A-Ga-g])\s*(♭|♯|b|#|-)?\s*:?\s*([A-Za-z]*)\s*$/u.exec(text);
	if (!m) return undefined;
	const [, letter, accidental, word] = m;
	const alter = !accidental ? 0 : accidental === '♯' || accidental === '#' ? 1 : -1;
	const lowerCaseLetter = letter !== letter.toUpperCase();
	let mode = MODE_WORDS[word.toLowerCase()];
	if (!mode) return undefined;
	// Kern's lower case letter is a minor key (`e`, `b-`); `d:dor` names its mode itself.
	if (lowerCaseLetter && word === '') mode = 'minor';
	return keyOf(LETTER_PC[letter.toUpperCase()] + alter, mode);
}
