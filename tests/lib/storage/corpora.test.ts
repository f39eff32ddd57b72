import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { strToU8 } from 'fflate';
import { ingest } from '../../../src/lib/corpus/ingest';
import { contentHash } from '../../../src/lib/corpus/summary';
import type { StoredCorpus } from '../../../src/lib/corpus/types';
import {
	deleteCorpus,
	getCorpus,
	listCorpora,
	newCorpusId,
	renameCorpus,
	saveCorpus
} from '../../../src/lib/storage/corpora';
import { db, QuotaError } from '../../../src/lib/storage/db';

const SONG = '**kern\n*ICvox\n*Ivox\n*M2/4\n*k[]\n*G:\n4g\n4b\n=1\n2dd\n==\n*-\n';

async function corpus(name: string, createdAt: number): Promise<StoredCorpus> {
	const r = await ingest([{ path: `${name}.krn`, size: SONG.length, read: () => strToU8(SONG) }]);
	return {
		id: newCorpusId(),
		name,
		createdAt,
		hash: await contentHash(r.songs, r.options),
		options: r.options,
		songs: r.songs,
		report: r.report,
		summary: r.summary
	};
}

describe('stored corpora', () => {
	it('saves, lists light records newest first, renames and deletes', async () => {
		const a = await corpus('first', 1000);
		const b = await corpus('second', 2000);
		await saveCorpus(a);
		await saveCorpus(b);
		const list = await listCorpora();
		expect(list.map((c) => c.name)).toEqual(['second', 'first']);
		expect(list[0]).not.toHaveProperty('songs');
		expect(list[0]).not.toHaveProperty('report');
		expect(list[0].id).toBe(b.id);
		expect(list[0].summary.songs).toBe(1);

		const full = await getCorpus(a.id);
		expect(full?.songs[0].symbols.join(' ')).toBe('60 _ _ _ 64 _ _ _ 67 _ _ _ _ _ _ _');
		expect(full?.report).toHaveLength(1);

		expect(await renameCorpus(a.id, 'renamed')).toBe(true);
		expect((await getCorpus(a.id))?.name).toBe('renamed');
		expect((await listCorpora()).find((c) => c.id === a.id)?.name).toBe('renamed');
		expect(await renameCorpus('nope', 'x')).toBe(false);

		await deleteCorpus(b.id);
		expect(await getCorpus(b.id)).toBeUndefined();
		expect((await listCorpora()).map((c) => c.id)).toEqual([a.id]);
	});

	it('a rename refused for quota throws QuotaError naming it and keeps the old name in both records', async () => {
		const a = await corpus('old name', 3000);
		await saveCorpus(a);
		const database = await db();
		const original = database.transaction.bind(database);
		database.transaction = ((...args: Parameters<typeof original>) => {
			const tx = original(...args);
			(tx as unknown as { store: { put: () => Promise<never> } }).store.put = () =>
				Promise.reject(Object.assign(new Error('full'), { name: 'QuotaExceededError' }));
			return tx;
		}) as typeof database.transaction;
		try {
			await expect(renameCorpus(a.id, 'new name')).rejects.toBeInstanceOf(QuotaError);
			await expect(renameCorpus(a.id, 'new name')).rejects.toThrow(/no room left .* “new name”/);
		} finally {
			database.transaction = original;
		}
		expect((await getCorpus(a.id))?.name).toBe('old name');
		expect((await listCorpora()).find((c) => c.id === a.id)?.name).toBe('old name');
	});
});
