/**
 * Recovers a merged model's members' own output biases when only their mean was kept (the bundled model
 * was merged before `cli merge` stored them), so it can sample from its members' mixture.
 *
 * Each member's units are its own network (the merged recurrence is block-diagonal), so its logits
 * without bias are known at every step. At its training optimum a member's bias makes its predicted count
 * of each symbol equal the symbol's count in the training songs (`fitOutputBias`). Fitting that on the
 * training songs for each member, then keeping only the members' DIFFERENCES around the stored mean, leaves
 * the merged model's own predictions (the geometric mean) exactly as they were; what the songs used here
 * lack against the members' real training data shifts both members alike and cancels in the difference.
 * Checks printed: each member alone scores held-out songs about as its model card row says.
 *
 *   npx tsx scripts/member-bias.ts --model static/models/default --style germany \
 *     --train <training songs…> --held <held-out songs…> [--write]
 *
 * `--in-<style> <songs…>` (several) adds training songs read in that style instead of `--style`'s: a
 * model whose tunes are written in their songs' styles is fitted in them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readModelDir } from '../src/cli/files';
import { flagWords } from './flag-words';
import { readSongs } from '../src/cli/paths';
import { removeDuplicates } from '../src/lib/eval/dedupe';
import { outputLogits } from '../src/lib/eval/calibrate';
import { fitOutputBias } from '../src/lib/model/merge';
import type { EncodedSong } from '../src/lib/encoding/song';

const { values } = parseArgs({
	options: {
		model: { type: 'string' },
		style: { type: 'string' },
		units: { type: 'string' },
		train: { type: 'string', multiple: true },
		held: { type: 'string', multiple: true },
		write: { type: 'boolean' },
		calibrate: { type: 'boolean' },
		out: { type: 'string' }
	},
	allowPositionals: true,
	strict: false
});
const group = (flag: string) => flagWords(flag);

const dir = String(values.model);
const { weights, metadata } = readModelDir(dir);
const v = weights.vocabulary.length;
const top = weights.layers[weights.layers.length - 1].units;
const units = (
	metadata.members?.map((m) => m.config?.units ?? 0) ??
	String(values.units ?? '')
		.split(',')
		.map(Number)
).filter((u) => u > 0);
if (units.length < 2 || units.reduce((a, b) => a + b, 0) !== top)
	throw new Error(`${dir}: its members' units (${units.join(', ')}) do not fill its ${top} units.`);
const M = units.length;
const style = values.style === undefined ? null : String(values.style);

/** Each member's logits without bias at every step of the songs, and the symbol that followed. */
function collect(songs: readonly EncodedSong[]): { logits: Float32Array[]; targets: Int32Array } {
	// The merged output kernel holds each member's rows × 1/M.
	const parts = units.map((size, k) => ({ start: units.slice(0, k).reduce((a, b) => a + b, 0), size }));
	return outputLogits(weights, songs, { style, parts, scale: M });
}

function bits(dists: (t: number) => Float64Array, targets: Int32Array): number {
	let sum = 0;
	for (let t = 0; t < targets.length; t++) sum -= Math.log2(dists(t)[targets[t]]);
	return sum / targets.length;
}

function softmax(logits: Float32Array, t: number, bias: Float32Array): Float64Array {
	const p = new Float64Array(v);
	let max = -Infinity;
	for (let j = 0; j < v; j++) max = Math.max(max, (p[j] = logits[t * v + j] + bias[j]));
	let s = 0;
	for (let j = 0; j < v; j++) s += p[j] = Math.exp(p[j] - max);
	return p.map((x) => x / s);
}

const started = Date.now();
const training: (EncodedSong & { style?: string })[] = group('train').length
	? await readSongs(group('train'), 'training songs')
	: [];
for (const flag of new Set(process.argv.slice(2).filter((a) => a.startsWith('--in-')))) {
	const style = flag.slice('--in-'.length);
	const songs = await readSongs(group(flag.slice(2)), `the ${style} songs`);
	training.push(...songs.map((s) => ({ ...s, style })));
}
const { kept: held } = removeDuplicates(
	await readSongs(group('held'), 'held-out songs'),
	training.map((s) => s.symbols),
	(s) => s.symbols
);
const train = collect(training);
console.log(
	`${training.length} training songs, ${train.targets.length} steps (${(Date.now() - started) / 1000} s)`
);
const fitted = train.logits.map((l) => fitOutputBias(l, v, train.targets, weights.denseBias));
const mean = new Float32Array(v).map((_, j) => fitted.reduce((s, b) => s + b[j], 0) / M);
// Keep the members' differences around the stored mean: the merged model's own predictions stay as they are.
// With --calibrate, keep the fitted biases themselves: each member then predicts each symbol, on these
// songs, as often as it occurs (a trained network run without its dropout does not quite).
const biases = values.calibrate
	? fitted
	: fitted.map((b) => b.map((x, j) => x - mean[j] + weights.denseBias[j]));
const drift = Math.max(...mean.map((x, j) => Math.abs(x - weights.denseBias[j])));
const spread = Math.max(...biases[0].map((x, j) => Math.abs(x - biases[1][j])));
console.log(
	`fitted mean against the stored mean: at most ${drift.toFixed(3)} apart (members' biases differ by up to ${spread.toFixed(3)})`
);

const h = collect(held);
const member = (k: number) => (t: number) => softmax(h.logits[k], t, biases[k]);
const geometric = (t: number) => {
	const sum = new Float32Array(v);
	for (let k = 0; k < M; k++)
		for (let j = 0; j < v; j++) sum[j] += (h.logits[k][t * v + j] + biases[k][j]) / M;
	return softmax(sum, 0, new Float32Array(v));
};
const mixture = (t: number) => {
	const p = new Float64Array(v);
	for (let k = 0; k < M; k++) member(k)(t).forEach((x, j) => (p[j] += x / M));
	return p;
};
console.log(`${held.length} held-out songs, ${h.targets.length} steps; bits per step:`);
for (let k = 0; k < M; k++)
	console.log(`  member ${k + 1} alone (recovered bias): ${bits(member(k), h.targets).toFixed(4)}`);
console.log(`  merged, geometric mean (as scored): ${bits(geometric, h.targets).toFixed(4)}`);
console.log(`  merged, mixture: ${bits(mixture, h.targets).toFixed(4)}`);
if (values.write) {
	metadata.members = metadata.members!.map((m, k) => ({
		...m,
		outputUnits: units[k],
		outputBias: Array.from(biases[k], (x) => Number(x.toPrecision(8)))
	}));
	const out = join(String(values.out ?? dir), 'metadata.json');
	writeFileSync(out, JSON.stringify(metadata, null, 1));
	console.log(`wrote the members' biases into ${out}`);
}
console.log(`took ${(Date.now() - started) / 1000} s`);
