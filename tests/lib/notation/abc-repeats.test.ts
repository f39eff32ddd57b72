/**
 * Repeats as tune books write them loosely (a lone `:|` after a second ending, endings in a section with
 * no `|:`, a `||` inside a repeat, trills and mordents): each tune of tests/fixtures/abc/repeats.abc plays
 * as its twin with every repeat written out (X:n and X:1n), by this reader and, where Debian's abcmidi is
 * installed, by abc2midi reading a copy with the implied `|:` written out (the stated rule of
 * docs/formats-in.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAbc, type AbcTuneResult } from '../../../src/lib/notation/abc-in';
import { abc2midiNotes, firstDifference, hasAbc2midi, readerNotes, writeImpliedRepeats } from './abc2midi';

const FIXTURE = 'tests/fixtures/abc/repeats.abc';
const text = readFileSync(FIXTURE, 'utf8');
const read = readAbc(text);
if (!read.ok) throw new Error(read.reason);
const tunes = read.tunes;
const tune = (x: number) => {
	const t = tunes.find((t) => t.tune === x) as AbcTuneResult;
	if (!t.ok) throw new Error(`X:${x} not read: ${t.reason}`);
	return t;
};
const LOOSE = [1, 2, 3, 4];

describe('loose repeats', () => {
	it('play as the same tune with its repeats written out', () => {
		for (const x of LOOSE) {
			const loose = readerNotes(tune(x).song.events);
			const plain = readerNotes(tune(x + 10).song.events);
			expect(loose.length, `X:${x}`).toBeGreaterThan(0);
			expect(firstDifference(loose, plain), `X:${x}`).toBeNull();
		}
		// The second section is played twice: 55 notes, not the 40 of one pass nor the 64 of three.
		expect(readerNotes(tune(1).song.events)).toHaveLength(55);
	});

	it('writes the implied |: (and a last ending closed with :| as ||) for abc2midi', () => {
		const out = writeImpliedRepeats(text).text.split('\n');
		expect(out).toContain(' |: D2|G2B2 d2B2|c2A2 F2D2|1 G2B2 A2D2:|');
		expect(out).toContain('|2 G2B2 G4|| |: ');
		expect(out).toContain('a2f d2f|g2e e2g|1 f2d e2g:|2 f2d d3||');
		// A tune whose repeats are written out is left as it is.
		expect(out).toContain('|:B2d2 g2d2|e2c2 A2F2|G2B2 d2c2|B2A2 G4:|');
	});

	it.skipIf(!hasAbc2midi())('abc2midi plays each as this reader does under the stated rule', () => {
		for (const x of LOOSE) {
			const theirs = abc2midiNotes(FIXTURE, x, true);
			expect(theirs, `abc2midi wrote nothing for X:${x}`).not.toBeNull();
			expect(firstDifference(readerNotes(tune(x).song.events), theirs ?? []), `X:${x}`).toBeNull();
			const plain = abc2midiNotes(FIXTURE, x + 10);
			expect(firstDifference(readerNotes(tune(x + 10).song.events), plain ?? []), `X:${x + 10}`).toBeNull();
		}
	});
});
if (!hasAbc2midi())
	console.warn('SKIP: abc2midi (Debian abcmidi) is not installed; the loose-repeat comparison is skipped.');
