import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSeed, seedFromSong, nearestPitches, knownPitches } from '../../../src/lib/generate/seed';
import { parseMeter } from '../../../src/lib/music/meter';
import { hasShared, shared } from '../../shared';
import { referenceVocabulary } from './tiny-model';

describe.skipIf(!hasShared())('seed input against the reference vocabulary', () => {
	const vocab = referenceVocabulary();

	it('reads the notation, pitch names and hold spellings', () => {
		const { symbols, problems } = parseSeed('67 _ G4 - 65 r .', vocab);
		expect(problems).toEqual([]);
		expect(symbols).toEqual(['67', '_', '67', '_', '65', 'r', '_']);
	});

	it('names the nearest known pitches for a pitch the model does not know', () => {
		const known = knownPitches(vocab);
		// 46 lies between 45 and 47 in erk's vocabulary; 90 is above its top pitch (81).
		expect(known).not.toContain(46);
		const { symbols, problems } = parseSeed('60 _ 46 _ 90', vocab);
		expect(symbols).toEqual(['60', '_', '_']);
		expect(problems).toHaveLength(2);
		expect(problems[0].token).toBe('46');
		expect(problems[0].message).toContain('45 (A2)');
		expect(problems[0].message).toContain('47 (B2)');
		expect(problems[1].message).toContain(`${known.at(-1)}`);
		expect(nearestPitches(90, known)).toEqual([known.at(-1)]);
	});

	it('explains a leading hold, an end symbol and a word that is no note', () => {
		const { problems } = parseSeed('_ 60 / xyz', vocab);
		expect(problems.map((p) => p.token)).toEqual(['_', '/', 'xyz']);
		for (const p of problems) expect(p.message).toMatch(/\.$/);
	});

	it('takes the first N bars of a corpus song in its meter', () => {
		const symbols = readFileSync(shared('fixtures', 'music21-erk', '0'), 'utf8')
			.trim()
			.split(' ');
		const song = { path: 'erk/0', meter: '3/4', transposition: 0, symbols };
		expect(seedFromSong(song, 2)).toEqual(symbols.slice(0, 24));
		expect(seedFromSong({ ...song, meter: 'MX' }, 1)).toEqual(symbols.slice(0, 16));
		expect(seedFromSong(song, 0)).toEqual([]);
		// After a quarter-note pickup (phase 8 of 12) the seed is the pickup and two whole bars.
		expect(seedFromSong({ ...song, barPhase: 8 }, 2)).toEqual(symbols.slice(0, 4 + 24));
	});
});

describe('meters', () => {
	it('reads numeric meters into 16ths per bar and refuses free ones', () => {
		expect(parseMeter('3/4')?.stepsPerBar).toBe(12);
		expect(parseMeter('*M6/8')?.stepsPerBar).toBe(12);
		expect(parseMeter('2/2')?.stepsPerBar).toBe(16);
		expect(parseMeter('MX')).toBeNull();
		expect(parseMeter('3/32')).toBeNull();
	});
});
