/**
 * The command line's files: paths read as the app would see them dropped, corpora read from them, and
 * model directories (model.json, weights.bin, metadata.json) read and written. Every problem becomes a
 * UsageError, one line for the user.
 */
import {
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	realpathSync,
	statSync,
	unlinkSync,
	writeFileSync
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './command';
import {
	DroppedFileError,
	ingest,
	IngestError,
	type DroppedFile,
	type IngestResult
} from '../lib/corpus/ingest';
import { DEFAULT_ENCODE_OPTIONS } from '../lib/encoding/song';
import type { IngestOptions } from '../lib/corpus/types';
import {
	MODEL_FILES,
	ModelFormatError,
	openModel,
	type ModelFiles,
	type OpenedModel
} from '../lib/model/format';

/**
 * Files and folders given on the command line as the app would see them dropped (folders walked). A path
 * given that does not exist is a usage error; inside a folder, a link that dangles, points to itself or leads
 * back to a folder already read is dropped as a file that cannot be read, with a sentence, so one bad link
 * never costs the import its good files.
 */
export function dropFromPaths(paths: string[]): DroppedFile[] {
	const out: DroppedFile[] = [];
	const folders = new Set<string>();
	const refuse = (path: string, reason: string, status: 'skipped' | 'unreadable' = 'skipped') =>
		out.push({
			path,
			size: 0,
			read: () => {
				throw new DroppedFileError(reason, status);
			}
		});
	const walk = (p: string, top: boolean) => {
		let st;
		try {
			st = statSync(p);
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (top) throw new UsageError(`${p} does not exist`);
			let target = '';
			try {
				target = readlinkSync(p);
			} catch {
				// Not a link: the file vanished or cannot be looked at.
			}
			if (code === 'ELOOP')
				refuse(p, `${basename(p)} is a link that leads back to itself (a loop), so it was skipped.`);
			else if (target)
				refuse(p, `${basename(p)} is a link to ${target}, which does not exist, so it was skipped.`);
			else refuse(p, `${basename(p)} could not be read (${code ?? 'unknown error'}).`, 'unreadable');
			return;
		}
		if (st.isDirectory()) {
			let real: string;
			try {
				real = realpathSync(p);
			} catch {
				real = p;
			}
			if (folders.has(real)) {
				refuse(p, `${basename(p)} leads to a folder that was already read (a link loop), so it was skipped.`);
				return;
			}
			folders.add(real);
			let names: string[];
			try {
				names = readdirSync(p).sort();
			} catch (e) {
				if (top) throw new UsageError(`${p} cannot be read (${(e as NodeJS.ErrnoException).code})`);
				refuse(
					p,
					`The folder ${basename(p)} could not be read (${(e as NodeJS.ErrnoException).code}).`,
					'unreadable'
				);
				return;
			}
			for (const name of names) walk(join(p, name), false);
		} else if (st.isFile()) {
			out.push({ path: p, size: st.size, read: () => new Uint8Array(readFileSync(p)) });
		}
	};
	for (const p of paths) walk(p.replace(/\/+$/, '') || p, true);
	return out;
}

/**
 * Reading options from the shared flags `--keep-key`, `--quantize-tuplets` and `--midi-track N` (the track
 * every MIDI file's melody is taken from, numbered as the report numbers them; default: the monophonic
 * track with the most notes).
 */
export function optionsFrom(values: Record<string, unknown>): IngestOptions {
	const options: IngestOptions = {
		...DEFAULT_ENCODE_OPTIONS,
		keepKey: values['keep-key'] === true,
		quantizeTuplets: values['quantize-tuplets'] === true
	};
	const track = values['midi-track'];
	if (track !== undefined) {
		const n = typeof track === 'string' && /^\d+$/.test(track) ? Number(track) : NaN;
		if (!(n >= 1 && n <= 256))
			throw new UsageError(
				`--midi-track takes a track number from 1 to 256 (as the report numbers them), not "${String(track)}"`
			);
		options.midiTrack = n;
	}
	return options;
}

/** The flags `optionsFrom` reads, for a command's option table. */
export const READ_FLAGS = {
	'keep-key': { type: 'boolean' },
	'quantize-tuplets': { type: 'boolean' },
	'midi-track': { type: 'string' }
} as const;

/** Reads files, folders and zips as one corpus, as the app would. */
export async function readCorpus(paths: string[], options?: IngestOptions): Promise<IngestResult> {
	try {
		return await ingest(dropFromPaths(paths), options);
	} catch (e) {
		if (e instanceof IngestError) throw new UsageError(e.message);
		throw e;
	}
}

/** Reads a model directory written by `cli train` (or unzipped from the app's export). */
export function readModelDir(dir: string): OpenedModel {
	for (const f of Object.values(MODEL_FILES))
		if (!existsSync(join(dir, f)))
			throw new UsageError(`${dir} has no ${f}; give a model directory written by "cli train"`);
	try {
		return openModel(
			{
				model: readFileSync(join(dir, MODEL_FILES.model), 'utf8'),
				weights: new Uint8Array(readFileSync(join(dir, MODEL_FILES.weights))),
				metadata: readFileSync(join(dir, MODEL_FILES.metadata), 'utf8')
			},
			dir
		);
	} catch (e) {
		if (e instanceof ModelFormatError) throw new UsageError(e.message);
		throw e;
	}
}

/** Why a path cannot be written: its errno code in words. */
function why(e: unknown): string {
	const code = (e as NodeJS.ErrnoException).code;
	const words: Record<string, string> = {
		EACCES: 'permission denied',
		EPERM: 'not permitted',
		EROFS: 'the file system is read-only',
		ENOENT: 'a folder on the way does not exist or cannot hold files',
		ENOTDIR: 'a part of the path is a file, not a folder',
		EISDIR: 'it is a folder',
		ENOSPC: 'the disk is full',
		EEXIST: 'something is already there'
	};
	return (code && words[code]) ?? (e as Error).message;
}

/**
 * Creates `dir` and any missing folders above it, one level at a time (Node's recursive mkdir never returns
 * on some paths, /proc/x among them). Throws UsageError naming `flag` when it cannot.
 */
function makeDir(dir: string, flag: string): void {
	const missing: string[] = [];
	let at = resolve(dir);
	while (!existsSync(at)) {
		missing.unshift(at);
		const up = dirname(at);
		if (up === at) break;
		at = up;
	}
	if (existsSync(at) && !statSync(at).isDirectory())
		throw new UsageError(`${flag} ${dir}: ${at} is a file, not a folder`);
	for (const d of missing) {
		try {
			mkdirSync(d);
		} catch (e) {
			throw new UsageError(`${flag} ${dir} cannot be created (${why(e)})`);
		}
	}
}

/** Writes and removes a small file in `dir`, so an unwritable folder is found before any work. */
function probeDir(dir: string, flag: string): void {
	const probe = join(dir, `.folk-studio-write-test-${process.pid}`);
	try {
		writeFileSync(probe, '');
		unlinkSync(probe);
	} catch (e) {
		throw new UsageError(`${flag} ${dir} is not writable (${why(e)}); give another folder`);
	}
}

/**
 * Checks, before any training, that the model can be written to `dir`: a folder (created now if needed)
 * that accepts files. Throws UsageError naming the flag.
 */
export function checkOutDir(dir: string, flag = '--out'): void {
	if (existsSync(dir) && !statSync(dir).isDirectory())
		throw new UsageError(`${flag} ${dir} is a file; give a folder for the model's three files`);
	makeDir(dir, flag);
	probeDir(dir, flag);
}

/**
 * Checks, before any generation, that a file can be written at `path`: not a folder, in a folder that exists
 * and accepts files. An existing file is left as it is until it is written. Throws UsageError naming the flag.
 */
export function checkOutFile(path: string, flag: string): void {
	if (existsSync(path) && statSync(path).isDirectory())
		throw new UsageError(`${flag} ${path} is a folder; give a file name`);
	const existed = existsSync(path);
	try {
		closeSync(openSync(path, 'a'));
		if (!existed) unlinkSync(path);
	} catch (e) {
		throw new UsageError(`${flag} ${path} cannot be written (${why(e)})`);
	}
}

/** Writes the three files of a model to `dir` (created if needed, checked with checkOutDir first). */
export function writeModelDir(dir: string, files: ModelFiles): void {
	makeDir(dir, '--out');
	writeFileSync(join(dir, MODEL_FILES.model), JSON.stringify(files.modelJson));
	writeFileSync(join(dir, MODEL_FILES.weights), files.weights);
	writeFileSync(join(dir, MODEL_FILES.metadata), JSON.stringify(files.metadata, null, 1));
}
