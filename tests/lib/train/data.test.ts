/**
 * LaneBatches keeps a lane as its songs and their starts, not a copy of every symbol (the cost-curve
 * bench's memory): its batches must be exactly those of the plain layout — every lane written out symbol
 * by symbol, with each position's song and step — which this test builds as the reference, on erk with
 * bar features, styles and lookback, over every batch of an epoch.
 */
import { describe, expect, it } from 'vitest';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../../src/cli/files';
import { buildVocabulary } from '../../../src/lib/music/vocabulary';
import { SONG_END } from '../../../src/lib/music/symbols';
import { encodeSong, LaneBatches, type Batch } from '../../../src/lib/train/data';
import {
	extraInputSize,
	featureIndices,
	lookbackIndices,
	METER_FEATURES,
	songBarContext,
	type BarContext
} from '../../../src/lib/model/features';
import { Rng } from '../../../src/lib/model/rng';
import { hasShared, shared } from '../../shared';

/** The plain layout: lanes as symbol arrays, targets the next symbol, features from each position's song. */
function reference(
	songs: readonly Int32Array[],
	order: readonly number[],
	laneCount: number,
	T: number,
	endId: number,
	bars: readonly (BarContext | null)[],
	styles: Int32Array,
	lookback: { base: number; vocabularySize: number }
): Batch[] {
	const n = Math.max(1, Math.min(laneCount, order.length));
	const parts: number[][] = Array.from({ length: n }, () => []);
	const lengths = new Array(n).fill(0);
	for (const s of order) {
		let best = 0;
		for (let l = 1; l < n; l++) if (lengths[l] < lengths[best]) best = l;
		parts[best].push(s);
		lengths[best] += songs[s].length + 1;
	}
	const lanes = parts.map((p) => {
		const symbols: number[] = [];
		const song: number[] = [];
		const step: number[] = [];
		for (const s of p) {
			[endId, ...songs[s]].forEach((x, j) => {
				symbols.push(x);
				song.push(s);
				step.push(j);
			});
		}
		symbols.push(endId);
		song.push(-1);
		step.push(0);
		return { symbols, song, step };
	});
	const count = Math.ceil(Math.max(...lanes.map((l) => l.symbols.length - 1)) / T);
	return Array.from({ length: count }, (_, k) => {
		const B = lanes.length;
		const inputs = new Int32Array(T * B);
		const targets = new Int32Array(T * B);
		const weights = new Float32Array(T * B);
		const features: (readonly number[])[] = new Array(T * B).fill([]);
		const keep: (Float32Array | null)[] = [];
		for (let t = 0; t < T; t++) {
			let reset: Float32Array | null = null;
			lanes.forEach((lane, b) => {
				const pos = k * T + t;
				if (pos >= lane.symbols.length - 1) return;
				const s = lane.song[pos];
				inputs[t * B + b] = lane.symbols[pos];
				targets[t * B + b] = lane.symbols[pos + 1];
				weights[t * B + b] = 1;
				const bar = bars[s];
				const back = bar
					? lookbackIndices(bar, lane.step[pos], (i) => songs[s][i], lookback.vocabularySize).map(
							(i) => lookback.base + i
						)
					: [];
				features[t * B + b] = [
					...(bar ? featureIndices(bar, lane.step[pos]) : []),
					...(styles[s] >= 0 ? [styles[s]] : []),
					...back
				];
				if (lane.symbols[pos] === endId && pos > 0) {
					reset ??= new Float32Array(B).fill(1);
					reset[b] = 0;
				}
			});
			keep.push(reset);
		}
		return { steps: T, lanes: B, inputs, targets, weights, keep, lastOnly: false, features };
	});
}

describe.skipIf(!hasShared())('lane batches', () => {
	it('are the plain layout’s, batch for batch, on erk with bars, styles and lookback', async () => {
		const { songs: erk } = await ingest(dropFromPaths([shared('corpus', 'essen', 'deutschl', 'erk')]));
		const vocabulary = buildVocabulary(erk.map((s) => s.symbols));
		const songs = erk.map((s) => encodeSong(s.symbols, vocabulary));
		const rng = new Rng('lanes:1');
		// A seeded tenth of the songs without bars and a third without a style, as the trainer hides them.
		const bars = erk.map((s) => (rng.next() < 0.1 ? null : songBarContext(s)));
		const styles = Int32Array.from(erk, () =>
			rng.next() < 0.33 ? -1 : METER_FEATURES + (rng.next() < 0.5 ? 0 : 1)
		);
		const lookback = { base: extraInputSize(true, 2), vocabularySize: vocabulary.length };
		const order = rng.shuffle(Array.from({ length: songs.length }, (_, i) => i));
		const endId = vocabulary.indexOf(SONG_END);
		const lanes = new LaneBatches(songs, order, 64, 16, endId, bars, styles, lookback);
		const plain = reference(songs, order, 64, 16, endId, bars, styles, lookback);
		expect(lanes.batchCount).toBe(plain.length);
		expect(lanes.targetCount).toBe(songs.reduce((a, s) => a + s.length + 1, 0));
		for (let k = 0; k < plain.length; k++) expect(lanes.batch(k)).toEqual(plain[k]);
		// Nothing per symbol is kept: a lane holds one start per song (and its end).
		const held = lanes.lanes.reduce((a, l) => a + l.songs.length + l.starts.length, 0);
		expect(held).toBe(2 * songs.length + lanes.lanes.length);
	});
});
