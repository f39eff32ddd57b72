import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { ingest, type DroppedFile } from '../../../src/lib/corpus/ingest';
import { readAbc } from '../../../src/lib/notation/abc-in';
import { repoRoot } from '../../shared';
import { abc2midiNotes, firstDifference, hasAbc2midi, readerNotes } from '../notation/abc2midi';

const FIXTURE = join(repoRoot, 'tests/fixtures/abc/features.abc');
const bytes = new Uint8Array(readFileSync(FIXTURE));
const drop = (path: string, b: Uint8Array): DroppedFile => ({ path, size: b.length, read: () => b });

describe('ABC files in a corpus import', () => {
	it('gives one report row per tune, named by file, X: and T:, and kept + skipped + unreadable = tunes', async () => {
		const tunes = (readFileSync(FIXTURE, 'utf8').match(/^X:/gm) ?? []).length;
		const r = await ingest([drop('book.abc', bytes)]);
		expect(r.report.length).toBe(tunes);
		expect(r.summary.kept + r.summary.skipped + r.summary.unreadable).toBe(tunes);
		expect(r.report.map((x) => x.tune)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(new Set(r.report.map((x) => x.path)).size).toBe(tunes);
		for (const row of r.report) {
			expect(row).toMatchObject({ file: 'book.abc', format: 'abc' });
			if (row.status !== 'kept') expect(row.reason).toMatch(new RegExp(`^X:${row.tune} "${row.title}": `));
		}
		const byTitle = Object.fromEntries(r.report.map((x) => [x.title, x]));
		expect(byTitle['No Key Field'].status).toBe('skipped');
		expect(byTitle['Five Eighths'].reason).toMatch(/not one of the values the reference encoding keeps/);
		expect(byTitle['Rests Only'].reason).toMatch(/no notes/);
		expect(byTitle['The Test Reel'].reason).toMatch(/grace note dropped/);
		expect(byTitle['Two Voices'].reason).toMatch(/first voice of 2/i);
		expect(r.songs.length).toBe(r.summary.kept);
		const reel = r.songs.find((s) => s.title === 'The Test Reel');
		expect(reel).toMatchObject({ file: 'book.abc', tune: 1, key: 'a:dor', transposition: 0, meter: '4/4' });
		expect(reel?.chords?.[0]).toEqual({ at: 0, name: 'Am' });
		// Mixolydian D moves to C, like a major key; E minor to A minor.
		expect(r.songs.find((s) => s.tune === 2)?.transposition).toBe(-2);
		expect(r.songs.find((s) => s.tune === 10)).toMatchObject({ key: 'e', transposition: 5 });
	});

	it('reads ABC beside kern and inside zips; --keep-key keeps the written key', async () => {
		const kern = strToU8('**kern\n*M2/4\n*G:\n4g\n4a\n=\n2b\n*-\n');
		const zip = zipSync({ 'tunes/book.abc': bytes, 'song.krn': kern });
		const r = await ingest([drop('drop.zip', zip)]);
		expect(r.report.filter((x) => x.format === 'abc').length).toBe(10);
		expect(r.report.find((x) => x.path === 'drop.zip/song.krn')?.status).toBe('kept');
		const kept = await ingest([drop('book.abc', bytes)], { keepKey: true, quantizeTuplets: false });
		expect(kept.songs.every((s) => s.transposition === 0)).toBe(true);
	});

	it.skipIf(!hasAbc2midi())('plays every kept tune note for note as abc2midi does (repeats expanded)', () => {
		const r = readAbc(bytes);
		if (!r.ok) throw new Error(r.reason);
		let compared = 0;
		for (const t of r.tunes) {
			if (!t.ok || t.tune === undefined) continue;
			const theirs = abc2midiNotes(FIXTURE, t.tune);
			expect(theirs, `abc2midi wrote nothing for X:${t.tune}`).not.toBeNull();
			expect(firstDifference(readerNotes(t.song.events), theirs ?? []), `X:${t.tune}`).toBeNull();
			compared++;
		}
		expect(compared).toBe(8);
	});
});
if (!hasAbc2midi())
	console.warn('SKIP: abc2midi (Debian abcmidi) is not installed; the ABC comparison is skipped.');
