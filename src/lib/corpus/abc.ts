/**
 * ABC files in a drop: one report row and, when kept, one song per tune. A tune's row and song are named
 * `file.abc#n` (n its place in the file, so two tunes with the same `X:` stay apart) and carry the tune's
 * `X:` number and title; the encoder and its limits are the ones `**kern` songs go through.
 */
import { readAbc, tiedSteps } from '../notation/abc-in';
import { HOLD } from '../music/symbols';
import { isPitchSymbol } from '../music/pitch';
import { encodeSong } from '../encoding/encode';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions, type EncodedSong } from '../encoding/song';
import type { FileReport } from './types';

function capitalize(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Who a tune is, for a sentence: `X:3 "The Kesh"`. */
export function tuneLabel(t: { tune?: number; title?: string }, position: number): string {
	const x = t.tune !== undefined ? `X:${t.tune}` : `tune ${position}`;
	return t.title ? `${x} "${t.title}"` : x;
}

/** A tie sounds as one note: the onset of each note tied from the one before becomes a hold. */
export function holdTies(symbols: string[], events: Parameters<typeof tiedSteps>[0]): void {
	for (const s of tiedSteps(events)) if (isPitchSymbol(symbols[s] ?? '')) symbols[s] = HOLD;
}

/** Reads and encodes every tune of one ABC file. Never throws. */
export function processAbc(
	path: string,
	bytes: Uint8Array,
	options: EncodeOptions = DEFAULT_ENCODE_OPTIONS
): { reports: FileReport[]; songs: EncodedSong[] } {
	const r = readAbc(bytes, path);
	if (!r.ok) return { reports: [{ path, format: 'abc', status: r.status, reason: r.reason }], songs: [] };
	const reports: FileReport[] = [];
	const songs: EncodedSong[] = [];
	r.tunes.forEach((t, i) => {
		const row: FileReport = { path: `${path}#${i + 1}`, file: path, format: 'abc', status: 'skipped' };
		if (t.tune !== undefined) row.tune = t.tune;
		if (t.title !== undefined) row.title = t.title;
		const who = tuneLabel(t, i + 1);
		if (!t.ok) {
			reports.push({ ...row, status: t.status, reason: `${who}: ${t.reason}`, line: t.line });
			return;
		}
		const e = encodeSong({ ...t.song, path: row.path }, options);
		if (e.status === 'skipped') {
			reports.push({
				...row,
				reason: `${who}: ${e.reason}`,
				...(e.line !== undefined ? { line: e.line } : {})
			});
			return;
		}
		const song: EncodedSong = { ...e.song, file: path };
		holdTies(song.symbols, t.song.events);
		if (t.tune !== undefined) song.tune = t.tune;
		if (t.chords.length) song.chords = t.chords.map((c) => ({ at: Math.round(c.at * 4), name: c.name }));
		songs.push(song);
		const kept: FileReport = { ...row, status: 'kept', steps: song.symbols.length };
		if (song.remarks?.length) kept.reason = capitalize(song.remarks.join('; ')) + '.';
		reports.push(kept);
	});
	return { reports, songs };
}
