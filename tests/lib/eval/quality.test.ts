import { describe, expect, it } from 'vitest';
import { HAS_BUNDLED, loadBundledMetadata } from '../generate/bundled-model';
import {
	BITS_MEANING,
	GRADE_BOUNDS,
	describeBundled,
	describeQuality,
	gradeOf,
	keptValLoss,
	songsWords,
	type Figure
} from '../../../src/lib/eval/quality';
import type { EpochRecord } from '../../../src/lib/model/checkpoint';

const val = { count: 16, kind: 'songs of “Kinderlieder”' };
const german = { count: 284, kind: 'German folk songs of the Essen collection' };
const fig = (bitsPerStep: number, songs = val): Figure => ({ bitsPerStep, songs });

/** Words a musician should not meet outside the disclosure. */
const NETWORK_WORDS = /\b(bits?|symbols?|vocabulary|units?|LSTM|epochs?|loss|validation)\b|\d/i;

describe('gradeOf', () => {
	it('grades at each boundary and just past it', () => {
		expect(gradeOf(0)).toBe('better');
		expect(gradeOf(GRADE_BOUNDS.better - 1e-9)).toBe('better');
		expect(gradeOf(GRADE_BOUNDS.better)).toBe('level');
		expect(gradeOf(1)).toBe('level');
		expect(gradeOf(GRADE_BOUNDS.level)).toBe('level');
		expect(gradeOf(GRADE_BOUNDS.level + 1e-9)).toBe('close');
		expect(gradeOf(GRADE_BOUNDS.close)).toBe('close');
		expect(gradeOf(GRADE_BOUNDS.close + 1e-9)).toBe('sketch');
		expect(gradeOf(3)).toBe('sketch');
	});

	it('refuses a ratio that is not a number', () => {
		expect(() => gradeOf(Number.NaN)).toThrow(/ratio/);
		expect(() => gradeOf(-1)).toThrow(/ratio/);
	});
});

describe('describeQuality', () => {
	it('compares with the bundled model on the same songs, and names them', () => {
		const bundled = fig(0.8);
		const cases: [number, string, RegExp][] = [
			[0.7, 'better', /better than the bundled model/],
			[0.8, 'level', /about as well as the bundled model/],
			[0.9, 'close', /nearly as well as the bundled model/],
			[1.2, 'sketch', /far less well than the bundled model, so its tunes will wander/]
		];
		for (const [bits, grade, words] of cases) {
			const q = describeQuality(fig(bits), bundled);
			expect(q.grade).toBe(grade);
			expect(q.sentence).toMatch(words);
			expect(q.sentence).toContain('songs of “Kinderlieder” it never learned from');
			// No figure and no network word in the sentence or the grade word: those are in the details.
			expect(q.sentence.replace('16 songs', 'songs')).not.toMatch(NETWORK_WORDS);
			expect(q.word).not.toMatch(NETWORK_WORDS);
			expect(q.short).not.toMatch(NETWORK_WORDS);
			// Both figures in the details, each with its songs, and what the unit means.
			expect(q.details[0]).toBe(
				`This model: ${bits.toFixed(3)} bits per 16th step on 16 songs of “Kinderlieder” it never learned from.`
			);
			expect(q.details[1]).toBe('The bundled model on the same songs: 0.800 bits per 16th step.');
			expect(q.details.at(-1)).toBe(BITS_MEANING);
		}
	});

	it('names the songs of the bundled model’s figure on other songs, and does not compare them', () => {
		const q = describeQuality(fig(1.0), fig(0.852), fig(0.549, german));
		expect(q.grade).toBe('sketch');
		expect(`${q.word}: ${q.short}.`).toBe('A rough sketch: tunes will wander.');
		expect(q.details).toContain(
			'The bundled model’s own figure, 0.549 bits per 16th step, is on other songs (284 German folk songs of the Essen collection it never learned from), so it does not compare with these.'
		);
	});

	it('refuses to grade against a figure on other songs', () => {
		expect(() => describeQuality(fig(1), fig(0.549, german))).toThrow(/same songs/);
	});

	it('without the bundled model on the same songs: not compared, the figure in the details only', () => {
		const q = describeQuality(fig(0.9), null, fig(0.549, german));
		expect(q.grade).toBe('unrated');
		expect(q.word).toBe('Not compared');
		expect(q.sentence).not.toMatch(/\d/);
		expect(q.details.join(' ')).toContain('0.900 bits per 16th step on 16 songs of “Kinderlieder”');
		expect(q.details.join(' ')).toContain('0.549 bits per 16th step, is on other songs (284 German');
	});

	it('without songs held out: not measured', () => {
		const q = describeQuality(null, null);
		expect(q.grade).toBe('unrated');
		expect(q.sentence).toMatch(/not measured/);
		expect(q.word).toBe('Not measured');
		expect(q.details).toEqual([]);
	});

	it('one song is a song', () => {
		expect(songsWords({ count: 1, kind: 'songs of “x”' })).toBe('1 song of “x”');
		expect(songsWords({ count: 1284, kind: 'songs' })).toBe('1,284 songs');
	});
});

