/**
 * Downloads of the melody on show. Each format is one entry of `EXPORTS`; the Export bar lists them, so a
 * new format is one more entry here. Every file is written in the melody's key (its signature, and ABC's
 * `K:` and MusicXML's `<mode>` with the mode), and the MIDI file plays with the General MIDI program of the
 * voice the page plays.
 */
import { download } from '$ui/download';
import type { Meter } from '$lib/music/meter';
import { toMidi } from '$lib/formats/midi';
import { toKern } from '$lib/formats/kern';
import { toAbc } from '$lib/formats/abc';
import { toMusicXml } from '$lib/formats/musicxml';
import { cleanName, fileName } from '$lib/formats/name';
import type { Key } from '$lib/formats/key';

/** What an export needs to know about the melody. */
export interface ExportInput {
	symbols: readonly string[];
	name: string;
	meter: Meter;
	bpm: number;
	/** The key to write it in; its shift takes the model's symbols there. */
	key: Key;
	/** 16ths before the first full bar (an upbeat). */
	pickup: number;
	/** General MIDI program (0-based) of the voice the page plays. */
	program: number;
}

export interface ExportFormat {
	/** The button's text. */
	label: string;
	save: (melody: ExportInput) => void;
}

/** The name as a title: cleaned, `Melody` when there is none. */
const titleOf = (name: string) => cleanName(name) || 'Melody';

/** The melody as a Standard MIDI File, for the download and for dragging out of the page. */
export function midiFile({ symbols, name, meter, bpm, key, program }: ExportInput): Uint8Array {
	return toMidi([...symbols], { bpm, meter, name: titleOf(name), key, program });
}

export const EXPORTS: readonly ExportFormat[] = [
	{
		label: 'Download MIDI',
		save: (melody) => download(midiFile(melody), fileName(melody.name, 'mid'), 'audio/midi')
	},
	{
		label: 'Download **kern',
		save: ({ symbols, name, meter, key, pickup }) =>
			download(
				toKern([...symbols], { meter, key, title: titleOf(name), pickup }),
				fileName(name, 'krn'),
				'text/plain'
			)
	},
	{
		label: 'Download ABC',
		save: ({ symbols, name, meter, bpm, key, pickup }) =>
			download(
				toAbc(symbols, { meter, key, title: titleOf(name), pickup, bpm }),
				fileName(name, 'abc'),
				'text/vnd.abc'
			)
	},
	{
		label: 'Download MusicXML',
		save: ({ symbols, name, meter, bpm, key, pickup }) =>
			download(
				toMusicXml(symbols, { meter, key, title: titleOf(name), pickup, bpm }),
				fileName(name, 'musicxml'),
				'application/vnd.recordare.musicxml+xml'
			)
	}
];
