/** Messages of the corpus domain. Request types start with 'corpus/'. */
import type { CorpusListItem, FileReport, IngestOptions } from '../../corpus/types';

/** A file handed to the worker: a File/Blob from a drop or picker, or bytes fetched by the page. */
export interface IngestFile {
	/** Path as dropped (`folder/sub/a.krn`, `archive.zip`). */
	path: string;
	blob?: Blob;
	bytes?: Uint8Array;
}

export type CorpusRequest =
	/**
	 * Reads, encodes and stores a corpus. Answers `corpus/progress` now and then, `corpus/ingested`, then
	 * `done`; a `cancel` stops it and nothing is saved.
	 */
	{
		type: 'corpus/ingest';
		id: string;
		/** The corpus's name; without one it is named from its songs' region. */
		name?: string;
		files: IngestFile[];
		/** The encoder's options, and which track of a MIDI file to take (`midiTracks` by path). */
		options: IngestOptions;
	};

export type CorpusResponse =
	| { type: 'corpus/progress'; id: string; done: number; total: number; path: string }
	/**
	 * The stored corpus. `duplicate`: the same songs were already stored (same content hash), so nothing
	 * new was saved and `corpus` is the one already there; `report` is still this import's.
	 */
	| {
			type: 'corpus/ingested';
			id: string;
			corpus: CorpusListItem;
			report: FileReport[];
			duplicate?: boolean;
	  };
