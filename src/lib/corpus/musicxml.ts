/**
 * MusicXML files in a drop (`.musicxml`, `.xml`, compressed `.mxl`): one report row and, when kept, one
 * song per file, through the encoder and the limits `**kern` songs go through. A tie sounds as one note (as
 * in ABC), so the app's own MusicXML export reads back note for note.
 */
import { mxlRootfile, readMusicXml } from '../notation/musicxml-in';
import { encodeSong } from '../encoding/encode';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions, type EncodedSong } from '../encoding/song';
import { openZip, ZipEntryError, ZipError, zipBudget } from '../zip/reader';
import { holdTies } from './abc';
import type { FileReport } from './types';

/** The largest score read from inside an `.mxl` (as for any file of a drop). */
const MAX_SCORE_BYTES = 5 * 1024 * 1024;

function capitalize(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The score file of an `.mxl` archive, or why there is none. */
async function unpackMxl(bytes: Uint8Array, path: string): Promise<Uint8Array | FileReport> {
	const refuse = (reason: string): FileReport => ({ path, format: 'musicxml', status: 'unreadable', reason });
	try {
		const files = openZip(bytes, path, { budget: zipBudget(), maxEntryBytes: MAX_SCORE_BYTES });
		const container = files.find((f) => f.entry.name === 'META-INF/container.xml');
		const named = container ? mxlRootfile(new TextDecoder().decode(await container.read())) : undefined;
		const score =
			files.find((f) => f.entry.name === named) ??
			files.find((f) => !f.entry.name.startsWith('META-INF/') && /\.(musicxml|xml)$/i.test(f.entry.name));
		if (!score) return refuse('This .mxl archive holds no MusicXML score.');
		return await score.read();
	} catch (e) {
		if (e instanceof ZipError || e instanceof ZipEntryError) return refuse(e.message);
		throw e;
	}
}

/** Reads and encodes one MusicXML file. Never throws for a bad file. */
export async function processMusicXml(
	path: string,
	bytes: Uint8Array,
	options: EncodeOptions = DEFAULT_ENCODE_OPTIONS
): Promise<{ report: FileReport; song?: EncodedSong }> {
	let xml = bytes;
	if (/\.mxl$/i.test(path)) {
		const got = await unpackMxl(bytes, path);
		if (!(got instanceof Uint8Array)) return { report: got };
		xml = got;
	}
	const r = readMusicXml(xml, path);
	if (!r.ok) {
		const report: FileReport = { path, format: 'musicxml', status: r.status, reason: r.reason };
		if (r.line !== undefined) report.line = r.line;
		return { report };
	}
	const e = encodeSong(r.song, options);
	if (e.status === 'skipped') {
		const report: FileReport = { path, format: 'musicxml', status: 'skipped', reason: e.reason };
		if (e.line !== undefined) report.line = e.line;
		return { report };
	}
	const song = e.song;
	holdTies(song.symbols, r.song.events);
	const report: FileReport = { path, format: 'musicxml', status: 'kept', steps: song.symbols.length };
	if (r.song.title) report.title = r.song.title;
	if (song.remarks?.length) report.reason = capitalize(song.remarks.join('; ')) + '.';
	return { report, song };
}
