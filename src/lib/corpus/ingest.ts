/**
 * Import: every dropped file (folders walked, zips unpacked) gets a status — kept, skipped or unreadable —
 * with a reason, so kept + skipped + unreadable = files dropped. A bad file never stops an import.
 */
import { readKern } from '../kern/reader';
import { encodeSong } from '../encoding/encode';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions, type EncodedSong } from '../encoding/song';
import type { CorpusSummary, FileReport, IngestOptions } from './types';
import {
	checkArchive,
	openZip,
	zipBudget,
	ZipEntryError,
	ZipError,
	ZIP_LIMITS,
	type ZipBudget,
	type ZipLimits
} from '../zip/reader';
import { summarize } from './summary';
// The ABC reader (abcjs's parser) loads with the first .abc file, so a kern drop never carries it.
type AbcModule = typeof import('./abc');
type MusicXmlModule = typeof import('./musicxml');
type MidiModule = typeof import('./midi');

const ABC_NAME = /\.abc$/i;
const MUSICXML_NAME = /\.(musicxml|xml|mxl)$/i;
const MIDI_NAME = /\.(mid|midi)$/i;

/** The largest single file read: Essen files are a few kB, whole chorale books a few hundred. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** A file the user dropped; `read` is called once, only for files within the limits. */
export interface DroppedFile {
	/** Path as dropped: `folder/sub/file.krn`, or the bare name. */
	path: string;
	size: number;
	read(): Promise<Uint8Array> | Uint8Array;
	/** A remark for the report, such as a repeated name inside an archive. */
	note?: string;
}

/**
 * Thrown by a dropped file's `read` when it cannot be taken (a link that dangles or loops): the file is
 * reported with this status and sentence, and the import goes on.
 */
export class DroppedFileError extends Error {
	constructor(
		message: string,
		readonly status: 'skipped' | 'unreadable'
	) {
		super(message);
	}
}

/** The drop held nothing, or the import was cancelled: a sentence for the user. */
export class IngestError extends Error {}

/** Thrown when the signal aborts an import. */
export class IngestCancelled extends Error {
	constructor() {
		super('The import was cancelled; nothing was saved.');
	}
}

/** Progress of an import: files processed of total, and the current file. */
export interface IngestProgress {
	done: number;
	total: number;
	path: string;
}

/** What an import produced. */
export interface IngestResult {
	songs: EncodedSong[];
	report: FileReport[];
	summary: CorpusSummary;
	options: EncodeOptions;
}

const KERN_NAME = /\.(krn|kern)$/i;

