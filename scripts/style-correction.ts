/**
 * Fits each style's correction (src/lib/model/correction.ts) on that style's training songs and writes it
 * into a model's metadata: the network's next-symbol distribution reweighted by interval, rest and note
 * length so that, read on the style's own songs, it predicts as many leaps of each size, rests and note
 * lengths as they have. Fitted on the distribution the app samples (a merged model's mixture); held-out
 * songs, where given, are scored before and after both as sampled and as `cli eval` scores (the
 * geometric mean), with the share of notes predicted to leap a tritone or a sixth to an octave.
 *
 *   npx tsx scripts/style-correction.ts --model static/models/default \
 *     --in-altdeu <training songs…> [--held-altdeu <held-out songs…>] … [--sigma 3] \
 *     [--match <rounds> [--match-rests-only]] [--write]
 *
 * `--match` rounds then move the weights so that tunes the app writes in the style have the songs' counts;
 * `--match-rests-only` moves only the rests' weights (a style of few songs: their other counts are noise).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelDir } from '../src/cli/files';
import { flagWords } from './flag-words';
import { readSongs } from '../src/cli/paths';
import { LstmStepModel } from '../src/lib/model/lstm-step';
import { songBarContext } from '../src/lib/model/features';
import { SONG_END } from '../src/lib/music/symbols';
import {
	CORRECTION_INTERVAL,
	CorrectionCollector,
	correctionLoss,
	fitCorrection,
	styleCorrection,
	groupCounts,
	isRestWeight,
	matchCorrection,
	type CorrectionData,
	type GroupCounts
} from '../src/lib/model/correction';
import type { EncodedSong } from '../src/lib/encoding/song';
import { generate } from '../src/lib/generate/generate';
import { GENERATE_DEFAULTS } from '../src/lib/generate/defaults';
import { deriveSeed } from '../src/lib/generate/random';
import { realSong } from '../src/lib/eval/melody-stats';

const argv = process.argv.slice(2);
const group = (flag: string) => flagWords(flag, argv);
const value = (flag: string) => group(flag)[0];
const dir = value('model');
if (!dir) throw new Error('give --model <dir>');
const sigma = Number(value('sigma') ?? 3);
const rounds = Number(value('match') ?? 0);
// Matching only the rests: the other counts of 52 songs' tunes are too few to match (dva).
const restsOnly = argv.includes('--match-rests-only');
const write = argv.includes('--write');
const { weights, metadata } = readModelDir(dir);
const base = new LstmStepModel({ ...weights, corrections: undefined });
const index = new Map(weights.vocabulary.map((s, i) => [s, i]));
const slash = index.get(SONG_END)!;

/** Teacher-forced steps of `songs` in `style`, as sampled (mixture) or as scored (geometric mean). */
function collect(songs: readonly EncodedSong[], style: string, mixture: boolean): CorrectionData {
	const c = new CorrectionCollector(weights.vocabulary);
	const model = base.withStyle(style).withMixture(mixture);
	for (const song of songs) {
		const ids = song.symbols.map((x) => index.get(x) ?? -1);
		if (ids.includes(-1)) continue;
		const m = model.withBar(songBarContext(song));
		let state = m.initialState();
		const inputs = [slash, ...ids];
		for (let i = 0; i < inputs.length; i++) {
			let probabilities: Float32Array;
			({ state, probabilities } = m.step(state, inputs[i]));
			c.add(probabilities, state.ctx, i + 1 < inputs.length ? inputs[i + 1] : slash);
		}
	}
	return c.data();
}

const bits = (d: CorrectionData, w: Float64Array) => (d.baseLoss / d.steps + correctionLoss(d, w)) / Math.LN2;

/** Interval groups (correction.ts: −12…+12 at 1…25, wider pooled at 0 and 26). */
const INTERVALS = 2 * CORRECTION_INTERVAL + 3;
/** Whether interval group `g` is a wide leap: a tritone, or a minor sixth to an octave. */
function wide(g: number): boolean {
	const iv = Math.abs(g - CORRECTION_INTERVAL - 1);
	return g >= 1 && g < INTERVALS - 1 && (iv === 6 || iv >= 8);
}

/** Of the steps where a note came after another, the share of the notes' mass on wide leaps. */
function wideShare(d: CorrectionData, w: Float64Array): number {
	let sum = 0;
	let n = 0;
	for (let s = 0; s < d.steps; s++) {
		const t = d.groups[s * d.v + d.target[s]];
		if (t < 0 || t >= INTERVALS) continue;
		let all = 0;
		let leap = 0;
		for (let j = 0; j < d.v; j++) {
			const g = d.groups[s * d.v + j];
			if (g < 0 || g >= INTERVALS) continue;
			const c = d.classes[j];
			const m = d.p[s * d.v + j] * Math.exp(w[g] + (c >= 0 ? w[c] : 0));
			all += m;
			if (wide(g)) leap += m;
		}
		sum += leap / all;
		n++;
	}
	return n ? sum / n : 0;
}

