/**
 * MIDI files in a drop (`.mid`, `.midi`): one report row and, when kept, one song per file. The melody is
 * put on the 16th grid by the reader (notation/midi-in.ts), so every length it gives is kept: a played or
 * sequenced file rarely keeps to the note values of the reference encoding, and the report says what the
 * grid changed instead.
 */
import { readMidiSong } from '../notation/midi-in';
import { MAX_MIDI_BYTES } from '../notation/midi-read';
import { encodeSong } from '../encoding/encode';
import { DEFAULT_ENCODE_OPTIONS, type EncodedSong } from '../encoding/song';
import type { FileReport, IngestOptions } from './types';

function capitalize(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Reads and encodes one MIDI file. Never throws. */
export function processMidi(
	path: string,
	bytes: Uint8Array,
	options: IngestOptions = DEFAULT_ENCODE_OPTIONS
): { report: FileReport; song?: EncodedSong } {
	const name = path.split('/').pop() ?? path;
	if (bytes.length > MAX_MIDI_BYTES)
		return {
			report: {
				path,
				format: 'midi',
				status: 'skipped',
				reason: `${name} is over 1 MB; a melody's MIDI file is far smaller, so it was not read.`
			}
		};
	const { midiTrack, midiTracks, ...encode } = options;
	const r = readMidiSong(bytes, path, name, midiTracks?.[path] ?? midiTrack);
	// Where a file has several tracks to choose from, the report lists them (the app offers the choice).
	const choice: Pick<FileReport, 'tracks' | 'track'> = r.tracks
		? { tracks: r.tracks.map(({ number, name, notes, monophonic }) => ({ number, name, notes, monophonic })) }
		: {};
	if (r.tracks && r.track !== undefined) choice.track = r.track;
	if (!r.ok) return { report: { path, format: 'midi', status: r.status, reason: r.reason, ...choice } };
	// Every length is already on the grid; the reference's note values are not asked of a MIDI file.
	const e = encodeSong(r.song, { ...encode, quantizeTuplets: true });
	if (e.status === 'skipped')
		return { report: { path, format: 'midi', status: 'skipped', reason: e.reason, ...choice } };
	const report: FileReport = {
		path,
		format: 'midi',
		status: 'kept',
		steps: e.song.symbols.length,
		...choice
	};
	if (e.song.remarks?.length) report.reason = capitalize(e.song.remarks.join('; ')) + '.';
	return { report, song: e.song };
}
