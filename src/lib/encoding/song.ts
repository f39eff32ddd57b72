/**
 * A song as the encoding gives it: the 16th-note time series and what the file said about it. Training,
 * generation, evaluation and the corpus report share it.
 */

/** One kept song, encoded on the 16th-note grid (see encoding/). */
export interface EncodedSong {
	/** Path of the file as dropped (inside a zip: `archive.zip/dir/file.krn`). */
	path: string;
	/** For one tune of a file of many (ABC): the file, and the tune's `X:` number. */
	file?: string;
	tune?: number;
	/** Chord symbols written over the melody (ABC `"Am"`), at the step they fall on; not in `symbols`. */
	chords?: { at: number; name: string }[];
	/** `!!!OTL` title, `!!!ARE` region and `!!!SCT` id, when present. */
	title?: string;
	region?: string;
	sct?: string;
	/** Meter as written (`3/4`, `MX`…), key as designated or estimated (`G`, `e`). */
	meter?: string;
	/**
	 * Where the first step falls in its bar, in 16th steps (0 = on the downbeat, 6 = after a 2-step pickup
	 * in 2/4), from the meter and the first barline; absent when either is missing or they disagree.
	 */
	barPhase?: number;
	/**
	 * Steps where a barline falls inside the song (never at 0 or at its end, which would tell where the
	 * song stops), and later meters with the step they start at: the bar position of every step.
	 */
	bars?: number[];
	meterChanges?: { at: number; meter: string }[];
	key?: string;
	/** True when the key was estimated (Aarden-Essen) rather than read from the file. */
	keyEstimated?: boolean;
	/** What the reader took or left (top voice, chords, grace notes), for the report. */
	remarks?: string[];
	/** Semitones the song was moved to reach C major / A minor. */
	transposition: number;
	/** The time series: MIDI numbers, `r`, `_`; no `/` (music/symbols.ts). */
	symbols: string[];
}

/** Options beyond the reference encoding, recorded with the corpus. All off by default. */
export interface EncodeOptions {
	/** Keep the original key instead of moving to C major / A minor. */
	keepKey: boolean;
	/** Quantize tuplets to the 16th grid instead of skipping the song. */
	quantizeTuplets: boolean;
}

export const DEFAULT_ENCODE_OPTIONS: EncodeOptions = { keepKey: false, quantizeTuplets: false };
