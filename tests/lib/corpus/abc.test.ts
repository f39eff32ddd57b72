import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { ingest, type DroppedFile } from '../../../src/lib/corpus/ingest';
import { readAbc } from '../../../src/lib/notation/abc-in';
import { processAbc } from '../../../src/lib/corpus/abc';
import { toAbc } from '../../../src/lib/formats/abc';
import { toNotes } from '../../../src/lib/formats/notes';
import { KneserNeyModel } from '../../../src/lib/ngram/kneser-ney';
import { scoreStepModel } from '../../../src/lib/eval/score';
import { DEFAULT_METER, parseMeter } from '../../../src/lib/music/meter';
import { hasShared, repoRoot, shared } from '../../shared';
import { abcBook, erkSongs } from './erk-abc';
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

const notesOf = (symbols: string[]) =>
	toNotes(symbols)
		.filter((n) => n.pitch !== null)
		.map(({ pitch, start, length }) => ({ pitch, start, length }));

describe('ABC read back', () => {
	it('plays a tie as one note and a chord by its highest note, in the model’s key', async () => {
		const r = await ingest([drop('book.abc', bytes)]);
		// X:9 in D: [DFA]2 ^c2-|c2 =c2|d4 — down a tone to C, the tied C♯ held over the bar line.
		const song = r.songs.find((s) => s.tune === 9);
		expect(song?.symbols.join(' ')).toBe('67 _ _ _ 71 _ _ _ _ _ _ _ 70 _ _ _ 72 _ _ _ _ _ _ _');
	});

	it('reads the app’s own ABC export of real kern songs back note for note', async () => {
		// 300 erk songs from ../shared, else the demo songs the app ships.
		const dir = hasShared()
			? shared('corpus/essen/deutschl/erk')
			: join(repoRoot, 'static/demo/deutschl/kinder');
		const files = readdirSync(dir)
			.filter((f) => f.endsWith('.krn'))
			.sort()
			.slice(0, 300);
		const kern = await ingest(files.map((f) => drop(f, new Uint8Array(readFileSync(join(dir, f))))));
		expect(kern.songs.length).toBeGreaterThan(hasShared() ? 250 : 5);
		for (const s of kern.songs) {
			const meter = parseMeter(s.meter) ?? DEFAULT_METER;
			const pickup = s.barPhase ? meter.stepsPerBar - s.barPhase : 0;
			const abc = toAbc(s.symbols, { meter, pickup, title: s.title ?? s.path });
			const back = processAbc(`${s.path}.abc`, strToU8(abc));
			expect(back.reports[0].status, `${s.path}: ${back.reports[0].reason}`).toBe('kept');
			// Notes (pitch, start, length); a rest over a bar line comes back as two rests, the same silence.
			expect(notesOf(back.songs[0].symbols), s.path).toEqual(notesOf(s.symbols));
			expect(back.songs[0].symbols.length, s.path).toBe(s.symbols.length);
			expect(back.songs[0].barPhase ?? 0, s.path).toBe(s.barPhase ?? 0);
		}
	});
});

describe('a kern corpus exported as ABC and read back', () => {
	it.skipIf(!hasShared())(
		'learns to the same held-out bits (Kneser-Ney baseline, within 1 %)',
		async () => {
			const kern = await erkSongs();
			// The whole corpus as one ABC book, one tune per song.
			const book = abcBook(kern);
			const abc = (await ingest([drop('erk.abc', strToU8(book))])).songs;
			expect(abc.length).toBe(kern.length);
			const heldOut = (songs: { symbols: string[] }[]) => {
				// Every tenth song held out, the same songs on both sides.
				const train = songs.filter((_, i) => i % 10 !== 0).map((s) => s.symbols);
				const test = songs.filter((_, i) => i % 10 === 0).map((s) => s.symbols);
				return scoreStepModel(KneserNeyModel.train(train, { order: 6 }), test).bitsPerStep;
			};
			const a = heldOut(kern);
			const b = heldOut(abc);
			expect(Math.abs(a - b) / a).toBeLessThan(0.01);
		},
		120_000
	);
});

describe('real melodies through abc2midi', () => {
	it.skipIf(!hasShared() || !hasAbc2midi())(
		'every tenth erk song, written by the app as ABC, plays note for note as abc2midi (Debian abcmidi) plays it',
		async () => {
			const kern = await erkSongs(10);
			const book = abcBook(kern);
			const path = join(mkdtempSync(join(tmpdir(), 'erk-abc-')), 'erk.abc');
			writeFileSync(path, book);
			const read = readAbc(book);
			if (!read.ok) throw new Error(read.reason);
			let compared = 0;
			for (const t of read.tunes) {
				if (!t.ok || t.tune === undefined) throw new Error(`X:${t.tune} not read`);
				const theirs = abc2midiNotes(path, t.tune);
				expect(
					firstDifference(readerNotes(t.song.events), theirs ?? []),
					`X:${t.tune} ${t.title}`
				).toBeNull();
				compared++;
			}
			expect(compared).toBe(kern.length);
			expect(compared).toBeGreaterThan(150);
		},
		300_000
	);
});
