import { describe, expect, it } from 'vitest';
import { regionName } from '../../../src/lib/corpus/naming';

describe('a corpus named from its songs', () => {
	it('takes the country most songs come from, at the level of Essen’s !!!ARE', () => {
		const songs = [
			{ region: 'Europa, Mitteleuropa, Deutschland' },
			{ region: 'Europa, Mitteleuropa, Deutschland, Schlesien' },
			{ region: 'Europa, Mitteleuropa, Deutschland; France, Elsass' },
			{ region: 'Europa, Westeuropa, Nederland' }
		];
		expect(regionName(songs)).toBe('Deutschland and more, 4 songs');
		expect(regionName(songs.slice(0, 3))).toBe('Deutschland, 3 songs');
	});

	it('gives null when no song names its region', () => {
		expect(regionName([{}, { region: '' }])).toBeNull();
	});
});
