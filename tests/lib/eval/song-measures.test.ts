import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
	DEGREES,
	degreeOf,
	FEATURE_NAMES,
	measureTune,
	summariseTunes
} from '../../../src/lib/eval/song-measures';
import { compareSongs, matchReference } from '../../../src/lib/eval/song-compare';
import { realSong, type RealSong } from '../../../src/lib/eval/melody-stats';
import { barContext } from '../../../src/lib/model/features';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { Rng } from '../../../src/lib/model/rng';
import { hasShared, shared } from '../../shared';

const bar = (s: string) => s.split(' ');
// Bars in 2/4 (8 steps each).
const A = bar('60 _ 62 _ 64 _ 60 _');
const B = bar('67 _ _ _ 65 _ _ _');
const C = bar('64 _ 62 _ 60 _ _ _');
const D = bar('62 _ _ _ 67 _ _ _');

describe('a tune measured as a whole', () => {
	it('counts repeated bars and phrases, the distance back and the phrase endings of a hand-made tune', () => {
		// A B A B | C D C B: bars 3, 4 repeat 1, 2 (2 back); bar 7 repeats 5 (2 back), bar 8 repeats bar 4, the nearest B (4 back).
		const m = measureTune({
			symbols: [...A, ...B, ...A, ...B, ...C, ...D, ...C, ...B],
			bar: barContext('2/4', 0)!
		});
		expect(m.bars).toBe(8);
		expect(m.barRepeats).toBe(4);
		expect(m.repeatDistances).toEqual([2, 2, 2, 4]);
		// Two-bar phrases AB AB CD CB: one repeat; four-bar ABAB CDCB: none.
		expect([m.phrases2, m.phrase2Repeats, m.phrases4, m.phrase4Repeats]).toEqual([4, 1, 2, 0]);
		// Each two-bar phrase ends on the last note begun in it: F (4th), F, G (5th), F.
		expect(m.phraseEnds2.map((d) => DEGREES[d])).toEqual(['4', '4', '5', '4']);
		expect(m.phraseEnds4.map((d) => DEGREES[d])).toEqual(['4', '4']);
		expect(DEGREES[m.lastDegree]).toBe('4');
		// 4 + 2 + 4 + 2 + 3 + 2 + 3 + 2 notes in 8 bars; 64 steps.
		expect(m.notes).toBe(22);
		expect(m.notesPerBar).toBeCloseTo(22 / 8);
		expect(m.meanNoteLength).toBeCloseTo(64 / 22);
		expect(m.upbeat).toBe(false);
		expect(m.features).toHaveLength(FEATURE_NAMES.length);
	});

	it('leaves the pickup and the short last bar out of the bars, and reads degrees in minor from A', () => {
		// A one-beat pickup in 2/4, two full bars, then the 4 steps the pickup left.
		const tune = bar('69 _ _ _ 72 _ 71 _ 69 _ 67 _ 72 _ 71 _ 69 _ 68 _ 69 _ _ _');
		const m = measureTune({ symbols: tune.slice(0, 24), bar: barContext('2/4', 4)! });
		expect(m.upbeat).toBe(true);
		expect(m.bars).toBe(2);
		expect(m.tonic).toBe(9);
		expect(DEGREES[m.lastDegree]).toBe('1');
		expect(degreeOf(68, 9)).toBe(6); // G# in A minor: the raised 7th.
		expect(degreeOf(61, 0)).toBe(7); // C# in C major: no degree of the scale.
	});

	it('pools tunes by notes and bars, not by tunes', () => {
		const one = measureTune({ symbols: [...A, ...A], bar: barContext('2/4', 0)! });
		const two = measureTune({ symbols: [...B, ...C, ...D, ...C], bar: barContext('2/4', 0)! });
		const s = summariseTunes([one, two]);
		expect(s.notesPerBar).toBeCloseTo((8 + 10) / 6);
		expect(s.barRepeats).toBeCloseTo(2 / 6);
		expect(s.endsOnTonic).toBe(0.5);
	});
});

describe.skipIf(!hasShared())('songs compared within one collection', () => {
	const kinder = () => shared('corpus', 'essen', 'deutschl', 'kinder');
	async function songs(re: RegExp): Promise<RealSong[]> {
		const files = readdirSync(kinder())
			.filter((f) => re.test(f))
			.map((f) => join(kinder(), f));
		const { songs } = await ingest(dropFromPaths(files));
		return songs.map(realSong).filter((s): s is RealSong => s !== null);
	}

	it('cannot tell real songs from real songs, and tells tunes of random notes at once', async () => {
		const held = await songs(/[13579]\.krn$/);
		const reference = await songs(/[02468]\.krn$/);
		expect(held.length).toBeGreaterThan(90);
		// Matched by meter, lengths as close as the pool allows.
		const matched = matchReference(held, reference, 1);
		for (const [i, r] of matched.entries()) if (r) expect(r.meter).toBe(held[i].meter);
		const rng = new Rng(7);
		const pitches = ['60', '62', '64', '65', '67', '69', '71', '72', '_', '_', '_'];
		const random = held.map((h) => ({
			symbols: h.symbols.map((_, i) => (i === 0 ? '60' : pitches[rng.int(pitches.length)])),
			bar: h.bar
		}));
		const r = compareSongs(held, random, reference, { seed: 1 });
		expect(r.classifier.referenceVsHeld.accuracy).toBeLessThan(0.65);
		expect(r.classifier.generatedVsHeld.accuracy).toBeGreaterThan(0.9);
		expect(r.meters.map((m) => m.meter)).toContain('2/4');
		// The held-out songs compared with themselves: every figure the same.
		const self = compareSongs(held, held, reference, { seed: 1 });
		expect(self.all.generated).toEqual(self.all.held);
	});
});
