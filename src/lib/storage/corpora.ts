/**
 * Imported corpora in IndexedDB. Each corpus is one full record (id = its id: songs, report, summary),
 * which training and generation read through `getCorpus`, plus a light list record (id = `meta:` + its
 * id, no songs) so that listing corpora never loads every song of every corpus.
 *
 * The full record keeps the songs' symbols packed as ids (`PackedCorpus`, format 2): a large corpus then
 * never comes out of the database as millions of strings, only as one small typed array, and `getCorpus`
 * gives each song's symbols back as references to the corpus's few symbol strings. Records saved before
 * (each song with its own `symbols`) are read as they are: no schema upgrade, nothing rewritten.
 */
import { db, guardQuota } from './db';
import type { CorpusListItem, FileReport, StoredCorpus } from '../corpus/types';
import { META, type CorpusRow, type PackedCorpus } from './records';

/** A fresh corpus id. */
export function newCorpusId(): string {
	return `corpus-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function listItem(c: StoredCorpus | CorpusListItem): CorpusListItem {
	return {
		id: c.id,
		name: c.name,
		createdAt: c.createdAt,
		hash: c.hash,
		options: c.options,
		summary: c.summary
	};
}

/** The record `saveCorpus` writes: the songs' symbols as ids into a table of the symbols in use. */
export function packCorpus({ songs, ...rest }: StoredCorpus): PackedCorpus {
	const index = new Map<string, number>();
	let count = 0;
	for (const song of songs) {
		count += song.symbols.length;
		for (const s of song.symbols) if (!index.has(s)) index.set(s, index.size);
	}
	// Never reached by notes, rests and holds (about 130 symbols); said rather than stored wrong.
	if (index.size > 65536)
		throw new Error(`The corpus “${rest.name}” uses more than 65,536 different symbols.`);
	const symbolIds = index.size <= 256 ? new Uint8Array(count) : new Uint16Array(count);
	let at = 0;
	const packed = songs.map(({ symbols, ...song }) => {
		for (const s of symbols) symbolIds[at++] = index.get(s)!;
		return { ...song, symbolCount: symbols.length };
	});
	return { ...rest, format: 2, symbolTable: [...index.keys()], symbolIds, songs: packed };
}

/** A stored corpus from its record, either shape; a packed song's symbols share the table's strings. */
export function unpackCorpus(row: PackedCorpus | StoredCorpus): StoredCorpus {
	if (!('symbolIds' in row)) return row;
	const { format: _format, symbolTable, symbolIds, songs, ...rest } = row;
	let at = 0;
	return {
		...rest,
		songs: songs.map(({ symbolCount, ...song }) => {
			const ids = symbolIds.subarray(at, (at += symbolCount));
			const symbols = new Array<string>(symbolCount);
			for (let i = 0; i < symbolCount; i++) symbols[i] = symbolTable[ids[i]];
			return { ...song, symbols };
		})
	};
}

/** Saves a corpus and its list record in one transaction. Throws QuotaError when storage is full. */
export async function saveCorpus(corpus: StoredCorpus): Promise<void> {
	const d = await db();
	const record = packCorpus(corpus);
	await guardQuota(`the corpus “${corpus.name}”`, async () => {
		const tx = d.transaction('corpora', 'readwrite');
		await Promise.all([
			tx.store.put(record),
			tx.store.put({ ...listItem(corpus), id: META + corpus.id, corpusId: corpus.id }),
			tx.done
		]);
	});
}

/** Every corpus, newest first, without songs or report. */
export async function listCorpora(): Promise<CorpusListItem[]> {
	const rows = await (await db()).getAll('corpora', IDBKeyRange.bound(META, META + '\uffff'));
	return rows
		.filter((r): r is CorpusRow => 'corpusId' in r)
		.map((r) => ({ ...listItem(r), id: r.corpusId }))
		.sort((a, b) => b.createdAt - a.createdAt);
}

/** One corpus with its songs and report, or undefined; records of either format. */
export async function getCorpus(id: string): Promise<StoredCorpus | undefined> {
	const row = await (await db()).get('corpora', id);
	return row && 'songs' in row ? unpackCorpus(row) : undefined;
}

/** A corpus's import report, or undefined: what the Corpus stage shows, without unpacking every song. */
export async function getCorpusReport(id: string): Promise<FileReport[] | undefined> {
	const row = await (await db()).get('corpora', id);
	return row && 'songs' in row ? row.report : undefined;
}

/**
 * Renames a corpus (both records, in one transaction). Returns false when it does not exist; throws
 * QuotaError, with the old name kept, when storage is full.
 */
export async function renameCorpus(id: string, name: string): Promise<boolean> {
	const d = await db();
	return guardQuota(`the new name “${name}”`, async () => {
		const tx = d.transaction('corpora', 'readwrite');
		const [full, meta] = await Promise.all([tx.store.get(id), tx.store.get(META + id)]);
		if (!full) {
			await tx.done;
			return false;
		}
		await Promise.all([
			tx.store.put({ ...full, name }),
			meta ? tx.store.put({ ...meta, name }) : Promise.resolve(),
			tx.done
		]);
		return true;
	});
}

/** Deletes a corpus (both records). */
export async function deleteCorpus(id: string): Promise<void> {
	const d = await db();
	const tx = d.transaction('corpora', 'readwrite');
	await Promise.all([tx.store.delete(id), tx.store.delete(META + id), tx.done]);
}
