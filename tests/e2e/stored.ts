/**
 * Corpora put straight into the app's IndexedDB, as the Corpus stage would store them, so a browser test
 * can start at training without importing through the page.
 */
import type { Page } from '@playwright/test';
import { summarize } from '../../src/lib/corpus/summary';
import type { FileReport } from '../../src/lib/corpus/types';
import type { EncodedSong } from '../../src/lib/encoding/song';

/** A StoredCorpus record of `songs`, with their import report and summary. */
export function storedCorpus(id: string, name: string, songs: EncodedSong[], report: FileReport[]) {
	return {
		id,
		name,
		createdAt: Date.now(),
		hash: `test-${id}`,
		options: { keepKey: false, quantizeTuplets: false },
		songs,
		report,
		summary: summarize(songs, report)
	};
}

/** Puts the corpora (and their list records) straight into the app's IndexedDB, then reloads. */
export async function seedCorpora(page: Page, stored: ReturnType<typeof storedCorpus>[]) {
	await page.goto('/');
	await page.evaluate(async (list) => {
		const db: IDBDatabase = await new Promise((resolve, reject) => {
			const r = indexedDB.open('folk-studio', 1);
			r.onupgradeneeded = () => {
				for (const s of ['corpora', 'models', 'checkpoints', 'melodies'])
					if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s, { keyPath: 'id' });
			};
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		await new Promise<void>((resolve, reject) => {
			const tx = db.transaction('corpora', 'readwrite');
			for (const c of list) {
				tx.objectStore('corpora').put(c);
				const { songs: _s, report: _r, ...meta } = c;
				tx.objectStore('corpora').put({ ...meta, id: `meta:${c.id}`, corpusId: c.id });
			}
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	}, stored);
	await page.reload();
}
