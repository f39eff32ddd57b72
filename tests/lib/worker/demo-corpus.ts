/**
 * Corpora for the worker and storage tests, made as the app makes them: the demo songs shipped with the app
 * (real Essen songs, so these tests run without ../shared too) read as a drop hands them over, imported,
 * and stored.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, type DroppedFile } from '../../../src/lib/corpus/ingest';
import { contentHash } from '../../../src/lib/corpus/summary';
import { newCorpusId, saveCorpus } from '../../../src/lib/storage/corpora';
import type { StoredCorpus } from '../../../src/lib/corpus/types';
import { repoRoot } from '../../shared';

/** The demo songs of `folder` (`static/demo/deutschl/<folder>`): `names`, or every file in name order. */
export function demoFiles(folder: string, names?: readonly string[], prefix = ''): DroppedFile[] {
	const dir = join(repoRoot, 'static/demo/deutschl', folder);
	return (names ?? readdirSync(dir).sort()).map((n) => {
		const bytes = new Uint8Array(readFileSync(join(dir, n)));
		return { path: `${prefix}${n}`, size: bytes.length, read: () => bytes };
	});
}

/** `files` imported as the Corpus stage imports them, as the record it stores (not stored yet). */
export async function corpusRecord(
	files: DroppedFile[],
	name: string,
	options?: Parameters<typeof ingest>[1]
): Promise<StoredCorpus> {
	const r = await ingest(files, options);
	return {
		id: newCorpusId(),
		name,
		createdAt: 1,
		hash: await contentHash(r.songs, r.options),
		options: r.options,
		songs: r.songs,
		report: r.report,
		summary: r.summary
	};
}

/** `files` imported and stored as one corpus named `name`; returns its id. */
export async function storeCorpus(files: DroppedFile[], name: string): Promise<string> {
	const corpus = await corpusRecord(files, name);
	await saveCorpus(corpus);
	return corpus.id;
}
