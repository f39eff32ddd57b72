import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import createVerovioModule from 'verovio/wasm-hum';
import { VerovioToolkit, enableLogToBuffer } from 'verovio/esm';
import {
	addBeams,
	engrave,
	notesFromKern,
	notesFromTimemap,
	type Toolkit
} from '../../../src/lib/score/engrave';
import { parseMeter } from '../../../src/lib/music/meter';
import { songKey, songScore } from '../../../src/lib/score/song';
import { findKey } from '../../../src/lib/formats/key';
import { fromKern } from '../../../src/lib/formats/kern';
import { toNotes } from '../../../src/lib/formats/notes';
import { readKern } from '../../../src/lib/kern/reader';
import { encodeSong } from '../../../src/lib/encoding/encode';
import type { EncodedSong } from '../../../src/lib/encoding/song';
import { repoRoot } from '../../shared';

let toolkit: Toolkit;
beforeAll(async () => {
	const module = await createVerovioModule();
	enableLogToBuffer(true, module);
	toolkit = new VerovioToolkit(module);
});

/** Ids of the SVG's note elements, in document order. */
function svgNotes(svg: string): string[] {
	return [...svg.matchAll(/<g id="([^"]+)" class="note"/g)].map((m) => m[1]);
}

/** Checks that every SVG note belongs to exactly one melody note and every melody note has one. */
function expectComplete(svg: string, notes: string[][], symbols: string[]) {
	expect(notes).toHaveLength(toNotes(symbols).length);
	expect(notes.every((ids) => ids.length > 0)).toBe(true);
	expect(notes.flat().sort()).toEqual(svgNotes(svg).sort());
}

/** The demo corpus the repository ships (a sample of Essen), encoded by the project's reader. */
function demoSongs(): EncodedSong[] {
	const dir = join(repoRoot, 'static', 'demo');
	const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.krn')).sort();
	return files.flatMap((f) => {
		const read = readKern(readFileSync(join(dir, f)), f);
		if (!read.ok) return [];
		const encoded = encodeSong(read.song);
		return encoded.status === 'kept' ? [encoded.song] : [];
	});
}

describe('notes from the timemap', () => {
	it('gives tied pieces to the note they continue and skips entries that only end notes', () => {
		const notes = [
			{ start: 0, length: 4 },
			{ start: 4, length: 12 },
			// a rest from 16 to 20
			{ start: 20, length: 2 }
		];
		const timemap = [
			{ qstamp: 0, tstamp: 0, on: ['a'] },
			{ qstamp: 1, tstamp: 500, on: ['b'], off: ['a'] },
			{ qstamp: 3, tstamp: 1500, on: ['b2'], off: ['b'] },
			{ qstamp: 4, tstamp: 2000, off: ['b2'] },
			{ qstamp: 5, tstamp: 2500, on: ['c'] }
		];
		expect(notesFromTimemap(timemap, notes)).toEqual([['a'], ['b', 'b2'], ['c']]);
		// Order of the entries does not matter.
		expect(notesFromTimemap([...timemap].reverse(), notes)).toEqual([['a'], ['b', 'b2'], ['c']]);
	});
});

describe('notes from the kern lines', () => {
	it('names each note after its line and joins tied pieces, skipping rests and records', () => {
		const kern = [
			'!!!OTL: x',
			'**kern',
			'*M2/4',
			'4c',
			'=1',
			'[4d',
			'8d_',
			'8d]',
			'8r',
			'=2',
			'2e',
			'==',
			'*-'
		].join('\n');
		expect(notesFromKern(kern)).toEqual([
			['note-L4F1'],
			['note-L6F1', 'note-L7F1', 'note-L8F1'],
			['note-L11F1']
		]);
	});
});

describe('beams', () => {
	const beams = (lines: string[], meter: string, pickup = 0) =>
		addBeams(lines.join('\n'), parseMeter(meter)!, pickup).split('\n');

	it('groups the eighths and 16ths of each beat, broken by rests, longer notes and barlines', () => {
		expect(
			beams(
				[
					'**kern',
					'*M2/4',
					'8c',
					'8d',
					'16e',
					'16f',
					'8g',
					'=1',
					'8a',
					'8r',
					'4b',
					'=2',
					'8c',
					'4d',
					'8e',
					'=='
				],
				'2/4'
			)
		).toEqual([
			'**kern',
			'*M2/4',
			'8cL',
			'8dJ',
			'16eL',
			'16f',
			'8gJ',
			'=1',
			'8a',
			'8r',
			'4b',
			'=2',
			'8c',
			'4d',
			'8e',
			'=='
		]);
	});

	it('beams three eighths to a dotted quarter in 6/8, and counts an upbeat from its place in the bar', () => {
		expect(beams(['8c', '8d', '8e', '8f', '8g', '8a'], '6/8')).toEqual([
			'8cL',
			'8d',
			'8eJ',
			'8fL',
			'8g',
			'8aJ'
		]);
		// 3/4 with two eighths of upbeat: they fill the last beat of their bar together.
		expect(beams(['8g', '8a', '=1', '4b', '8c', '8d'], '3/4', 4)).toEqual([
			'8gL',
			'8aJ',
			'=1',
			'4b',
			'8cL',
			'8dJ'
		]);
	});

	it('never carries a beam over a beat', () => {
		// 4/4: dotted eighth + eighth crosses into beat 2, whose 16th starts a new group.
		expect(beams(['8.c', '8d', '16e', '16f', '8g'], '4/4')).toEqual(['8.cL', '8dJ', '16eL', '16f', '8gJ']);
	});
});

