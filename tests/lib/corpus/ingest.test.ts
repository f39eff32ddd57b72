import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import {
	ingest,
	processFile,
	IngestError,
	IngestCancelled,
	type DroppedFile
} from '../../../src/lib/corpus/ingest';
import { contentHash } from '../../../src/lib/corpus/summary';
import { DEFAULT_ENCODE_OPTIONS } from '../../../src/lib/encoding/song';
import { hasShared, shared } from '../../shared';

function walk(dir: string): string[] {
	return readdirSync(dir)
		.sort()
		.flatMap((n) => {
			const p = join(dir, n);
			return statSync(p).isDirectory() ? walk(p) : [p];
		});
}

function drop(root: string, files: string[]): DroppedFile[] {
	return files.map((f) => ({
		path: relative(root, f),
		size: statSync(f).size,
		read: () => new Uint8Array(readFileSync(f))
	}));
}

const SONG = '!!!OTL: Lied\n**kern\n*ICvox\n*Ivox\n*M2/4\n*k[]\n*C:\n4c\n4e\n=1\n2g\n==\n*-\n';

describe('ingest', () => {
	it('refuses an empty drop with a sentence', async () => {
		await expect(ingest([])).rejects.toThrow(IngestError);
		await expect(ingest([])).rejects.toThrow(/Nothing to import/);
	});

	it('gives every file a status: kept, skipped (with why) or unreadable (with why and line)', async () => {
		const files: DroppedFile[] = [
			{ path: 'a/song.krn', size: SONG.length, read: () => strToU8(SONG) },
			{ path: 'a/CKSUM', size: 10, read: () => strToU8('123 456 song.krn\n') },
			{ path: 'a/README.txt', size: 5, read: () => strToU8('hello') },
			{ path: 'a/empty.krn', size: 0, read: () => new Uint8Array(0) },
			{ path: 'a/image.krn', size: 8, read: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]) },
			{ path: 'a/broken.krn', size: 20, read: () => strToU8('**kern\n4c\n4xyz\n*-\n') },
			{
				path: 'a/huge.krn',
				size: 6 * 1024 * 1024,
				read: () => {
					throw new Error('a file over the limit must not be read');
				}
			}
		];
		const r = await ingest(files);
		const by = Object.fromEntries(r.report.map((x) => [x.path, x]));
		expect(r.report).toHaveLength(files.length);
		expect(by['a/song.krn']).toMatchObject({ status: 'kept', steps: 16 });
		expect(by['a/CKSUM']).toMatchObject({ status: 'skipped' });
		expect(by['a/CKSUM'].reason).toMatch(/checksum/);
		expect(by['a/README.txt'].status).toBe('skipped');
		expect(by['a/empty.krn']).toMatchObject({ status: 'skipped', reason: 'The file is empty.' });
		expect(by['a/image.krn'].status).toBe('unreadable');
		expect(by['a/image.krn'].reason).toMatch(/binary/);
		expect(by['a/broken.krn']).toMatchObject({ status: 'unreadable', line: 3 });
		expect(by['a/huge.krn'].status).toBe('skipped');
		expect(by['a/huge.krn'].reason).toMatch(/5 MB/);
		expect(r.summary).toMatchObject({ files: 7, kept: 1, songs: 1, steps: 16 });
		expect(r.songs[0]).toMatchObject({ title: 'Lied', key: 'C', meter: '2/4' });
	});

	it('unpacks a zip, and refuses oversized archives from the directory before inflating', async () => {
		const zip = zipSync({
			'dir/one.krn': strToU8(SONG),
			'dir/two.krn': strToU8(SONG),
			'dir/sub/': new Uint8Array(0)
		});
		const r = await ingest([{ path: 'x.zip', size: zip.length, read: () => zip }]);
		expect(r.report.map((x) => [x.path, x.status])).toEqual([
			['x.zip/dir/one.krn', 'kept'],
			['x.zip/dir/two.krn', 'kept']
		]);
		// Patch the sizes the archive claims (local header and central directory) to 300 MB: skipped unread.
		const patched = zip.slice();
		const view = new DataView(patched.buffer);
		for (let i = 0; i + 4 <= patched.length; i++) {
			const sig = view.getUint32(i, true);
			if (sig === 0x04034b50) view.setUint32(i + 22, 300 * 1024 * 1024, true);
			if (sig === 0x02014b50) view.setUint32(i + 24, 300 * 1024 * 1024, true);
		}
		const refused = await ingest([{ path: 'big.zip', size: patched.length, read: () => patched }]);
		expect(refused.report.map((x) => x.status)).toEqual(['skipped', 'skipped']);
		expect(refused.report[0].reason).toMatch(/over 5 MB/);
		const junk = await ingest([{ path: 'junk.zip', size: 4, read: () => strToU8('nope') }]);
		expect(junk.report[0]).toMatchObject({ path: 'junk.zip', status: 'unreadable' });
	});

	it('stops when cancelled', async () => {
		const files: DroppedFile[] = Array.from({ length: 50 }, (_, i) => ({
			path: `s${i}.krn`,
			size: SONG.length,
			read: () => strToU8(SONG)
		}));
		const c = new AbortController();
		c.abort();
		await expect(ingest(files, DEFAULT_ENCODE_OPTIONS, () => {}, c.signal)).rejects.toThrow(IngestCancelled);
	});

	it('hashes the content: same songs same hash, other options another', async () => {
		const { songs } = await ingest([{ path: 's.krn', size: SONG.length, read: () => strToU8(SONG) }]);
		const a = await contentHash(songs, DEFAULT_ENCODE_OPTIONS);
		expect(a).toMatch(/^[0-9a-f]{64}$/);
		expect(await contentHash(songs, DEFAULT_ENCODE_OPTIONS)).toBe(a);
		expect(await contentHash(songs, { ...DEFAULT_ENCODE_OPTIONS, keepKey: true })).not.toBe(a);
	});

	it('hashes the same songs alike however they arrive (a folder, single files, another order)', async () => {
		const other = SONG.replace('4c\n4e', '4e\n4c');
		expect(other).not.toBe(SONG);
		const drop = (paths: string[], texts: string[]) =>
			paths.map((path, i) => ({ path, size: texts[i].length, read: () => strToU8(texts[i]) }));
		const byFolder = await ingest(drop(['songs/a.krn', 'songs/b.krn'], [SONG, other]));
		const byFiles = await ingest(drop(['b.krn', 'a.krn'], [other, SONG]));
		const a = await contentHash(byFolder.songs, DEFAULT_ENCODE_OPTIONS);
		expect(await contentHash(byFiles.songs, DEFAULT_ENCODE_OPTIONS)).toBe(a);
		const oneOnly = await ingest(drop(['a.krn'], [SONG]));
		expect(await contentHash(oneOnly.songs, DEFAULT_ENCODE_OPTIONS)).not.toBe(a);
	});

	it('processFile reads a non-kern name as kern when it is one, and skips macOS metadata', () => {
		expect(processFile('song.txt', strToU8(SONG)).report.status).toBe('kept');
		const meta = processFile('a.zip/__MACOSX/dir/._song.krn', new Uint8Array([0, 5, 22, 7, 0, 2]));
		expect(meta.report.status).toBe('skipped');
		expect(meta.report.reason).toMatch(/macOS/);
	});
});

