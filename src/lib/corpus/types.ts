import type { CorpusSummary } from './summary';

/**
 * The shapes a corpus takes once imported: what training, generation and the report share.
 */

/** One kept song, encoded on the 16th-note grid (see encoding/). */
export interface EncodedSong {
	/** Path of the file as dropped (inside a zip: `archive.zip/dir/file.krn`). */
	path: string;
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
	/** The time series: MIDI numbers, `r`, `_`; no `/`. */
	symbols: string[];
}

/** What happened to one file the user dropped. kept + skipped + unreadable = files dropped. */
export interface FileReport {
	path: string;
	status: 'kept' | 'skipped' | 'unreadable';
	/** Why it was skipped or unreadable (a sentence), or notes on what was taken (e.g. "top voice of 4"). */
	reason?: string;
	/** Line of the file where reading failed. */
	line?: number;
	/** Time steps of the kept song. */
	steps?: number;
}

/** Options beyond the reference encoding, recorded with the corpus. All off by default. */
export interface EncodeOptions {
	/** Keep the original key instead of moving to C major / A minor. */
	keepKey: boolean;
	/** Quantize tuplets to the 16th grid instead of skipping the song. */
	quantizeTuplets: boolean;
}

export const DEFAULT_ENCODE_OPTIONS: EncodeOptions = { keepKey: false, quantizeTuplets: false };

/** A corpus as listed: everything but the songs and the report, so a list stays light. */
export interface CorpusListItem {
	id: string;
	name: string;
	createdAt: number;
	hash: string;
	options: EncodeOptions;
	summary: CorpusSummary;
}

/** A corpus as stored in IndexedDB and handed to training. */
export interface StoredCorpus {
	id: string;
	name: string;
	createdAt: number;
	/** Hash of the encoded songs: a model records it to name the exact data it learned from. */
	hash: string;
	options: EncodeOptions;
	songs: EncodedSong[];
	report: FileReport[];
	/** Counts, vocabulary, range, keys, meters, histogram (see summary.ts). */
	summary: CorpusSummary;
}
