/**
 * Is a mapping.json in the order its model was trained with? A mapping is only a list of symbols: the right
 * symbols in a shuffled order are accepted by every structural check and give a model that predicts
 * nonsense (26.6 bits per step on erk where guessing uniformly costs 5.25). So the imported model reads a few
 * ordinary folk songs; a model that finds them harder than uniform guessing almost surely has its symbols
 * mixed up, and the import says so.
 */
import type { LstmModelWeights } from '../model/types';
import { SONG_END } from '../music/symbols';
import { KerasStepModel } from './reference';

/**
 * Three short songs of the demo corpus (Essen Folksong Collection, CCARH; static/demo), as encoded: "Schlaf,
 * Kindlein, schlaf" (kindr001), "Stille, stille, kein Geräusch gemacht" (kindr013) and "Dahaam bo meiner
 * Mutter" (deut5141).
 */
const SONGS = [
	'64 _ _ _ 62 _ 62 _ 60 _ _ _ r _ 55 _ 64 _ 64 _ 62 _ 62 _ 60 _ _ _ r _ 60 _ 65 _ 65 _ 62 _ 62 _ 67 _ 67 _ 64 _ 64 _ 65 _ 65 _ 62 _ 62 _ 67 _ 67 _ 64 _ _ _ 65 _ _ _ 62 _ 62 _ 60 _ _ _ r _ _ _',
	'67 _ _ _ 64 _ r _ 67 _ _ _ 64 _ r _ 65 _ _ 64 65 _ 67 _ 64 _ _ _ r _ _ _ 62 _ 62 _ 65 _ 65 _ 64 _ _ 65 67 _ _ _ 62 _ 62 _ 65 _ 65 _ 64 _ _ 65 67 _ _ _ 67 _ _ _ 64 _ r _ 67 _ _ _ 64 _ r _ 65 _ _ 64 65 _ 67 _ 64 _ _ _ r _ _ _',
	'60 _ 60 _ 62 _ 64 _ 69 _ 67 _ _ _ 64 _ 64 _ 67 _ 65 _ 65 _ 65 _ 69 _ 67 _ 67 _ 60 _ 60 _ 64 _ 65 _ 69 _ 67 _ _ _ 64 _ 64 _ 67 _ 65 _ 65 _ 62 _ 60 _ _ _ r _'
].map((s) => s.split(' '));

/**
 * Bits per step of a reference-design model on the songs whose symbols its vocabulary holds (each song
 * started with `/` and ended with it), or null when it holds none of them whole.
 */
export function sanityBits(weights: LstmModelWeights): { bitsPerStep: number; steps: number } | null {
	const index = new Map(weights.vocabulary.map((s, i) => [s, i]));
	const end = index.get(SONG_END);
	if (end === undefined) return null;
	const model = new KerasStepModel(weights);
	let bits = 0;
	let steps = 0;
	for (const song of SONGS) {
		const ids = song.map((s) => index.get(s));
		if (ids.some((id) => id === undefined)) continue;
		let { state, probabilities } = model.step(model.initialState(), end);
		for (const id of [...(ids as number[]), end]) {
			bits -= Math.log2(Math.max(probabilities[id], 1e-30));
			steps++;
			({ state, probabilities } = model.step(state, id));
		}
	}
	return steps === 0 ? null : { bitsPerStep: bits / steps, steps };
}

/**
 * A warning sentence when the model finds ordinary songs harder than uniform guessing over its vocabulary
 * (its mapping is probably in the wrong order), else null.
 */
export function mappingWarning(weights: LstmModelWeights, mappingName: string): string | null {
	const score = sanityBits(weights);
	if (!score) return null;
	const uniform = Math.log2(weights.vocabulary.length);
	if (score.bitsPerStep <= uniform) return null;
	return (
		`The model finds three ordinary folk songs harder than random guessing (${score.bitsPerStep.toFixed(1)} ` +
		`bits per step where guessing costs ${uniform.toFixed(1)}): ${mappingName} is probably not in the order ` +
		'the model was trained with. Give the mapping.json written together with this model.h5.'
	);
}
