import { describe, expect, it } from 'vitest';
import { fromEvents, toEvents, toNotes } from '../../../src/lib/formats/notes';
import { hasShared } from '../../shared';
import { erkSongs } from './fixtures';

describe('symbols and note events', () => {
	it('turns runs into notes and rests with start and length', () => {
		expect(toEvents('60 _ _ _ r _ 62 64 _ /  65'.split(/\s+/))).toEqual([
			{ pitch: 60, start: 0, length: 4, index: 0 },
			{ pitch: null, start: 4, length: 2, index: 4 },
			{ pitch: 62, start: 6, length: 1, index: 6 },
			{ pitch: 64, start: 7, length: 2, index: 7 }
		]);
		expect(toNotes(['r', '_', '60'])).toEqual([{ pitch: 60, start: 2, length: 1, index: 2 }]);
	});

	it('keeps the time of a hold with nothing before it, as silence', () => {
		expect(toEvents(['_', '_', '60'])).toEqual([
			{ pitch: null, start: 0, length: 2, index: 0 },
			{ pitch: 60, start: 2, length: 1, index: 2 }
		]);
	});

	it('fills gaps with rests when going back to symbols', () => {
		expect(fromEvents([{ pitch: 60, start: 2, length: 2 }], 6)).toEqual(['r', '_', '60', '_', 'r', '_']);
		expect(fromEvents([{ pitch: 60, start: 0, length: 1 }], 4, [1, 3])).toEqual(['60', 'r', '_', 'r']);
	});

	it.skipIf(!hasShared())('gives back every erk song exactly', () => {
		for (const song of erkSongs()) expect(fromEvents(toEvents(song), song.length)).toEqual(song);
	});
});
