/** Messages of the seed domain: a MIDI file read as a seed, off the page. Request types start with 'seed/'. */
import type { MidiSeed, MidiTrackChoice } from '../../formats/midi-in';
import type { AbcSeed } from '../../generate/abc-seed';

export type SeedRequest =
	| {
			/**
			 * The seed a MIDI file gives (formats/midi-in.ts): the file is read once under `key` (the page gives
			 * each file it is handed a new key) and kept, so a change of track, bars or model reads no bytes
			 * again. Answers `seed/midi`, then `done`; a file that cannot give a seed ends in an error sentence
			 * naming it.
			 */
			type: 'seed/midi';
			id: string;
			file: { key: string; name: string; blob: Blob };
			/** A track's index (default: the fullest that is not drums). */
			track?: number;
			/** The first bars to keep. */
			bars: number;
			/** The model's symbols, for pitches to fit into. */
			vocabulary: string[];
	  }
	/**
	 * The seed an ABC tune pasted as text gives (generate/abc-seed.ts): the first tune that can be read,
	 * moved into the model's key as corpus songs are. Answers `seed/abc`, then `done`; text that gives no
	 * seed ends in an error sentence.
	 */
	| { type: 'seed/abc'; id: string; text: string; bars: number; vocabulary: string[] };

export type SeedResponse =
	| { type: 'seed/midi'; id: string; tracks: MidiTrackChoice[]; seed: MidiSeed }
	| { type: 'seed/abc'; id: string; seed: AbcSeed };
