/**
 * Writing in a mode: the model's notes become the mode's, a tune not heard in the mode is drawn again, and
 * with the bundled model nearly every tune asked in a mode is heard in it (seeded).
 */
import { describe, expect, it } from 'vitest';
import { HAS_BUNDLED, loadBundled } from './bundled-model';
import { generate } from '../../../src/lib/generate/generate';
import { GENERATE_DEFAULTS } from '../../../src/lib/generate/defaults';
import {
	GENERATE_MODES,
	endsOnTonic,
	hearMode,
	inMode,
	modeMap,
	soundsIn
} from '../../../src/lib/generate/mode';
import { isPitchSymbol } from '../../../src/lib/music/pitch';
import { checkSettings } from '../../../src/lib/generate/settings';

const bundled = HAS_BUNDLED;
const load = loadBundled;

const pcs = (symbols: readonly string[]) => new Set(symbols.filter(isPitchSymbol).map((s) => Number(s) % 12));

describe('a mode in the model’s home', () => {
	const vocabulary = ['/', '_', 'r', '57', '60', '64', '65', '66', '67', '68', '69', '70', '71', '72'];

	it('moves the model’s neighbour of the mode’s own degree onto it and drops other notes outside the mode', () => {
		const dorian = modeMap(vocabulary, 'dorian');
		// F (65) goes to F♯ (66); G♯ (68), B♭ (70) are never drawn; A, C, E stay.
		expect(dorian[vocabulary.indexOf('65')]).toBe(vocabulary.indexOf('66'));
		expect(dorian[vocabulary.indexOf('68')]).toBe(-1);
		expect(dorian[vocabulary.indexOf('70')]).toBe(-1);
		expect(dorian[vocabulary.indexOf('69')]).toBe(vocabulary.indexOf('69'));
		expect(dorian[vocabulary.indexOf('_')]).toBe(vocabulary.indexOf('_'));
		const mixolydian = modeMap(vocabulary, 'mixolydian');
		expect(mixolydian[vocabulary.indexOf('71')]).toBe(vocabulary.indexOf('70'));
		expect(mixolydian[vocabulary.indexOf('66')]).toBe(-1);
		const probabilities = vocabulary.map(() => 1 / vocabulary.length);
		const moved = inMode(probabilities, dorian);
		expect(moved[vocabulary.indexOf('66')]).toBeCloseTo(2 / vocabulary.length, 6);
		expect(moved[vocabulary.indexOf('65')]).toBe(0);
	});

	it('hears major, minor and the church modes', () => {
		const tune = (notes: number[]) => notes.flatMap((n) => [String(n), '_', '_', '_']);
		expect(hearMode(tune([60, 62, 64, 65, 67, 64, 62, 60]))).toBe('major');
		expect(hearMode(tune([60, 62, 64, 65, 67, 70, 70, 67, 65, 64, 62, 60]))).toBe('mixolydian');
		expect(hearMode(tune([69, 71, 72, 74, 76, 78, 76, 74, 72, 71, 69]))).toBe('dorian');
		expect(hearMode(tune([69, 71, 72, 74, 76, 77, 76, 68, 69]))).toBe('minor');
		expect(hearMode(tune([69, 71, 72, 74, 76, 77, 76, 74, 72, 71, 69]))).toBe('aeolian');
		expect(soundsIn(tune([69, 71, 72, 74, 76, 77, 76, 74, 72, 71, 69]), 'minor')).toBe(true);
		expect(endsOnTonic(tune([69, 71, 72, 74, 76, 77, 76, 74, 72, 71, 69]), 'dorian')).toBe(true);
		expect(endsOnTonic(tune([60, 64, 67]), 'major')).toBe(false);
	});

	it('refuses a mode it cannot write in, with a sentence', () => {
		const model = {
			vocabulary,
			initialState: () => 0,
			step: () => ({ state: 0, probabilities: new Float32Array(14) })
		};
		expect(() =>
			checkSettings(model as never, [], {
				temperature: 1,
				variations: 1,
				randomSeed: 1,
				bars: 4,
				mode: 'locrian'
			})
		).toThrow(/cannot be written in “locrian”/);
	});
});

describe.skipIf(!bundled)('the bundled model in every mode offered', () => {
	it('writes tunes heard in the asked mode (at least 10 of 12 in each), from notes of that mode only', () => {
		const model = load();
		for (const mode of GENERATE_MODES) {
			let heard = 0;
			for (let i = 0; i < 12; i++) {
				const [m] = generate(model, [], {
					temperature: GENERATE_DEFAULTS.temperature,
					variations: 1,
					randomSeed: 500 + i,
					bars: 8,
					meter: '4/4',
					mode
				});
				expect(m.mode).toBe(mode);
				const used = pcs(m.symbols);
				if (mode === 'dorian') expect(used.has(5)).toBe(false);
				if (mode === 'mixolydian') expect(used.has(11)).toBe(false);
				if (mode === 'major') expect([...used].every((pc) => [0, 2, 4, 5, 7, 9, 11].includes(pc))).toBe(true);
				if (soundsIn(m.symbols, mode)) heard++;
			}
			expect(heard, mode).toBeGreaterThanOrEqual(10);
		}
	}, 120_000);
});
