/**
 * The stored corpus format: since format 2 a corpus's full record keeps its songs' symbols as ids into a
 * table (records.ts `PackedCorpus`), so a big corpus never leaves the database as millions of strings.
 * Every song must come back exactly as imported, and records saved before (each song with its own symbol
 * strings, as users' browsers hold them) must still open, rename and list.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { dropFromPaths } from '../../../src/cli/files';
import type { DroppedFile } from '../../../src/lib/corpus/ingest';
import { contentHash } from '../../../src/lib/corpus/summary';
import type { StoredCorpus } from '../../../src/lib/corpus/types';
import {
	getCorpus,
	getCorpusReport,
	listCorpora,
	packCorpus,
	renameCorpus,
	saveCorpus,
	unpackCorpus
} from '../../../src/lib/storage/corpora';
import { db } from '../../../src/lib/storage/db';
import { META, type PackedCorpus } from '../../../src/lib/storage/records';
import { corpusRecord, demoFiles as folderFiles } from '../worker/demo-corpus';
import { hasShared, shared } from '../../shared';

function corpusOf(files: DroppedFile[], name: string, keepKey = false): Promise<StoredCorpus> {
	return corpusRecord(files, name, { keepKey, quantizeTuplets: false });
}

/** The demo songs shipped with the app (real Essen songs, so this runs without ../shared too). */
function demoFiles(): DroppedFile[] {
	return ['erk', 'kinder'].flatMap((folder) => folderFiles(folder, undefined, `${folder}/`));
}

/** The record as IndexedDB holds it. */
async function raw(id: string) {
	return (await db()).get('corpora', id);
}

describe('the stored corpus format', () => {
	it.skipIf(!hasShared())(
		'a corpus saved and loaded keeps every song exactly (erk, in its original keys), packed as ids',
		async () => {
			const erk = await corpusOf(
				dropFromPaths([shared('corpus', 'essen', 'deutschl', 'erk')]),
				'erk in its keys',
				true
			);
			expect(erk.songs.length).toBeGreaterThan(1600);
			await saveCorpus(erk);

			const record = (await raw(erk.id)) as PackedCorpus;
			expect(record.format).toBe(2);
			expect(record.symbolIds).toBeInstanceOf(Uint8Array);
			expect(record.symbolIds.length).toBe(erk.songs.reduce((n, s) => n + s.symbols.length, 0));
			expect(new Set(record.symbolTable).size).toBe(record.symbolTable.length);
			expect(record.songs.some((s) => 'symbols' in s)).toBe(false);

			const back = await getCorpus(erk.id);
			expect(back!.songs).toHaveLength(erk.songs.length);
			for (let i = 0; i < erk.songs.length; i++) expect(back!.songs[i]).toEqual(erk.songs[i]);
			const { songs: _a, ...restBack } = back!;
			const { songs: _b, ...rest } = erk;
			expect(restBack).toEqual(rest);
			// The same songs hash the same: a model trained on the loaded corpus names the imported one.
			expect(await contentHash(back!.songs, back!.options)).toBe(erk.hash);
		}
	);

	it('a record saved before the packed format (each song with its symbol strings) opens, lists and renames', async () => {
		const old = await corpusOf(demoFiles(), 'demo, saved by an older version');
		expect(old.songs.length).toBeGreaterThan(10);
		// Written exactly as the older saveCorpus wrote it: the StoredCorpus itself, and its list row.
		const { songs: _s, report: _r, ...item } = old;
		const d = await db();
		await d.put('corpora', structuredClone(old));
		await d.put('corpora', { ...item, id: META + old.id, corpusId: old.id });

		expect(await getCorpus(old.id)).toEqual(old);
		expect(await getCorpusReport(old.id)).toEqual(old.report);
		expect((await listCorpora()).find((c) => c.id === old.id)?.name).toBe('demo, saved by an older version');

		expect(await renameCorpus(old.id, 'demo renamed')).toBe(true);
		const renamed = await getCorpus(old.id);
		expect(renamed).toEqual({ ...old, name: 'demo renamed' });
		// Renaming leaves the old record's shape alone: nothing of it is rewritten but the name.
		expect((await raw(old.id)) as StoredCorpus).toHaveProperty('songs.0.symbols');
	});

	it('a packed corpus renames with its songs kept', async () => {
		const demo = await corpusOf(demoFiles(), 'demo');
		await saveCorpus(demo);
		expect(await renameCorpus(demo.id, 'demo, renamed')).toBe(true);
		expect(await getCorpus(demo.id)).toEqual({ ...demo, name: 'demo, renamed' });
		expect(await getCorpusReport(demo.id)).toEqual(demo.report);
		expect(await getCorpusReport('nope')).toBeUndefined();
		expect(((await raw(demo.id)) as PackedCorpus).format).toBe(2);
	});

	it('packs into 16-bit ids when a corpus uses more than 256 symbols, and back', async () => {
		const demo = await corpusOf(demoFiles(), 'demo');
		// More symbols than notes, rests and holds ever make: each song's first symbol tagged with its place.
		const many: StoredCorpus = {
			...demo,
			songs: Array.from({ length: 300 }, (_, i) => {
				const song = demo.songs[i % demo.songs.length];
				return { ...song, symbols: [`${song.symbols[0]}#${i}`, ...song.symbols.slice(1)] };
			})
		};
		const packed = packCorpus(many);
		expect(packed.symbolIds).toBeInstanceOf(Uint16Array);
		expect(packed.symbolTable.length).toBeGreaterThan(300);
		expect(unpackCorpus(structuredClone(packed))).toEqual(many);
	});
});
