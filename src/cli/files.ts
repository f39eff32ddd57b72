/**
 * The command line's files: paths read as the app would see them dropped, corpora read from them, and
 * model directories (model.json, weights.bin, metadata.json) read and written. Every problem becomes a
 * UsageError, one line for the user.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './command';
import { ingest, IngestError, type DroppedFile, type IngestResult } from '../lib/corpus/ingest';
import { DEFAULT_ENCODE_OPTIONS, type EncodeOptions } from '../lib/encoding/song';
import {
	MODEL_FILES,
	ModelFormatError,
	openModel,
	type ModelFiles,
	type OpenedModel
} from '../lib/model/format';

/** Files and folders given on the command line as the app would see them dropped (folders walked). */
export function dropFromPaths(paths: string[]): DroppedFile[] {
	const out: DroppedFile[] = [];
	const walk = (p: string) => {
		let st;
		try {
			st = statSync(p);
		} catch {
			throw new UsageError(`${p} does not exist`);
		}
		if (st.isDirectory()) {
			for (const name of readdirSync(p).sort()) walk(join(p, name));
		} else if (st.isFile()) {
			out.push({ path: p, size: st.size, read: () => new Uint8Array(readFileSync(p)) });
		}
	};
	for (const p of paths) walk(p.replace(/\/+$/, '') || p);
	return out;
}

/** Encoding options from the shared flags `--keep-key` and `--quantize-tuplets`. */
export function optionsFrom(values: Record<string, unknown>): EncodeOptions {
	return {
		...DEFAULT_ENCODE_OPTIONS,
		keepKey: values['keep-key'] === true,
		quantizeTuplets: values['quantize-tuplets'] === true
	};
}

/** Reads files, folders and zips as one corpus, as the app would. */
export async function readCorpus(paths: string[], options?: EncodeOptions): Promise<IngestResult> {
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

/** Writes the three files of a model to `dir` (created if needed). */
export function writeModelDir(dir: string, files: ModelFiles): void {
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, MODEL_FILES.model), JSON.stringify(files.modelJson));
	writeFileSync(join(dir, MODEL_FILES.weights), files.weights);
	writeFileSync(join(dir, MODEL_FILES.metadata), JSON.stringify(files.metadata, null, 1));
}
