/**
 * A small LSTM with seeded random weights, for the mechanics of generation (no training needed).
 * Its vocabulary is the reference model's own (fixtures/seed-keras/mapping.json) when ../shared is there.
 */
import { readFileSync } from 'node:fs';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { mulberry32 } from '../../../src/lib/generate/random';
import { hasShared, shared } from '../../shared';

/** The reference vocabulary in id order, or a small stand-in without ../shared. */
export function referenceVocabulary(): string[] {
	if (!hasShared()) return ['60', '62', '64', '65', '67', 'r', '_', '/'];
	const mapping = JSON.parse(
		readFileSync(shared('fixtures', 'seed-keras', 'mapping.json'), 'utf8')
	) as Record<string, number>;
	const vocab: string[] = [];
	for (const [s, i] of Object.entries(mapping)) vocab[i] = s;
	return vocab;
}

/** An LSTM over `vocabulary` with weights drawn from a seeded generator (scale ±`scale`). */
export function tinyModel(vocabulary: string[], units = 16, seed = 1, scale = 0.5): LstmModelWeights {
	const r = mulberry32(seed);
	const fill = (n: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
	const v = vocabulary.length;
	return {
		vocabulary,
		layers: [
			{
				inputSize: v,
				units,
				kernel: fill(v * 4 * units),
				recurrentKernel: fill(units * 4 * units),
				bias: fill(4 * units)
			}
		],
		denseKernel: fill(units * v),
		denseBias: fill(v)
	};
}

/** The same model with the output bias of `symbol` raised, to make it likely (or certain) at every step. */
export function favouring(weights: LstmModelWeights, symbol: string, bias: number): LstmModelWeights {
	const denseBias = Float32Array.from(weights.denseBias);
	denseBias[weights.vocabulary.indexOf(symbol)] += bias;
	return { ...weights, denseBias };
}