describe.skipIf(!hasShared())('ingest of all of ../shared/corpus', () => {
	it('never stops, and kept + skipped + unreadable = files dropped; non-kern files are skipped with a reason', async () => {
		const root = shared('corpus');
		const files = walk(root);
		const r = await ingest(drop(root, files));
		expect(r.report).toHaveLength(files.length);
		const s = r.summary;
		expect(s.kept + s.skipped + s.unreadable).toBe(files.length);
		expect(new Set(r.report.map((x) => x.path)).size).toBe(files.length);
		for (const x of r.report) {
			if (x.status !== 'kept') expect(x.reason, x.path).toBeTruthy();
			if (!/\.krn$/.test(x.path)) expect(x.status, x.path).toBe('skipped');
		}
		// The summary agrees with the songs it summarizes.
		expect(s.songs).toBe(r.songs.length);
		expect(s.steps).toBe(r.songs.reduce((n, x) => n + x.symbols.length, 0));
		const pitches = r.songs.flatMap((x) => x.symbols.filter((y) => /^\d+$/.test(y)).map(Number));
		expect(s.pitchRange).toEqual({
			min: pitches.reduce((a, b) => Math.min(a, b)),
			max: pitches.reduce((a, b) => Math.max(a, b))
		});
		expect(Object.values(s.pitchHistogram).reduce((a, b) => a + b, 0)).toBe(pitches.length);
		expect(Object.values(s.keys).reduce((a, b) => a + b, 0)).toBe(s.songs);
		// Multi-spine files are kept with a note on what was taken.
		const chorale = r.report.find((x) => x.path.endsWith('chor001.krn'));
		expect(chorale?.reason).toMatch(/top voice/);
	});

	it('the erk vocabulary is the reference one: 38 symbols', async () => {
		const root = shared('corpus/essen/deutschl/erk');
		const r = await ingest(drop(root, walk(root)));
		const mapping = JSON.parse(readFileSync(shared('fixtures/seed-keras/mapping.json'), 'utf8'));
		expect([...r.summary.vocabulary].sort()).toEqual(Object.keys(mapping).sort());
		expect(r.summary.kept).toBe(1683);
		expect(r.summary.skipped).toBe(18); // 17 songs and CKSUM
	});
});
