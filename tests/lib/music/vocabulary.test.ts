import { describe, expect, it } from 'vitest';
import { buildVocabulary } from '../../../src/lib/music/vocabulary';
import { HOLD, REST, SONG_END } from '../../../src/lib/music/symbols';

describe('buildVocabulary', () => {
	it('orders /, _, r, pitches by number, then anything else sorted', () => {
		const songs = [
			['62', '_', 'r', '60', '100'],
			['72', '_', 'x', 'a']
		];
		expect(buildVocabulary(songs)).toEqual(['/', '_', 'r', '60', '62', '72', '100', 'a', 'x']);
	});

	it('keeps _ and r only where the songs use them, unless every special is asked for', () => {
		const songs = [['64', '60', '_', '/']];
		expect(buildVocabulary(songs)).toEqual([SONG_END, HOLD, '60', '64']);
		expect(buildVocabulary(songs, { allSpecials: true })).toEqual([SONG_END, HOLD, REST, '60', '64']);
		expect(buildVocabulary([])).toEqual(['/']);
	});
});
