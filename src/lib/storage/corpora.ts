/**
 * Imported corpora in IndexedDB. Each corpus is one full record (id = its id: songs, report, summary),
 * which training and generation read with `db().get('corpora', id)`, plus a light list record
 * (id = `meta:` + its id, no songs) so that listing corpora never loads every song of every corpus.
 */
import { db, guardQuota } from './db';
import type { CorpusListItem, StoredCorpus } from '../corpus/types';
import { META, type CorpusRow } from './records';

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

/** Saves a corpus and its list record in one transaction. Throws QuotaError when storage is full. */
export async function saveCorpus(corpus: StoredCorpus): Promise<void> {
	const d = await db();
	await guardQuota(`the corpus “${corpus.name}”`, async () => {
		const tx = d.transaction('corpora', 'readwrite');
		await Promise.all([
			tx.store.put(corpus),
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

/** One corpus with its songs and report, or undefined. */
export async function getCorpus(id: string): Promise<StoredCorpus | undefined> {
	const row = await (await db()).get('corpora', id);
	return row && 'songs' in row ? row : undefined;
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
