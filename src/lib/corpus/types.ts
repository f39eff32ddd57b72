/**
 * The shapes a corpus takes once imported: the report per file, the summary, the stored corpus.
 */
import type { EncodedSong, EncodeOptions } from '../encoding/song';

/** What happened to one file the user dropped. kept + skipped + unreadable = files dropped. */
export interface FileReport {
	/** The file as dropped; for one tune of a file of many (ABC), `file#n` with n its place in the file. */
	path: string;
	/** The file a tune came from, when `path` names one tune of it. */
	file?: string;
	/** What the file was read as, when not `**kern`. */
	format?: 'abc' | 'musicxml' | 'midi';
	/** The tune's `X:` number (ABC) and title (ABC, MusicXML). */
	tune?: number;
	title?: string;
	status: 'kept' | 'skipped' | 'unreadable';
	/** Why it was skipped or unreadable (a sentence), or notes on what was taken (e.g. "top voice of 4"). */
	reason?: string;
	/** Line of the file where reading failed. */
	line?: number;
	/** Time steps of the kept song. */
	steps?: number;
	/** A MIDI file of several tracks that are not drums: those tracks, and the one taken (1-based). */
	tracks?: { number: number; name: string; notes: number; monophonic: boolean }[];
	track?: number;
}

/**
 * How files are read into a corpus: the encoder's options, and which MIDI track to take (by its number,
 * 1-based, as reports name it): `midiTracks` per file path, else `midiTrack` for every MIDI file, else the
 * melody track (the monophonic one with the most notes).
 */
export interface IngestOptions extends EncodeOptions {
	midiTrack?: number;
	midiTracks?: Record<string, number>;
}

/** Summary of an imported corpus, stored with it so a list can show it without loading the songs. */
export interface CorpusSummary {
	files: number;
	kept: number;
	skipped: number;
	unreadable: number;
	songs: number;
	/** Time steps (16ths) over all songs, delimiters not counted. */
	steps: number;
	/** The symbols in use, as music/vocabulary orders them (with `/`, `_`, `r`). */
	vocabulary: string[];
	/** Lowest and highest MIDI number after transposition, or null without notes. */
	pitchRange: { min: number; max: number } | null;
	/** Songs per original key (`G`, `e`…) and per meter (`3/4`…). */
	keys: Record<string, number>;
	meters: Record<string, number>;
	/** Songs whose key was estimated rather than read. */
	estimatedKeys: number;
	/** Note onsets per MIDI number after transposition. */
	pitchHistogram: Record<string, number>;
}

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
