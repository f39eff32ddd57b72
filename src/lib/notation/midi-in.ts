/**
 * A MIDI file as a corpus song: the melody track (of the tracks that are not drums, the one with the most
 * notes that is monophonic — no note starts before the one before it ends — else the one with the most
 * notes, its highest line; or the track the user chose), put on the 16th grid (each note's start and end to the nearest 16th; a note
 * rounded to nothing is dropped; where notes still overlap the higher one is kept), with the meter and key
 * the file gives. The file is read by `midi-read.ts`, which checks every length against the bytes.
 */
import { MidiSeedError, readMidiNotes, type MidiFileNotes, type MidiNote } from './midi-read';
import type { KernEvent, KernSong, KeyDesignation } from '../kern/reader';

export type MidiCorpusResult =
	{ ok: true; song: KernSong } | { ok: false; status: 'skipped' | 'unreadable'; reason: string };

const MAJOR_NAMES = ['C', 'D-', 'D', 'E-', 'E', 'F', 'F#', 'G', 'A-', 'A', 'B-', 'B'];
const MINOR_NAMES = ['c', 'c#', 'd', 'e-', 'e', 'f', 'f#', 'g', 'g#', 'a', 'b-', 'b'];

/** A key signature meta event as a designation: sharps (negative: flats) and major or minor. */
export function midiKey(sharps: number, minor: boolean): KeyDesignation {
	const major = (((sharps * 7) % 12) + 12) % 12;
	const tonic = minor ? (major + 9) % 12 : major;
	return {
		name: (minor ? MINOR_NAMES : MAJOR_NAMES)[tonic],
		mode: minor ? 'minor' : 'major',
		tonicMidi: 60 + tonic
	};
}

/** True when no note starts before the one before it ends (allowing a 32nd of overlap, as players leave). */
export function monophonic(notes: readonly MidiNote[], ppq: number): boolean {
	const slack = ppq / 8;
	let end = -Infinity;
	for (const n of notes) {
		if (n.start < end - slack) return false;
		end = Math.max(end, n.end);
	}
	return true;
}

function plural(n: number, one: string): string {
	return `${n.toLocaleString('en')} ${n === 1 ? one : `${one}s`}`;
}

/** A track of a MIDI file as a musician chooses it: its number (1-based, as reports name it), name, notes. */
export interface MidiTrackInfo {
	number: number;
	name: string;
	notes: number;
	monophonic: boolean;
	drums: boolean;
}

/** The tracks of a file that have notes, numbered as the reports and `--midi-track` number them. */
export function trackInfo(file: MidiFileNotes): MidiTrackInfo[] {
	return file.tracks.map((t, i) => ({
		number: i + 1,
		name: t.name || `Track ${i + 1}`,
		notes: t.notes.length,
		monophonic: monophonic(t.notes, file.ticksPerQuarter),
		drums: t.channel === 9
	}));
}

/**
 * The melody track's index: of the tracks that are not drums, the one with the most notes that is
 * monophonic, else the one with the most notes (the first of equals); -1 when every note is a drum's.
 */
export function melodyTrack(file: MidiFileNotes): number {
	const tracks = trackInfo(file);
	const pool = tracks.filter((t) => !t.drums && t.notes > 0);
	const mono = pool.filter((t) => t.monophonic);
	let best: MidiTrackInfo | undefined;
	for (const t of mono.length ? mono : pool) if (!best || t.notes > best.notes) best = t;
	return best ? best.number - 1 : -1;
}

/**
 * Reads a MIDI file's melody as a song: the melody track (`melodyTrack`), or track `track` (1-based) where
 * the user chose one. Never throws.
 */
