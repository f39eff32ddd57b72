/**
 * MIDI files in a drop (`.mid`, `.midi`): one report row and, when kept, one song per file. The melody is
 * put on the 16th grid by the reader (notation/midi-in.ts), so every length it gives is kept: a played or
 * sequenced file rarely keeps to the note values of the reference encoding, and the report says what the
 * grid changed instead.
 */
import { readMidiSong } from '../notation/midi-in';
import { MAX_MIDI_BYTES } from '../notation/midi-read';
import { encodeSong } from '../encoding/encode';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions, type EncodedSong } from '../encoding/song';
import type { FileReport } from './types';

function capitalize(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Reads and encodes one MIDI file. Never throws. */
export function processMidi(
	path: string,
	bytes: Uint8Array,
	options: EncodeOptions = DEFAULT_ENCODE_OPTIONS
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
	const r = readMidiSong(bytes, path, name);
	if (!r.ok) return { report: { path, format: 'midi', status: r.status, reason: r.reason } };
	// Every length is already on the grid; the reference's note values are not asked of a MIDI file.
	const e = encodeSong(r.song, { ...options, quantizeTuplets: true });
	if (e.status === 'skipped')
		return { report: { path, format: 'midi', status: 'skipped', reason: e.reason } };
	const report: FileReport = { path, format: 'midi', status: 'kept', steps: e.song.symbols.length };
	if (e.song.remarks?.length) report.reason = capitalize(e.song.remarks.join('; ')) + '.';
	return { report, song: e.song };
}
