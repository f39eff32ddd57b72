/**
 * Bar-position input: the reader finds the pickup, the encoder turns it into the bar phase of the first
 * step, batches carry each target's features, and the plain-JS step model reads a song exactly as the
 * trainer does (same loss on the validation songs, summed one song at a time).
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { readKern } from '../../../src/lib/kern/reader';
import { encodeSong } from '../../../src/lib/encoding/encode';
import {
	barContext,
	barPosition,
	featureIndices,
	firstInputSize,
	LOOKBACK_BARS,
	lookbackIndices,
	lookbackSize,
	METER_FEATURES,
	songBarContext
} from '../../../src/lib/model/features';
import { LaneBatches } from '../../../src/lib/train/data';
import { Trainer } from '../../../src/lib/train/trainer';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { fromModelFiles, toModelFiles } from '../../../src/lib/model/format';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { ScoreAccumulator, scoreSong } from '../../../src/lib/eval/score';
import { hasShared, shared } from '../../shared';

const HEADER = (meter: string) => `**kern\n*ICvox\n*Ivox\n*M${meter}\n*k[]\n*C:\n`;

function phaseOf(text: string): number | undefined {
	const r = readKern(text, 't.krn');
	if (!r.ok) throw new Error(r.reason);
	const e = encodeSong(r.song);
	if (e.status !== 'kept') throw new Error(e.reason);
	return e.song.barPhase;
}

describe('bar phase from the kern barlines', () => {
	it('is 0 on a downbeat, bar minus pickup after a pickup, absent without a barline or a numeric meter', () => {
		expect(phaseOf(HEADER('3/4') + '=1\n4c\n4d\n4e\n=2\n2.c\n*-\n')).toBe(0);
		// An eighth-note pickup in 2/4: the first step is the 7th of 8.
		expect(phaseOf(HEADER('2/4') + '8c\n=1\n8f\n8f\n4g\n*-\n')).toBe(6);
		// Dotted-quarter pickup in 6/8 (12 steps): 12 − 6.
		expect(phaseOf(HEADER('6/8') + '4.c\n=1\n4.d\n4.e\n*-\n')).toBe(6);
		// A first barline after a whole bar: the file marks no opening barline.
		expect(phaseOf(HEADER('2/4') + '4c\n4d\n=2\n2e\n*-\n')).toBe(0);
		expect(phaseOf(HEADER('4/4') + '4c\n4d\n*-\n')).toBeUndefined();
		expect(phaseOf('**kern\n*MX\n4c\n=1\n4d\n*-\n')).toBeUndefined();
	});

	it.skipIf(!hasShared())('reads real Essen pickups (erk E0001: an 8th before bar 1 in 2/4)', () => {
		const text = readFileSync(shared('corpus', 'essen', 'deutschl', 'erk', 'deut0567.krn'));
		const r = readKern(text, 'deut0567.krn');
		expect(r.ok && r.song.barlines.slice(0, 3)).toEqual([0.5, 2.5, 4.5]);
		const e = r.ok ? encodeSong(r.song) : null;
		expect(e?.status === 'kept' && e.song.barPhase).toBe(6);
		expect(e?.status === 'kept' && e.song.bars!.slice(0, 3)).toEqual([2, 10, 18]);
		expect(e?.status === 'kept' && e.song.bars!.every((b) => b > 0 && b < e.song.symbols.length)).toBe(true);
	});
});

describe('features of a step', () => {
	it('mark steps since and until the downbeat and the metrical grid, in any meter', () => {
		const bar = barContext('3/4', 8)!;
		expect(bar).toEqual({ stepsPerBar: 12, compound: false, phase: 8 });
		// Step 4 of a song starting at position 8 of a 12-step bar is the downbeat: 0 since, 12 until,
		// on every grid (8th, quarter, half, whole, dotted quarter, dotted half).
		const flag = (i: number) => 32 + i;
		expect(featureIndices(bar, 4)).toEqual([0, 16 + 11, ...[0, 1, 2, 3, 4, 5, 6].map(flag)]);
		// Position 9 (step 1): 9 since, 3 until, off every grid.
		expect(featureIndices(bar, 1)).toEqual([9, 16 + 2]);
		// Halfway through a 6/8 bar (compound): on the dotted-quarter grid.
		expect(featureIndices(barContext('6/8', 0)!, 6)).toEqual([6, 16 + 5, flag(1), flag(5), flag(7), flag(9)]);
		// A 4/2 bar is 32 steps: both counts saturate in its middle, the half-bar flag still marks it.
		expect(featureIndices(barContext('4/2', 0)!, 16)).toContain(flag(7));
		expect(Math.max(...featureIndices(barContext('4/2', 0)!, 1))).toBeLessThan(METER_FEATURES);
		expect(featureIndices(null, 3)).toEqual([]);
		expect(barContext('X', 0)).toBeNull();
		expect(barContext('4/4', 16)).toBeNull();
	});

	it('follow the barlines and meter changes of the score', () => {
		// 2/4 from the downbeat, a short bar (barline at step 5), then 3/4 from step 8.
		const bar = songBarContext({
			meter: '2/4',
			barPhase: 0,
			bars: [5, 8, 20],
			meterChanges: [{ at: 8, meter: '3/4' }]
		})!;
		expect(barPosition(bar, 4).position).toBe(4);
		expect(barPosition(bar, 5).position).toBe(0);
		expect(barPosition(bar, 7).position).toBe(2);
		expect(barPosition(bar, 19)).toEqual({
			position: 11,
			meter: { at: 8, stepsPerBar: 12, compound: false }
		});
		// Past the last barline the meter goes on.
		expect(barPosition(bar, 33).position).toBe(1);
	});

	it('travel with each target in the lanes: the `/` before a song carries its first step', () => {
		const songs = [Int32Array.from([1, 2, 2]), Int32Array.from([3, 1])];
		const bars = [barContext('2/4', 6), barContext('3/4', 0)];
		const lanes = new LaneBatches(songs, [0, 1], 1, 4, 0, bars);
		// One lane: / 1 2 2 / 3 1 / — inputs are all but the last.
		const b0 = lanes.batch(0);
		const b1 = lanes.batch(1);
		const got = [...b0.features!, ...b1.features!].slice(0, 7);
		const want = [0, 1, 2, 3]
			.map((k) => featureIndices(bars[0], k))
			.concat([0, 1, 2].map((k) => featureIndices(bars[1], k)));
		expect(got).toEqual(want);
	});
});

describe('lookback', () => {
	it('reads the symbol one, two, four and eight bars before the target, and flags a last symbol that repeats them', () => {
		expect(LOOKBACK_BARS).toEqual([1, 2, 4, 8]);
		const bar = barContext('2/4', 0)!; // 8 steps a bar
		const v = 10;
		const F = 4 * v; // the repeat flags follow the four one-hots
		// prettier-ignore
		const song = [
			1, 2, 3, 4, 5, 6, 7, 8,
			1, 2, 9, 9, 9, 9, 9, 9,
			1, 5, 5, 5, 5, 5, 5, 5,
			3, 3, 3, 3, 3, 3, 3, 6,
			1, 4
		];
		const at = (i: number) => song[i];
		expect(lookbackIndices(bar, 7, at, v)).toEqual([]);
		expect(lookbackIndices(bar, 8, at, v)).toEqual([1]);
		// Step 9: one bar back is 2; the last symbol (1 at step 8) repeats step 0's.
		expect(lookbackIndices(bar, 9, at, v)).toEqual([2, F]);
		// Step 17: 2 one bar back, 2 two bars back; the 1 at step 16 repeats steps 8 and 0.
		expect(lookbackIndices(bar, 17, at, v)).toEqual([2, v + 2, F, F + 1]);
		expect(lookbackIndices(bar, 18, at, v)).toEqual([9, v + 3]);
		// Step 32: one, two and four bars back; the 6 at step 31 repeats nothing.
		expect(lookbackIndices(bar, 32, at, v)).toEqual([3, v + 1, 2 * v + 1]);
		// Step 33: the 1 at step 32 repeats step 16 (two bars) and step 0 (four bars), not step 24.
		expect(lookbackIndices(bar, 33, at, v)).toEqual([3, v + 5, 2 * v + 2, F + 1, F + 2]);
		// Eight bars back, in 3/16 (3 steps a bar): step 24 reads steps 21, 18, 12 and 0; the 5 at step 23
		// repeats steps 20 and 17.
		const short = barContext('3/16', 0)!;
		expect(lookbackIndices(short, 24, at, v)).toEqual([5, v + 5, 2 * v + 9, 3 * v + 1, F, F + 1]);
		expect(lookbackIndices(null, 18, at, v)).toEqual([]);
		expect(lookbackSize(v)).toBe(4 * (v + 1));
		expect(firstInputSize(v, { meterInput: true, styles: ['a'], lookback: true })).toBe(
			v + METER_FEATURES + 1 + lookbackSize(v)
		);
		expect(firstInputSize(v, { meterInput: false, lookback: true })).toBe(v);
	});

	it('travels in the lanes after the bar features and the style, for songs with bars only', () => {
		const songs = [Int32Array.from([1, 2, 2, 1, 2, 2, 1]), Int32Array.from([3, 1, 3, 1])];
		const bars = [barContext('3/16', 0), null];
		const v = 4;
		const base = METER_FEATURES + 1;
		const styles = Int32Array.from([METER_FEATURES, -1]);
		const lanes = new LaneBatches(songs, [0, 1], 1, 16, 0, bars, styles, { base, vocabularySize: v });
		const f = lanes.batch(0).features!;
		// Target step 3 of song 0: one bar (3 steps) back is song[0] = 1.
		expect(f[3]).toEqual([...featureIndices(bars[0], 3), METER_FEATURES, base + 1]);
		// Step 4: back is song[1] = 2; the last symbol (1 at step 3) repeats step 0's.
		expect(f[4]).toEqual([...featureIndices(bars[0], 4), METER_FEATURES, base + 2, base + 4 * v]);
		// Song 1 has no bars, so no lookback and no bar features.
		expect(f[8 + 3]).toEqual([]);
	});
});

describe.skipIf(!hasShared())('a bar-input model', () => {
	it('scores songs in plain JS exactly as the trainer validates them, and survives the model files', async () => {
		await tf.setBackend('cpu');
		const { songs } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'kinder')]));
		const some = songs.slice(0, 40);
		const corpus = { id: 'k40', name: 'kinder 40', hash: 'k40' };
		const trainer = Trainer.create(
			some,
			{ units: 12, seqLength: 16, batchSize: 8, epochs: 1, validation: 0.2, seed: 3, meterInput: true },
			corpus
		);
		await trainer.run({ yieldEachBatch: false });
		const val = (await trainer.validate())!;
		const weights = await trainer.weights();
		expect(weights.meterInput).toBe(true);
		const v = trainer.vocabulary.length;
		expect(weights.lookback).toBe(true);
		expect(weights.layers[0].inputSize).toBe(v + METER_FEATURES + lookbackSize(v));
		const files = toModelFiles(weights, {
			format: 'folk-studio-model',
			version: 1,
			name: 't',
			createdAt: 0,
			vocabulary: trainer.vocabulary,
			songStart: '/',
			design: 'sequence',
			config: trainer.config,
			history: [],
			corpus: null,
			status: 'finished',
			backend: 'cpu'
		} as never);
		const back = fromModelFiles(files).weights;
		const base = new LstmStepModel(back);
		expect(base.usesBar).toBe(true);
		const acc = new ScoreAccumulator();
		for (const i of trainer.split.val) {
			const s = some[i];
			scoreSong(base.withBar(songBarContext(s)), s.symbols, acc);
		}
		const r = acc.result();
		expect(r.natsPerStep).toBeCloseTo(val.loss, 4);
		// Without its bar the same model reads the songs differently: the features matter.
		const blind = new ScoreAccumulator();
		for (const i of trainer.split.val) scoreSong(base, some[i].symbols, blind);
		expect(Math.abs(blind.result().natsPerStep - val.loss)).toBeGreaterThan(1e-3);
		trainer.dispose();
	});
});
