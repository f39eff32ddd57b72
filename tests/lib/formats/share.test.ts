import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_SHARED_STEPS, decodeShare, encodeShare, type SharedTune } from '../../../src/lib/formats/share';

const tune: SharedTune = {
	symbols: '67 _ 69 _ 71 _ _ _ r _ 72 _ 74 _ 76 _'.split(' '),
	meter: '6/8',
	barPhase: 4,
	tonic: 2,
	mode: 'dorian',
	bpm: 96,
	name: 'Folk tune in D Dorian — “Blackbird” 100% & so.on'
};

describe('a tune as a link', () => {
	it('reads back exactly what was written, name, key and upbeat included', () => {
		const text = encodeShare(tune);
		expect(text).not.toMatch(/[#?&\s]/);
		expect(decodeShare(text)).toEqual(tune);
		expect(decodeShare(encodeShare({ ...tune, mode: null, barPhase: 0 }))).toEqual({
			...tune,
			mode: null,
			barPhase: 0
		});
	});

	it('refuses what is not a tune with a sentence, never an exception of its own', () => {
		const text = encodeShare(tune);
		const cases: [string, RegExp][] = [
			['', /another version|garbled/],
			[text.slice(0, text.length / 2), /cut or garbled|not a note/],
			[text.replace('v1', 'v9'), /another version/],
			[text.replace('6%2F8', '5%2F9'), /meter/],
			[text.replace('.4.2.', '.13.2.'), /upbeat/],
			[text.replace('.4.2.', '.4.12.'), /key/],
			[text.replace('dorian', 'klingon'), /not a mode/],
			[text.replace('.96.', '.9000.'), /tempo/],
			[text.replace('67-_', '_-67'), /begins by holding/],
			[text.replace('67-_', '999-_'), /not a note/],
			[text.replace('%E2%80%94', '%E2%80'), /cut or garbled/]
		];
		for (const [bad, why] of cases) expect(() => decodeShare(bad), bad).toThrow(why);
		expect(() => encodeShare({ ...tune, symbols: Array(MAX_SHARED_STEPS + 1).fill('60') })).toThrow(
			/at most/
		);
	});

	it('survives any name and any text thrown at the reader (fuzz)', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (name) => {
				const back = decodeShare(encodeShare({ ...tune, name }));
				expect(back.symbols).toEqual(tune.symbols);
				expect(back.name).not.toMatch(/[\n\r\u2028\u2029]/);
			}),
			{ seed: 7, numRuns: 300 }
		);
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), (text) => {
				try {
					decodeShare(text);
				} catch (e) {
					expect((e as Error).message).toMatch(/^This link does not hold a tune: /);
				}
			}),
			{ seed: 8, numRuns: 500 }
		);
	});
});
