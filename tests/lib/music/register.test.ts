import { describe, expect, it } from 'vitest';
import { DEFAULT_RANGE, VOICE_RANGES, ledgerLines, octavesInto } from '../../../src/lib/music/register';
import { VOICES } from '../../../src/lib/playback/voices';

describe('a tune placed in a voice’s range', () => {
	it('has a range for every voice the page plays', () => {
		for (const v of VOICES) expect(VOICE_RANGES[v.id], v.id).toBeDefined();
	});

	it('counts ledger lines on the treble staff', () => {
		expect([62, 64, 77, 79].map(ledgerLines)).toEqual([0, 0, 0, 0]);
		expect([60, 59, 57, 81].map(ledgerLines)).toEqual([1, 1, 2, 1]);
	});

	it('moves a tune around middle C up an octave when a key a fifth down would sink it below the staff', () => {
		// Around C4 to A4 (as the model writes), moved to F major (shift 5): F4–D5 fits the staff, no octave.
		const tune = ['60', '_', '62', '64', '65', '67', '69', '67', '64', '60'];
		expect(octavesInto(tune, 5, DEFAULT_RANGE)).toBe(0);
		// In B♭ major (shift 10) it would sit B♭4–G5: still on the staff. Moved down to G (shift −5) it would
		// start on G3: an octave up reads better, and a flute cannot play G3 at all.
		expect(octavesInto(tune, -5, VOICE_RANGES.flute)).toBe(12);
		for (const shift of [-9, -5, 0, 5, 11]) {
			const moved = tune.map((s) =>
				/^\d+$/.test(s) ? Number(s) + shift + octavesInto(tune, shift, VOICE_RANGES.flute) : null
			);
			for (const p of moved.filter((p): p is number => p !== null)) {
				expect(p).toBeGreaterThanOrEqual(VOICE_RANGES.flute.low);
				expect(p).toBeLessThanOrEqual(VOICE_RANGES.flute.high);
			}
		}
	});
});