/** The counts a musician would read: leaps, rests, note lengths. */
function describe(c: GroupCounts): string {
	const notes = c.interval.reduce((a, b) => a + b, 0);
	const leaps = c.interval.reduce((a, n, g) => a + (wide(g) ? n : 0), 0);
	const ended = (k: number) => c.heldTo[k] - c.heldOn[k];
	const lengths = [1, 2, 3, 4, 6, 8, 12, 16].map(
		(k) => `${k}:${((100 * ended(k - 1)) / Math.max(1, c.heldTo[0])).toFixed(1)}`
	);
	return `wide leaps ${((100 * leaps) / Math.max(1, notes)).toFixed(2)} %, rests per 100 steps ${((100 * c.rests) / c.steps).toFixed(2)}, note lengths % ${lengths.join(' ')}`;
}

const corrections: NonNullable<typeof metadata.corrections> = {};
const styles = [...new Set(argv.filter((a) => a.startsWith('--in-')).map((a) => a.slice(5)))];
for (const style of styles) {
	const started = Date.now();
	const songs = await readSongs(group(`in-${style}`), `the ${style} songs`);
	const train = collect(songs, style, true);
	let w = fitCorrection(train, sigma);
	const zero = new Float64Array(w.length);
	if (rounds > 0) {
		const real = groupCounts(songs.map((x) => x.symbols));
		const requests = songs.map(realSong).filter((x) => x !== null);
		console.log(`  the songs: ${describe(real)}`);
		for (let r = 0; r <= rounds; r++) {
			const model = new LstmStepModel({ ...weights, corrections: { [style]: styleCorrection(w) } });
			const written = requests.map((q, i) => {
				const [m] = generate(
					model,
					[],
					{
						...GENERATE_DEFAULTS,
						bars: q!.bars,
						meter: q!.meter,
						barPhase: 0,
						variations: 1,
						randomSeed: deriveSeed(1000 + r, i),
						style
					},
					metadata.songForms
				);
				return m.symbols;
			});
			const counts = groupCounts(written);
			console.log(`  round ${r}: ${describe(counts)}`);
			if (r < rounds) {
				const matched = matchCorrection(w, real, counts);
				w = restsOnly ? Float64Array.from(w, (x, i) => (isRestWeight(i) ? matched[i] : x)) : matched;
			}
		}
	}
	corrections[style] = styleCorrection(w);
	console.log(
		`${style}: ${songs.length} training songs, ${train.steps} steps; bits per step (as sampled) ${bits(train, zero).toFixed(4)} → ${bits(train, w).toFixed(4)}; wide leaps ${(100 * wideShare(train, zero)).toFixed(2)} % → ${(100 * wideShare(train, w)).toFixed(2)} % (${((Date.now() - started) / 1000).toFixed(0)} s)`
	);
	const heldPaths = group(`held-${style}`);
	if (heldPaths.length) {
		const held = await readSongs(heldPaths, `the held-out ${style} songs`);
		const sampled = collect(held, style, true);
		const scored = collect(held, style, false);
		console.log(
			`  held out: ${held.length} songs, ${scored.steps} steps; bits as scored ${bits(scored, zero).toFixed(4)} → ${bits(scored, w).toFixed(4)}, as sampled ${bits(sampled, zero).toFixed(4)} → ${bits(sampled, w).toFixed(4)}; wide leaps ${(100 * wideShare(sampled, zero)).toFixed(2)} % → ${(100 * wideShare(sampled, w)).toFixed(2)} %`
		);
	}
	console.log(`  weights: ${JSON.stringify(corrections[style])}`);
}
if (write) {
	// One line at the end of the file, the rest of it as it was (its song forms one a line).
	const file = join(dir, 'metadata.json');
	const line = ` "corrections": ${JSON.stringify({ ...metadata.corrections, ...corrections })}`;
	const text = readFileSync(file, 'utf8');
	writeFileSync(
		file,
		/^ "corrections": .*$/m.test(text)
			? text.replace(/^ "corrections": .*$/m, line)
			: text.replace(/\n}\s*$/, `,\n${line}\n}\n`)
	);
	console.log(`wrote ${Object.keys(corrections).join(', ')} into ${join(dir, 'metadata.json')}`);
}