export function readMidiSong(
	bytes: Uint8Array,
	path = '',
	name?: string,
	track?: number
): MidiCorpusResult & { tracks?: MidiTrackInfo[]; track?: number } {
	let file: MidiFileNotes;
	try {
		file = readMidiNotes(bytes, name);
	} catch (e) {
		if (e instanceof MidiSeedError) return { ok: false, status: 'unreadable', reason: e.message };
		return {
			ok: false,
			status: 'unreadable',
			reason: `The MIDI reader failed on this file: ${(e as Error).message}.`
		};
	}
	const tracks = trackInfo(file);
	// The tracks a musician may choose between, where there is a choice: those with notes, not drums.
	const melodic = tracks.filter((t) => !t.drums && t.notes > 0);
	const choice = melodic.length > 1 ? { tracks: melodic } : {};
	const ppq = file.ticksPerQuarter;
	const mono = melodic.filter((t) => t.monophonic);
	let index: number;
	if (track !== undefined) {
		if (!tracks[track - 1] || tracks[track - 1].notes === 0) {
			const list = tracks.map((t) => `${t.number} “${t.name}”`).join(', ');
			return {
				ok: false,
				status: 'skipped',
				reason: `${file.label} has no track ${track} with notes; its tracks with notes are ${list || 'none'}.`,
				...choice
			};
		}
		index = track - 1;
	} else {
		index = melodyTrack(file);
		if (index < 0)
			return { ok: false, status: 'skipped', reason: `${file.label} has no notes outside the drum channel.` };
	}
	const best = { i: index, t: file.tracks[index] };
	const track0 = best.t;

	// On the grid, then the top line: at each start the highest note; a note ends where the next begins.
	const grid = (tick: number) => Math.round((4 * tick) / ppq);
	let moved = 0;
	let dropped = 0;
	const byStart = new Map<number, { pitch: number; end: number }>();
	let chords = 0;
	for (const n of track0.notes) {
		const start = grid(n.start);
		const end = grid(n.end);
		if ((4 * n.start) % ppq !== 0 || (4 * n.end) % ppq !== 0) moved++;
		if (end <= start) {
			dropped++;
			continue;
		}
		const prev = byStart.get(start);
		if (prev) chords++;
		if (!prev || n.pitch > prev.pitch) byStart.set(start, { pitch: n.pitch, end });
	}
	const starts = [...byStart.keys()].sort((a, b) => a - b);
	if (starts.length === 0)
		return {
			ok: false,
			status: 'skipped',
			reason: `${file.label}: nothing of the melody is left on the 16th-note grid.`
		};
	const first = starts[0];
	const events: KernEvent[] = [];
	let at = first;
	let cut = 0;
	for (let k = 0; k < starts.length; k++) {
		const s = starts[k];
		const n = byStart.get(s)!;
		if (s > at)
			events.push({ kind: 'rest', quarterLength: (s - at) / 4, tuplet: false, line: 0, token: 'rest' });
		const next = starts[k + 1] ?? Infinity;
		const end = Math.min(n.end, next);
		if (end < n.end) cut++;
		events.push({
			kind: 'note',
			midi: n.pitch,
			quarterLength: (end - s) / 4,
			tuplet: false,
			line: 0,
			token: String(n.pitch)
		});
		at = end;
	}

	const ts = file.timeSignature;
	const meter = ts ? `${ts.numerator}/${ts.denominator}` : undefined;
	const barSteps = ts ? (16 * ts.numerator) / ts.denominator : 0;
	const barlines: number[] = [];
	if (barSteps >= 1 && Number.isInteger(barSteps))
		for (let b = Math.ceil((first + 1) / barSteps) * barSteps; b < at; b += barSteps)
			barlines.push((b - first) / 4);
	const remarks = [
		`melody from track ${best.i + 1}${track0.name ? ` “${track0.name}”` : ''} (${
			track !== undefined
				? `as chosen${tracks[index].monophonic ? '' : ', its highest line'}`
				: mono.length
					? `the most notes of ${plural(mono.length, 'monophonic track')}`
					: `no track is monophonic: the most notes, its highest line`
		})`
	];
	if (moved) remarks.push(`${plural(moved, 'note')} moved to the 16th grid`);
	if (dropped) remarks.push(`${plural(dropped, 'note')} too short for the grid left out`);
	if (chords) remarks.push(`${plural(chords, 'chord')} reduced to the top note`);
	if (cut) remarks.push(`${plural(cut, 'note')} cut where the next began`);
	const song: KernSong = {
		path,
		encoding: 'utf-8',
		refs: {},
		meterNumeric: meter !== undefined,
		events,
		barlines,
		meters: meter ? [{ at: 0, meter }] : [],
		kernSpines: 0,
		spineTypes: [],
		graceNotes: 0,
		remarks
	};
	if (meter) song.meter = meter;
	if (file.keySignature) {
		const key = midiKey(file.keySignature.sharps, file.keySignature.minor);
		song.keyDesignation = key;
		song.music21Key = key;
	}
	return { ok: true, song, track: index + 1, ...choice };
}