/** Plain code-unit order: the same everywhere (unlike localeCompare), like Python's sorted(). */
export function comparePaths(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Reads and encodes one file's bytes: its report line and, when kept, its song. Never throws. */
export function processFile(
	path: string,
	bytes: Uint8Array,
	options: EncodeOptions = DEFAULT_ENCODE_OPTIONS
): { report: FileReport; song?: EncodedSong } {
	const isKern = KERN_NAME.test(path);
	const name = path.split('/').pop() ?? path;
	if (path.includes('__MACOSX/') || name.startsWith('._'))
		return { report: { path, status: 'skipped', reason: `${name} is macOS file metadata, not a song.` } };
	if (bytes.length > MAX_FILE_BYTES)
		return {
			report: {
				path,
				status: 'skipped',
				reason: `${name} is over 5 MB; a **kern melody is far smaller, so it was not read.`
			}
		};
	const r = readKern(bytes, path);
	if (!r.ok) {
		if (!isKern)
			return {
				report: { path, status: 'skipped', reason: `${name} is not a **kern file (${notKernWhat(name)}).` }
			};
		const report: FileReport = { path, status: r.status, reason: r.reason };
		if (r.line !== undefined) report.line = r.line;
		return { report };
	}
	const e = encodeSong(r.song, options);
	if (e.status === 'skipped') {
		const report: FileReport = { path, status: 'skipped', reason: e.reason };
		if (e.line !== undefined) report.line = e.line;
		return { report };
	}
	const report: FileReport = { path, status: 'kept', steps: e.song.symbols.length };
	if (e.song.remarks?.length) report.reason = capitalize(e.song.remarks.join('; ')) + '.';
	return { report, song: e.song };
}

function capitalize(s: string): string {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

function notKernWhat(name: string): string {
	if (/^CKSUM$/i.test(name)) return 'a checksum list shipped with the collection';
	if (/^(README|LICEN[CS]E|COPYING)/i.test(name)) return 'documentation';
	if (name.startsWith('.')) return 'a hidden system file';
	return 'no Humdrum spine header';
}

/**
 * Replaces each zip by its files, read from its directory alone: nothing is inflated here, each file is
 * inflated when it is read, against the drop's budget. A refused archive becomes one report line.
 */
async function expand(
	files: DroppedFile[],
	rejected: FileReport[],
	budget: ZipBudget,
	signal?: AbortSignal
): Promise<DroppedFile[]> {
	const out: DroppedFile[] = [];
	for (const f of files) {
		if (!/\.zip$/i.test(f.path)) {
			out.push(f);
			continue;
		}
		if (signal?.aborted) throw new IngestCancelled();
		try {
			checkArchive(f.size, 0, f.path, budget);
			const zip = openZip(await f.read(), f.path, { budget, signal, maxEntryBytes: MAX_FILE_BYTES });
			for (const z of zip)
				out.push({
					path: `${f.path}/${z.entry.name}`,
					size: z.entry.size,
					read: z.read,
					...(z.entry.repeatOf
						? {
								note: `The archive holds more than one file named ${z.entry.repeatOf}; this is another of them.`
							}
						: {})
				});
		} catch (e) {
			if (!(e instanceof ZipError)) throw e;
			rejected.push({ path: f.path, status: 'unreadable', reason: e.message });
		}
	}
	return out;
}

/**
 * Imports dropped files: unpacks zips, reads and encodes each file in sorted path order, and summarizes.
 * Yields to the event loop now and then so a worker sees a cancel; `signal` aborts with IngestCancelled.
 */
export async function ingest(
	files: DroppedFile[],
	options: IngestOptions = DEFAULT_ENCODE_OPTIONS,
	onProgress: (p: IngestProgress) => void = () => {},
	signal?: AbortSignal,
	limits: ZipLimits = ZIP_LIMITS
): Promise<IngestResult> {
	if (files.length === 0)
		throw new IngestError(
			'Nothing to import: the drop held no files. Drop .krn, .abc, MusicXML or MIDI files, a folder or a .zip archive.'
		);
	const report: FileReport[] = [];
	const all = await expand(files, report, zipBudget(limits), signal);
	all.sort((a, b) => comparePaths(a.path, b.path));
	const songs: EncodedSong[] = [];
	let abcReader: AbcModule | undefined;
	let musicXmlReader: MusicXmlModule | undefined;
	let midiReader: MidiModule | undefined;
	let last = Date.now();
	for (let i = 0; i < all.length; i++) {
		const f = all[i];
		if (Date.now() - last > 40) {
			onProgress({ done: i, total: all.length, path: f.path });
			await new Promise((r) => setTimeout(r, 0));
			last = Date.now();
		}
		if (signal?.aborted) throw new IngestCancelled();
		if (f.size > MAX_FILE_BYTES) {
			report.push({
				path: f.path,
				status: 'skipped',
				reason: `${f.path.split('/').pop()} is over 5 MB; a **kern melody is far smaller, so it was not read.`
			});
			continue;
		}
		let bytes: Uint8Array;
		try {
			bytes = await f.read();
		} catch (e) {
			if (signal?.aborted) throw new IngestCancelled();
			report.push(
				e instanceof ZipEntryError || e instanceof DroppedFileError
					? { path: f.path, status: e.status, reason: e.message }
					: {
							path: f.path,
							status: 'unreadable',
							reason: `The file could not be read (${(e as Error).message}).`
						}
			);
			continue;
		}
		if (ABC_NAME.test(f.path)) {
			abcReader ??= await import('./abc');
			const abc = abcReader.processAbc(f.path, bytes, options);
			if (f.note) for (const row of abc.reports) row.reason = row.reason ? `${f.note} ${row.reason}` : f.note;
			report.push(...abc.reports);
			songs.push(...abc.songs);
			continue;
		}
		const r = MUSICXML_NAME.test(f.path)
			? await (musicXmlReader ??= await import('./musicxml')).processMusicXml(f.path, bytes, options)
			: MIDI_NAME.test(f.path)
				? (midiReader ??= await import('./midi')).processMidi(f.path, bytes, options)
				: processFile(f.path, bytes, options);
		if (f.note) r.report.reason = r.report.reason ? `${f.note} ${r.report.reason}` : f.note;
		report.push(r.report);
		if (r.song) songs.push(r.song);
	}
	onProgress({ done: all.length, total: all.length, path: '' });
	// By file; the tunes of one file keep their order in it (the sort is stable).
	report.sort((a, b) => comparePaths(a.file ?? a.path, b.file ?? b.path));
	return { songs, report, summary: summarize(songs, report), options };
}
