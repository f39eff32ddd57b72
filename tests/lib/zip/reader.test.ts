import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import {
	crc32,
	inflateEntry,
	openZip,
	readZipDirectory,
	zipBudget,
	ZipEntryError,
	ZipError,
	type ZipLimits
} from '../../../src/lib/zip/reader';
import { ingest, type DroppedFile } from '../../../src/lib/corpus/ingest';
import { buildZip, entry, zeroBomb, zeroBombSize } from './zip-build';

const SONG = '!!!OTL: Lied\n**kern\n*M2/4\n*C:\n4c\n4e\n=1\n2g\n==\n*-\n';
const OTHER = '!!!OTL: Anderes\n**kern\n*M2/4\n*C:\n4d\n4f\n=1\n2a\n==\n*-\n';

const dropped = (path: string, bytes: Uint8Array): DroppedFile => ({
	path,
	size: bytes.length,
	read: () => bytes
});

describe('zip directory and entries', () => {
	it('reads what fflate writes, stored and deflated, folders left out', async () => {
		const zip = zipSync({
			'dir/one.krn': [strToU8(SONG), { level: 0 }],
			'dir/two.krn': strToU8(OTHER),
			'dir/sub/': new Uint8Array(0),
			'empty.txt': new Uint8Array(0)
		});
		const files = openZip(zip, 'x.zip');
		expect(files.map((f) => f.entry.name)).toEqual(['dir/one.krn', 'dir/two.krn', 'empty.txt']);
		const texts = await Promise.all(files.map(async (f) => new TextDecoder().decode(await f.read())));
		expect(texts).toEqual([SONG, OTHER, '']);
	});

	it('CRC-32 is the zip one', () => {
		expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
	});

	it('a file that inflates past its declared size is refused after the declared bytes, not inflated', async () => {
		// The bomb: deflate that inflates to ~20 MB while declaring 1,000 bytes.
		const bomb = zeroBomb(20 * 1024 * 1024);
		const zip = buildZip([{ name: 'bomb.krn', data: bomb, method: 8, size: 1000, crc: 0 }]);
		const budget = zipBudget();
		const [f] = openZip(zip, 'b.zip', { budget });
		await expect(f.read()).rejects.toThrow(/more data than the 1000 bytes/);
		expect(budget.unpacked).toBeLessThanOrEqual(1000);
		const r = await ingest([dropped('b.zip', zip)]);
		expect(r.report).toEqual([
			expect.objectContaining({
				path: 'b.zip/bomb.krn',
				status: 'unreadable',
				reason: expect.stringMatching(/damaged/)
			})
		]);
	});

	it('a file whose data does not match its CRC-32 is refused, not kept', async () => {
		const good = entry('song.krn', SONG);
		const zip = buildZip([{ ...good, crc: good.crc ^ 1 }]);
		const r = await ingest([dropped('c.zip', zip)]);
		expect(r.songs).toHaveLength(0);
		expect(r.report[0]).toMatchObject({ status: 'unreadable' });
		expect(r.report[0].reason).toMatch(/checksum \(CRC-32\)/);
		// Declared shorter than its data (the "176 of 320 steps"): refused, not cut.
		const short = buildZip([{ ...good, size: 40 }]);
		const s = await ingest([dropped('s.zip', short)]);
		expect(s.songs).toHaveLength(0);
		expect(s.report[0].reason).toMatch(/more data than the 40 bytes/);
		// Declared longer than its data.
		const long = buildZip([{ ...good, size: good.size + 10 }]);
		await expect(openZip(long, 'l.zip')[0].read()).rejects.toThrow(
			/holds \d+ bytes where its archive declares/
		);
	});

	it('two files with the same name are both read and both reported', async () => {
		const zip = buildZip([entry('dir/song.krn', SONG), entry('dir/song.krn', OTHER), entry('x', 'x')]);
		const r = await ingest([dropped('d.zip', zip)]);
		expect(r.report.map((x) => [x.path, x.status])).toEqual([
			['d.zip/dir/song (2).krn', 'kept'],
			['d.zip/dir/song.krn', 'kept'],
			['d.zip/x', 'skipped']
		]);
		expect(r.report[0].reason).toMatch(/more than one file named dir\/song\.krn/);
		expect(r.songs.map((s) => s.title).sort()).toEqual(['Anderes', 'Lied']);
		expect(r.summary.files).toBe(3);
	});

	it('limits hold for the whole drop, counted as bytes come out; the rest is skipped with a reason', async () => {
		const a = buildZip([entry('a1.krn', SONG), entry('a2.krn', SONG)]);
		const b = buildZip([entry('b1.krn', OTHER), entry('b2.krn', OTHER)]);
		const limits: ZipLimits = {
			maxUnpackedBytes: 2 * SONG.length + OTHER.length,
			maxEntries: 100,
			maxArchiveBytes: 1 << 20
		};
		const r = await ingest(
			[dropped('a.zip', a), dropped('b.zip', b)],
			undefined,
			undefined,
			undefined,
			limits
		);
		expect(r.report.map((x) => x.status)).toEqual(['kept', 'kept', 'kept', 'skipped']);
		expect(r.report[3].reason).toMatch(/this import has already unpacked .* and the limit is/);
		// Entries count across archives.
		const few = await ingest([dropped('a.zip', a), dropped('b.zip', b)], undefined, undefined, undefined, {
			...limits,
			maxUnpackedBytes: 1 << 20,
			maxEntries: 3
		});
		expect(few.report.map((x) => [x.path, x.status])).toEqual([
			['a.zip/a1.krn', 'kept'],
			['a.zip/a2.krn', 'kept'],
			['b.zip', 'unreadable']
		]);
		expect(few.report[2].reason).toMatch(/more than the limit of 3/);
		// Archive bytes across archives: the second archive is refused before it is read.
		let readB = false;
		const big = await ingest(
			[dropped('a.zip', a), { path: 'b.zip', size: b.length, read: () => ((readB = true), b) }],
			undefined,
			undefined,
			undefined,
			{ ...limits, maxUnpackedBytes: 1 << 20, maxArchiveBytes: a.length + 10 }
		);
		expect(readB).toBe(false);
		expect(big.report.at(-1)).toMatchObject({ path: 'b.zip', status: 'unreadable' });
	});

	it('an archive is listed, not unpacked, until its files are read', async () => {
		const bomb = buildZip([{ name: 'z.krn', data: zeroBomb(1 << 20), method: 8, size: 1 << 20, crc: 0 }]);
		const budget = zipBudget();
		const files = openZip(bomb, 'z.zip', { budget });
		expect(files[0].entry.size).toBe(1 << 20);
		expect(budget.unpacked).toBe(0);
	});

	it('is cancelled while inflating one large file', async () => {
		const size = zeroBombSize(64 * 1024 * 1024);
		const zip = buildZip([{ name: 'big.bin', data: zeroBomb(size), method: 8, size, crc: 0 }]);
		const [e] = readZipDirectory(zip, 'big.zip');
		// Aborted from inside the work, at its first inflated piece, so the outcome never depends on speed.
		const c = new AbortController();
		const budget = zipBudget();
		let unpacked = 0;
		Object.defineProperty(budget, 'unpacked', {
			get: () => unpacked,
			set: (v: number) => {
				unpacked = v;
				if (v > 0) c.abort(new Error('stop'));
			}
		});
		await expect(inflateEntry(zip, e, 'big.zip/big.bin', { budget, signal: c.signal })).rejects.toThrow(
			'stop'
		);
		expect(budget.unpacked).toBeLessThan(size);
	});

	it('names damaged, encrypted and foreign archives and files', async () => {
		const good = buildZip([entry('song.krn', SONG)]);
		expect(() => readZipDirectory(good.subarray(0, good.length - 30), 't.zip')).toThrow(ZipError);
		expect(() => readZipDirectory(strToU8('nope'), 'junk.zip')).toThrow(
			/junk\.zip is not a readable zip archive/
		);
		const cut = good.subarray(0, 20);
		expect(() => readZipDirectory(cut, 'cut.zip')).toThrow(/cut short/);
		const enc = buildZip([{ ...entry('s.krn', SONG), flags: 1 }]);
		await expect(openZip(enc, 'e.zip')[0].read()).rejects.toThrow(/encrypted/);
		const bz = buildZip([{ ...entry('s.krn', SONG), method: 12 }]);
		await expect(openZip(bz, 'b.zip')[0].read()).rejects.toThrow(/zip method 12/);
		const garbage = buildZip([{ ...entry('s.krn', SONG), data: new Uint8Array([0xff, 0xff, 0xff]) }]);
		const err = await openZip(garbage, 'g.zip')[0]
			.read()
			.catch((e) => e);
		expect(err).toBeInstanceOf(ZipEntryError);
		expect(err.status).toBe('unreadable');
		expect(err.message).toMatch(/g\.zip\/s\.krn is damaged/);
	});
});
