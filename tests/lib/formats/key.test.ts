import { describe, expect, it } from 'vitest';
import { keyOf, MODES, modeFamily, parseKey, signatureFifths } from '../../../src/lib/music/key';
import { EXPORT_KEYS, findKey, homeKey, kernKeyName } from '../../../src/lib/formats/key';
import { signatureAlterations, spell } from '../../../src/lib/formats/measures';

describe('the key descriptor', () => {
	it('spells every tonic in every mode as a note of its own signature, with at most six accidentals', () => {
		for (const mode of MODES)
			for (let tonic = 0; tonic < 12; tonic++) {
				const key = keyOf(tonic, mode);
				expect(Math.abs(key.fifths)).toBeLessThanOrEqual(6);
				const { step, alter } = spell(tonic, key.fifths);
				expect(signatureAlterations(key.fifths)[step], key.name).toBe(alter);
				expect(key.name.startsWith(step + (alter ? (alter > 0 ? '♯' : '♭') : '') + ' '), key.name).toBe(true);
				expect(key.shift).toBe(modeFamily(mode) === 'major' ? tonic : tonic - 9);
			}
	});

	it('gives the signatures musicians use', () => {
		const names = (mode: (typeof MODES)[number]) =>
			Array.from({ length: 12 }, (_, t) => `${keyOf(t, mode).name} ${keyOf(t, mode).fifths}`);
		expect(names('major')).toContain('B♭ major -2');
		expect(names('major')).toContain('F♯ major 6');
		expect(names('minor')).toContain('E♭ minor -6');
		expect(names('dorian')).toContain('D Dorian 0');
		expect(names('dorian')).toContain('E Dorian 2');
		expect(names('mixolydian')).toContain('G Mixolydian 0');
		expect(names('mixolydian')).toContain('A Mixolydian 2');
		expect(names('aeolian')).toContain('A Aeolian 0');
		expect(names('phrygian')).toContain('E Phrygian 0');
		expect(names('lydian')).toContain('F Lydian 0');
		expect(signatureFifths(2, 'dorian')).toBe(0);
	});

	it('reads keys as people type them', () => {
		expect(parseKey('Bb')?.name).toBe('B♭ major');
		expect(parseKey('B♭ major')?.name).toBe('B♭ major');
		expect(parseKey('Ddor')?.name).toBe('D Dorian');
		expect(parseKey('d:dor')?.name).toBe('D Dorian');
		expect(parseKey('G Mixolydian')?.name).toBe('G Mixolydian');
		expect(parseKey('F#m')?.name).toBe('F♯ minor');
		expect(parseKey('e-')?.name).toBe('E♭ minor');
		expect(parseKey('H major')).toBeUndefined();
		expect(findKey('D dorian')?.fifths).toBe(0);
		expect(findKey('B-')?.shift).toBe(10);
	});

	it('keeps the 24 export keys and the home keys', () => {
		expect(EXPORT_KEYS.map((k) => k.shift)).toEqual([
			...Array.from({ length: 12 }, (_, i) => i),
			...[0, 1, 2],
			...Array.from({ length: 9 }, (_, i) => i - 9)
		]);
		expect(homeKey('major').name).toBe('C major');
		expect(homeKey('minor').name).toBe('A minor');
		expect(homeKey('dorian').name).toBe('A Dorian');
		expect(homeKey('mixolydian').name).toBe('C Mixolydian');
	});
});

describe('kern key names for people', () => {
	it('keeps the spelling the file has, with ♭ and ♯', () => {
		expect(['G', 'e', 'B-', 'f#', 'a-', 'C#', 'd:dor', 'G:mix', '?', 'X'].map(kernKeyName)).toEqual([
			'G major',
			'E minor',
			'B♭ major',
			'F♯ minor',
			'A♭ minor',
			'C♯ major',
			'D Dorian',
			'G Mixolydian',
			'?',
			'X'
		]);
	});
});