describe('engraving with Verovio', () => {
	it('draws a melody in its meter, key and upbeat, with a tied note as one note', () => {
		// 3/4 with a quarter upbeat; the D5 is a dotted half tied over the barline into a quarter.
		const symbols = '67 _ _ _ 72 _ _ _ 71 _ 69 _ 74 _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 72 _ _ _ r _ _ _'.split(
			' '
		);
		const out = engrave(toolkit, { symbols, meter: '3/4', key: findKey('G major'), pickup: 4, width: 600 });
		expect(out.kern).toContain('*M3/4');
		expect(out.kern).toContain('*G:');
		expectComplete(out.svg, out.notes, symbols);
		expect(out.notes.map((ids) => ids.length)).toEqual([1, 1, 1, 1, 2, 1]);
		// One sharp in the signature, a 3/4 time signature, four measures (upbeat, two full, the last).
		expect(out.svg.match(/class="keyAccid"/g)).toHaveLength(1);
		expect(out.svg).toContain('class="meterSig"');
		expect(out.svg.match(/class="measure"/g)).toHaveLength(4);
		expect(out.svg.match(/class="rest"/g)).toHaveLength(1);
		// No instrument name ("Voice") before the staff.
		expect(out.svg).not.toMatch(/>\s*Voice\s*</);
	});

	it('fits 32 bars into one page the width of a phone, growing downwards', () => {
		const bar = '60 _ _ _ 62 _ 64 _ 65 _ _ _ 67 _ _ _'.split(' ');
		const symbols = Array.from({ length: 32 }, () => bar).flat();
		// The note ids come from the kern lines: no timemap is rendered for them.
		let timemaps = 0;
		const counting: Toolkit = {
			setOptions: (o) => toolkit.setOptions(o),
			loadData: (d) => toolkit.loadData(d),
			getLog: () => toolkit.getLog(),
			renderToSVG: (p) => toolkit.renderToSVG(p),
			renderToTimemap: (o) => (timemaps++, toolkit.renderToTimemap(o))
		};
		const out = engrave(counting, { symbols, meter: '4/4', width: 340 });
		expect(timemaps).toBe(0);
		expectComplete(out.svg, out.notes, symbols);
		expect(out.svg.match(/class="measure"/g)).toHaveLength(32);
		const [, , w, h] = /viewBox="([\d.\s-]+)"/.exec(out.svg)![1].split(/\s+/).map(Number);
		expect(h).toBeGreaterThan(w * 2);
	});

	it('draws every demo corpus song in its own key, meter and upbeat, each note mapped', () => {
		const songs = demoSongs();
		expect(songs.length).toBeGreaterThan(20);
		let beamed = 0;
		for (const song of songs) {
			const score = songScore(song);
			const out = engrave(toolkit, { ...score, width: 800 });
			expectComplete(out.svg, out.notes, song.symbols);
			// The ids read from the kern lines are the ones Verovio's own timemap gives.
			expect(out.notes).toEqual(notesFromTimemap(toolkit.renderToTimemap(), toNotes(song.symbols)));
			// The engraved file is the song as written: the reader brings it back to the same encoding.
			const back = fromKern(out.kern);
			expect(back.symbols, song.path).toEqual(song.symbols);
			expect(back.transposition, song.path).toBe(song.transposition);
			if (score.meter) expect(out.kern).toContain(`*M${score.meter}`);
			beamed += (out.svg.match(/class="beam"/g) ?? []).length;
		}
		// Eighths come beamed, as in a printed tune book.
		expect(beamed).toBeGreaterThan(songs.length);
	});

	it('throws a sentence when the toolkit cannot read the data', () => {
		const broken: Toolkit = {
			...toolkit,
			setOptions: () => {},
			loadData: () => false,
			getLog: () => '[Error] something odd\nmore',
			renderToSVG: () => '',
			renderToTimemap: () => []
		};
		expect(() => engrave(broken, { symbols: ['60', '_'], width: 300 })).toThrow(
			/could not be drawn \(Verovio: \[Error\] something odd\)/
		);
	});
});

describe('a corpus song’s key', () => {
	it('is the written key with the shift back from C major / A minor', () => {
		expect(songKey({ key: 'G', transposition: -7, symbols: [] })).toMatchObject({
			name: 'G major',
			fifths: 1,
			shift: 7
		});
		expect(songKey({ key: 'e', transposition: 5, symbols: [] })).toMatchObject({
			name: 'E minor',
			shift: -5
		});
		// Without a written key: the mode from the melody, the tonic from the shift.
		const minor = '69 _ 72 _ 76 _ 69 _ 71 _ 72 _ 69 _ _ _'.split(' ');
		expect(songKey({ transposition: 2, symbols: minor })).toMatchObject({ name: 'G minor', shift: -2 });
	});
});