describe('describeBundled', () => {
	it('says the bundled model’s level in words, its one figure with its songs in the details', () => {
		const q = describeBundled(fig(0.5489, german));
		expect(q.sentence).toContain('284 German folk songs of the Essen collection it never heard');
		expect(q.sentence.replace('284 German', 'German')).not.toMatch(NETWORK_WORDS);
		expect(q.details).toEqual([
			'The bundled model: 0.549 bits per 16th step on 284 German folk songs of the Essen collection it never learned from.',
			BITS_MEANING
		]);
	});
});

describe('keptValLoss', () => {
	const h = (epoch: number, valLoss: number | null): EpochRecord => ({
		epoch,
		trainLoss: 1,
		trainAccuracy: 0.5,
		valLoss,
		valAccuracy: null,
		seconds: 1,
		targets: 1,
		symbolsPerSecond: 1
	});
	const history = [h(1, 0.9), h(2, 0.7), h(3, 0.8)];
	it('the best epoch for a run that finished or stopped early, the last for one stopped by hand', () => {
		expect(keptValLoss(history, 'finished')).toBe(0.7);
		expect(keptValLoss(history, 'early-stopped')).toBe(0.7);
		expect(keptValLoss(history, 'stopped')).toBe(0.8);
		expect(keptValLoss([h(1, null)], 'finished')).toBeNull();
		expect(keptValLoss([], undefined)).toBeNull();
	});
});

describe('the Train presets, said before training', () => {
	it('grade each preset from its measured run against the bundled model on the same songs', async () => {
		const { TRAIN_PRESETS, expectation, MEASURED_ON, BUNDLED_ON_MEASURED } =
			await import('../../../src/ui/train/presets');
		expect(BUNDLED_ON_MEASURED.songs).toBe(MEASURED_ON);
		// The page's figure is the bundled model's own score, as its metadata keeps it.
		if (HAS_BUNDLED) {
			const scores = loadBundledMetadata().scores;
			expect(scores?.songs).toBe(MEASURED_ON.count);
			expect(BUNDLED_ON_MEASURED.bitsPerStep).toBe(Number(scores!.bitsPerStep.toFixed(3)));
		}
		const said = Object.fromEntries(TRAIN_PRESETS.map((p) => [p.id, expectation(p)]));
		// Quick and Balanced measured 24 % and 19 % above the bundled model; Best's recipe 3 %.
		expect(said.quick.grade).toBe('sketch');
		expect(said.balanced.grade).toBe('sketch');
		expect(said.best.grade).toBe('close');
		for (const q of Object.values(said)) {
			expect(q.sentence).toContain('284 German folk songs of the Essen collection it never learned from');
			expect(q.details[1]).toBe('The bundled model on the same songs: 0.543 bits per 16th step.');
		}
		// The blurbs are a musician's words; the network's are kept for the disclosure.
		for (const p of TRAIN_PRESETS) expect(p.blurb).not.toMatch(/LSTM|epoch|units|network/i);
	});
});
