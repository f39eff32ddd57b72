/**
 * A tune stuck on one pitch is drawn again: the rules (`melodyFaults`) on hand-written tunes, and
 * `generate` with a model that favours one pitch.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REDRAWS, melodyFaults } from '../../../src/lib/generate/faults';
import { generate } from '../../../src/lib/generate/generate';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { favouring, tinyModel } from './tiny-model';

const tune = (text: string) => text.split(' ');

describe('melodyFaults', () => {
	it('passes a tune that moves, and names each way a tune can be stuck', () => {
		// 2/4, 8 steps a bar.
		expect(melodyFaults(tune('60 _ 62 _ 64 _ 65 _ 67 _ _ _ 64 _ 60 _'), 8)).toEqual([]);
		expect(melodyFaults(tune('60 _ 62 _ 60 _ 62 _ 64 _ 62 _ 60 _ _ _'), 8)).toEqual(['only 3 pitches']);
		expect(melodyFaults(tune('60 _ _ _ _ _ 62 _ 64 _ 65 _ 60 _ _ _'), 8)).toEqual([
			'one pitch sounds more than half the time'
		]);
		// 17 steps on 60 (rests between its notes count), more than two bars.
		expect(
			melodyFaults(
				tune('62 _ 64 _ 65 _ 67 _ 60 _ _ _ r _ 60 _ _ _ 60 _ _ _ 60 _ _ 67 _ 65 _ 64 _ 62 _ 67 _'),
				8
			)
		).toEqual(['17 steps on one pitch']);
		expect(melodyFaults(tune('r _ _ _'), 8)).toEqual(['no notes']);
	});
});

describe('generate', () => {
	const vocabulary = ['/', '_', 'r', '57', '59', '60', '62', '64', '65', '67', '69', '72'];
	const settings = { temperature: 1, variations: 8, randomSeed: 7, meter: '2/4' };

	it('draws a tune stuck on one pitch again', () => {
		const model = new LstmStepModel(favouring(tinyModel(vocabulary, 16, 3), '60', 1.8));
		// Without whole tunes (no redraw), a third of what this model writes is stuck …
		const free = generate(model, [], { ...settings, steps: 64, stopAtEnd: false });
		const stuck = free.filter((m) => melodyFaults(m.symbols, 8).length > 0);
		expect(stuck.length).toBeGreaterThanOrEqual(3);
		// … while its whole tunes of the same length are drawn again until they move.
		for (const m of generate(model, [], { ...settings, bars: 8 }))
			expect(melodyFaults(m.symbols, 8), m.symbols.join(' ')).toEqual([]);
	});

	it('keeps the least stuck tune after MAX_REDRAWS draws of a model that writes nothing else', () => {
		expect(MAX_REDRAWS).toBeGreaterThan(1);
		const model = new LstmStepModel(favouring(tinyModel(vocabulary, 16, 3), '60', 12));
		const [m] = generate(model, [], { ...settings, variations: 1, bars: 4 });
		expect(m.symbols).toHaveLength(32);
		expect(melodyFaults(m.symbols, 8).length).toBeGreaterThan(0);
	});
});
