/**
 * Downloads of the melody on show. Each format is one entry of `EXPORTS`; the Export bar lists them, so a
 * new format is one more entry here.
 */
import { download, fileName } from '$ui/download';
import type { Meter } from '$lib/music/meter';
import { toMidi } from '$lib/formats/midi';
import { toKern } from '$lib/formats/kern';
import { toAbc } from '$lib/formats/abc';
import { toMusicXml } from '$lib/formats/musicxml';
import type { ExportKey } from '$lib/formats/key';

/** What an export needs to know about the melody. */
export interface ExportInput {
	symbols: readonly string[];
	name: string;
	meter: Meter;
	bpm: number;
	/** The key to write it in (the model writes in C major / A minor). */
	key: ExportKey;
	/** 16ths before the first full bar (an upbeat). */
	pickup: number;
}

export interface ExportFormat {
	/** The button's text. */
	label: string;
	save: (melody: ExportInput) => void;
}

/** The melody as a Standard MIDI File, for the download and for dragging out of the page. */
export function midiFile({ symbols, name, meter, bpm, key }: ExportInput): Uint8Array {
	return toMidi([...symbols], { bpm, meter, name: name || 'Melody', transpose: key.shift });
}

export const EXPORTS: readonly ExportFormat[] = [
	{
		label: 'Download MIDI',
		save: (melody) => download(midiFile(melody), fileName(melody.name, 'mid'), 'audio/midi')
	},
	{
		label: 'Download **kern',
		save: ({ symbols, name, meter, key }) =>
			download(
				toKern([...symbols], { meter, key, title: name || 'Melody' }),
				fileName(name, 'krn'),
				'text/plain'
			)
	},
	{
		label: 'Download ABC',
		save: ({ symbols, name, meter, bpm, key, pickup }) =>
			download(
				toAbc(symbols, { meter, key, title: name || 'Melody', pickup, bpm }),
				fileName(name, 'abc'),
				'text/vnd.abc'
			)
	},
	{
		label: 'Download MusicXML',
		save: ({ symbols, name, meter, bpm, key, pickup }) =>
			download(
				toMusicXml(symbols, { meter, key, title: name || 'Melody', pickup, bpm }),
				fileName(name, 'musicxml'),
				'application/vnd.recordare.musicxml+xml'
			)
	}
];
