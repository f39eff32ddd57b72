/**
 * MIDI seeds in the worker: a file of 100,000 notes or of one note 2^28 ticks long must never hold up
 * the page. Each file is read once and its notes kept (a few files at most), so asking again for other
 * bars, another track or another model's range costs only the seed's own notes.
 */
import type { HandlerTable } from '../protocol';
import { midiSizeProblem, MidiSeedError, readMidiNotes, type MidiFileNotes } from '../../formats/midi-read';
import { midiToSeed, midiTracks } from '../../formats/midi-in';

/** Files read, by the page's key; a refused file keeps its sentence. The oldest goes first. */
const read = new Map<string, MidiFileNotes | MidiSeedError>();
const KEEP = 4;

async function notesOf(file: { key: string; name: string; blob: Blob }): Promise<MidiFileNotes> {
	let got = read.get(file.key);
	if (!got) {
		const tooLarge = midiSizeProblem(file.name, file.blob.size);
		try {
			if (tooLarge) throw new MidiSeedError(tooLarge);
			got = readMidiNotes(new Uint8Array(await file.blob.arrayBuffer()), file.name);
		} catch (e) {
			if (!(e instanceof MidiSeedError)) throw e;
			got = e;
		}
		read.set(file.key, got);
		while (read.size > KEEP) read.delete(read.keys().next().value!);
	}
	if (got instanceof MidiSeedError) throw got;
	return got;
}

export const handlers: HandlerTable = {
	'seed/midi': async (request, post) => {
		const file = await notesOf(request.file);
		const seed = midiToSeed(file, {
			track: request.track,
			bars: request.bars,
			vocabulary: request.vocabulary
		});
		post({ type: 'seed/midi', id: request.id, tracks: midiTracks(file), seed });
	},
	'seed/abc': async (request, post) => {
		// The ABC reader (abcjs's parser) loads with the first ABC seed, not with the worker.
		const { abcToSeed } = await import('../../generate/abc-seed');
		const seed = abcToSeed(request.text, { bars: request.bars, vocabulary: request.vocabulary });
		post({ type: 'seed/abc', id: request.id, seed });
	}
};
