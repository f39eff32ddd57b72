/**
 * `melody-stats`: how much a model's melodies are like real songs. Draws held-out songs, writes one
 * melody per song in its meter and number of bars with the app's sampler and defaults, and compares
 * pooled histograms (eval/melody-stats.ts) with the held-out songs, beside the noise floor and the level
 * real training songs reach.
 */
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { UsageError, type CliContext, type Command } from '../command';
import { groupPaths, readSongs } from '../paths';
import { loadStepModel } from '../models';
import {
	numberFlag,
	numberSetting,
	SAMPLING_OPTIONS,
	SAMPLING_USAGE,
	samplingFlags,
	settingOptions
} from '../sampling';
import { removeDuplicates } from '../../lib/eval/dedupe';
import {
	barPhases,
	compareWithRealSongs,
	FEATURES,
	realSong,
	type MelodyStatsReport,
	type MelodyWriter
} from '../../lib/eval/melody-stats';
import { generate } from '../../lib/generate/generate';
import { deriveSeed, mulberry32 } from '../../lib/generate/random';
import { barContext } from '../../lib/model/features';
import { GENERATE_DEFAULTS } from '../../lib/generate/defaults';
import { compareSongs, type SongComparison } from '../../lib/eval/song-compare';
import { DEGREES, type TuneSetSummary } from '../../lib/eval/song-measures';
import type { RealSong, MeasuredMelody } from '../../lib/eval/melody-stats';
import type { EncodedSong } from '../../lib/encoding/song';
import { collectSongForms, kernPhraseBarlines, type SongForms } from '../../lib/generate/templates';
import { readModelDir } from '../files';

/** The reference's own procedure (REFERENCE.md): T = 0.3, until `/` or 500 steps, no meter, no top-p. */
const REFERENCE_PROCEDURE = { temperature: 0.3, steps: 500 };

const options = {
	model: { type: 'string' },
	keras: { type: 'string' },
	mapping: { type: 'string' },
	train: { type: 'string', multiple: true },
	corpus: { type: 'string', multiple: true },
	exclude: { type: 'string', multiple: true },
	samples: { type: 'string' },
	...SAMPLING_OPTIONS,
	sampler: { type: 'string' },
	upbeat: { type: 'string' },
	templates: { type: 'string' },
	set: { type: 'string', multiple: true },
	mixture: { type: 'string' },
	...settingOptions(['randomSeed'])
} as const;

/**
 * `--set key=value`: further generation settings passed to the sampler as they are (a number or JSON
 * where the value reads as one, else the text), so a new setting can be measured before it has a flag.
 */
/**
 * The forms of `songs` by meter (generate/templates.ts), each kern file's phrase marks read from the file
 * itself (a song inside a zip, or of another format, is taken in two-bar phrases).
 */
export function songFormsOf(songs: readonly EncodedSong[]): SongForms {
	return collectSongForms(
		songs.map((song) => {
			let phraseBarlines: number[] = [];
			if (/\.krn$/i.test(song.path))
				try {
					phraseBarlines = kernPhraseBarlines(readFileSync(song.path, 'utf8'));
				} catch {
					// Inside a zip, or gone: two-bar phrases.
				}
			return { song, phraseBarlines };
		})
	);
}

export function extraSettings(pairs: readonly string[] = []): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const pair of pairs) {
		const eq = pair.indexOf('=');
		if (eq <= 0) throw new UsageError(`--set takes key=value, not “${pair}”`);
		const text = pair.slice(eq + 1);
		let value: unknown = text;
		try {
			value = JSON.parse(text);
		} catch {
			// Plain text, e.g. --set form=AABA.
		}
		out[pair.slice(0, eq)] = value;
	}
	return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
/** A relative difference, signed, in per cent. */
const rel = (x: number, of: number) =>
	of ? `${x >= of ? '+' : ''}${((100 * (x - of)) / of).toFixed(1)} %` : '—';

/** The songs-as-wholes table: every figure beside the held-out songs' and the reference songs'. */
function printSongs(ctx: CliContext, s: SongComparison): void {
	const c = s.classifier;
	ctx.print('');
	ctx.print(
		`classifier (logistic regression, ${c.folds}-fold cross-validation, mean of ${c.repeats} deals; chance 50 %)`
	);
	ctx.print(
		`  generated vs held-out  ${pct(c.generatedVsHeld.accuracy).padStart(7)}   (${c.generatedVsHeld.tunes} + ${c.generatedVsHeld.tunes} tunes)`
	);
	ctx.print(
		`  reference vs held-out  ${pct(c.referenceVsHeld.accuracy).padStart(7)}   (${c.referenceVsHeld.tunes} + ${c.referenceVsHeld.tunes} tunes: the real-vs-real level)`
	);
	ctx.print(
		`  most telling (standardised weight, + = more in generated; mean generated / held-out / reference): ${c.telling
			.map(
				(t) =>
					`${t.feature} ${t.weight >= 0 ? '+' : ''}${t.weight.toFixed(2)} (${[t.generated, t.held, t.reference].map((x) => x.toFixed(3)).join(' / ')})`
			)
			.join(', ')}`
	);
	const rows: [string, (t: TuneSetSummary) => number, boolean][] = [
		['notes per bar', (t) => t.notesPerBar, false],
		['mean note (16ths)', (t) => t.meanNoteLength, false],
		['bar repeats', (t) => t.barRepeats, true],
		['2-bar repeats', (t) => t.phrase2Repeats, true],
		['4-bar repeats', (t) => t.phrase4Repeats, true],
		['bars back', (t) => t.repeatDistance, false],
		['ends on tonic', (t) => t.endsOnTonic, true],
		['2-bar end tonic', (t) => t.phrase2EndsOnTonic, true],
		['4-bar end tonic', (t) => t.phrase4EndsOnTonic, true],
		['upbeat', (t) => t.upbeat, true]
	];
	const show = (x: number, share: boolean) => (share ? pct(x) : x.toFixed(2));
	for (const scope of [{ meter: 'all meters', ...s.all }, ...s.meters]) {
		ctx.print('');
		ctx.print(
			`${scope.meter.padEnd(18)} ${'generated'.padStart(9)} ${'held-out'.padStart(9)} ${'reference'.padStart(9)}   gen vs held   ref vs held   (${scope.held.tunes} tunes)`
		);
		for (const [name, f, share] of rows) {
			const g = f(scope.generated);
			const h = f(scope.held);
			const r = f(scope.reference);
			ctx.print(
				`${name.padEnd(18)} ${show(g, share).padStart(9)} ${show(h, share).padStart(9)} ${show(r, share).padStart(9)}   ${rel(g, h).padStart(11)}   ${rel(r, h).padStart(11)}`
			);
		}
		const dist = (counts: number[]) => {
			const n = counts.reduce((a, b) => a + b, 0);
			return counts.map((k) => (n ? Math.round((100 * k) / n) : 0)).join(' ');
		};
		for (const [name, key] of [
			['last note', 'lastDegrees'],
			['2-bar phrase end', 'phrase2Ends']
		] as const)
			ctx.print(
				`${name} % on degrees ${DEGREES.join(' ')}: generated ${dist(scope.generated[key])} | held-out ${dist(scope.held[key])} | reference ${dist(scope.reference[key])}`
			);
	}
}

function print(ctx: CliContext, r: MelodyStatsReport, describe: string[]): void {
	for (const line of describe) ctx.print(line);
	ctx.print('');
	ctx.print('feature       JSD     floor  training  JSD/training');
	for (const f of FEATURES) {
		const x = r.features[f];
		ctx.print(
			`${f.padEnd(12)} ${x.jsd.toFixed(4)}  ${x.floor.toFixed(4)}  ${x.trainingLevel.toFixed(4)}  ${(x.jsd / x.trainingLevel).toFixed(1).padStart(6)}`
		);
	}
	const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
	ctx.print('');
	ctx.print('                  generated   real  training');
	ctx.print(
		`ends on tonic     ${pct(r.endsOnTonic.generated).padStart(9)}  ${pct(r.endsOnTonic.real).padStart(5)}  ${pct(r.endsOnTonic.training).padStart(8)}`
	);
	ctx.print(
		`notes per melody  ${r.notesPerMelody.generated.toFixed(1).padStart(9)}  ${r.notesPerMelody.real.toFixed(1).padStart(5)}  ${r.notesPerMelody.training.toFixed(1).padStart(8)}`
	);
}

const command: Command = {
	summary: 'compare a model’s melodies with real songs: histograms, Jensen–Shannon divergence, endings',
	usage: [
		'npm run --silent cli -- melody-stats (--model <dir> | --keras <model.h5> --mapping <mapping.json>)',
		'    --train <paths…> --corpus <paths…> [--exclude <paths…>] [--samples 200] [--temperature T]',
		'    [--top-p P] [--endings K] [--sampler tune|open] [--upbeat downbeat|corpus] [--mixture on|off]',
		'    [--templates train|model] [--set key=value …] [--random-seed 1] [--json]',
		'',
		'Draws --samples held-out songs (--corpus; songs identical to a --train song, or to an --exclude song',
		'the model learned in another collection, are removed; songs without a numeric meter are left out)',
		'and writes one melody for each in its meter and number of bars, nothing else from the song, with',
		'the app’s sampler and defaults for unset flags, in the forms of the --train songs (--templates',
		'model: the model’s own, as the app). Compares the melodies with all held-out songs per histogram',
		'(scaleDegree, interval, duration, rest, range, repeatRun) by Jensen–Shannon divergence (bits),',
		'beside the noise floor (two disjoint random sets of held-out songs) and the training level (random',
		'--train songs against the held-out songs), each the mean of 20 draws. --sampler open is the sampler before whole tunes: at most the bars’ steps, ending',
		'wherever the model ends the song. --upbeat corpus starts each melody where a training song in its',
		'meter, drawn at random, starts in its bar (an upbeat as often as the training songs have one; the',
		'tune then ends where its pickup’s bar is completed); the default, as the app, starts on the downbeat.',
		'A Keras model runs the reference’s own procedure: T = 0.3 unless',
		'given, until "/" or 500 steps, no meter (one LSTM step a symbol, as the app runs it).',
		'Songs as wholes (src/lib/eval/song-compare.ts): a logistic regression on per-tune features, its',
		'10-fold cross-validated accuracy at telling the melodies from the drawn held-out songs, beside its',
		'accuracy at telling --train songs (matched to the drawn songs by meter and length) from them: give',
		'--train and --corpus from ONE collection split by whole songs. Per meter (>= 20 drawn songs): notes',
		'per bar, mean note length, bar and 2-/4-bar phrase repeats, the degrees phrases and tunes end on.',
		'--set key=value passes a further generation setting as it is (e.g. --set form=AABA).',
		'--mixture on|off: a merged model draws from its members’ mixture or from the geometric mean its',
		'averaged logits give (default: the app’s).',
		'JSON: {samples, real, features: {<name>: {jsd, floor, trainingLevel}}, endsOnTonic: {generated, real,',
		'training}, notesPerMelody: {generated, real, training}, songs: {classifier, all, meters}, levels,',
		'settings, seconds, warnings} (warnings, as a Keras mapping in the wrong order, also go to stderr).',
		...SAMPLING_USAGE
	].join('\n'),
	options,
	async run(values, positionals, ctx) {
		const paths = groupPaths('melody-stats', options, values, positionals);
		if (paths.corpus.length === 0) throw new UsageError('give the held-out songs with --corpus <paths…>');
		if (paths.train.length === 0) throw new UsageError('give the training songs with --train <paths…>');
		if ((values.model === undefined) === (values.keras === undefined))
			throw new UsageError('give exactly one of --model or --keras');
		const samples = numberFlag(values.samples, 'samples', 1, 100000, true) ?? 200;
		const randomSeed = numberSetting(values, 'randomSeed') ?? 1;
		const sampler = String(values.sampler ?? 'tune');
		if (sampler !== 'tune' && sampler !== 'open') throw new UsageError('--sampler must be tune or open');
		const upbeat = String(values.upbeat ?? GENERATE_DEFAULTS.upbeat);
		if (upbeat !== 'downbeat' && upbeat !== 'corpus' && upbeat !== 'songs')
			throw new UsageError('--upbeat must be downbeat, corpus or songs');
		const templates = String(values.templates ?? 'train');
		if (templates !== 'train' && templates !== 'model')
			throw new UsageError('--templates must be train or model');
		const started = Date.now();

		const training = await readSongs(paths.train, '--train paths');
		// Songs the model learned besides --train (its other collections share songs with this one).
		const seen = paths.exclude.length ? await readSongs(paths.exclude, '--exclude paths') : [];
		const { kept: held, removed } = removeDuplicates(
			await readSongs(paths.corpus, 'corpus'),
			[...training, ...seen].map((s) => s.symbols),
			(s) => s.symbols
		);
		ctx.log(
			`${training.length} training songs; ${held.length} held-out songs (${removed.length} removed as duplicates)`
		);

		let write: MelodyWriter;
		let settings: Record<string, unknown>;
		let name: string;
		let warnings: string[] = [];
		if (values.keras !== undefined) {
			// The reference's procedure, run statefully (KerasStepModel, as the app generates with it): the
			// exact 64-symbol window costs 64 LSTM steps a symbol, hours for 200 melodies of up to 500 steps.
			const { model, warnings: w } = loadStepModel(values, ctx.warn);
			warnings = w;
			const t = numberSetting(values, 'temperature') ?? REFERENCE_PROCEDURE.temperature;
			settings = { procedure: 'reference', temperature: t, steps: REFERENCE_PROCEDURE.steps };
			name = `reference Keras model (${basename(String(values.keras))})`;
			write = (request, i) => {
				const [m] = generate(model, [], {
					steps: REFERENCE_PROCEDURE.steps,
					stopAtEnd: true,
					temperature: t,
					variations: 1,
					randomSeed: deriveSeed(randomSeed, i)
				});
				return { symbols: m.symbols, bar: barContext(request.meter, 0) };
			};
		} else {
			const loaded = loadStepModel(values, ctx.warn);
			warnings = loaded.warnings;
			if (values.mixture !== undefined) {
				if (values.mixture !== 'on' && values.mixture !== 'off')
					throw new UsageError('--mixture must be on or off');
				loaded.model = loaded.model.withMixture(values.mixture === 'on');
			}
			const flags = samplingFlags(values);
			const sampling = { ...flags, ...extraSettings(values.set as string[] | undefined) } as typeof flags;
			name = loaded.name;
			settings = {
				sampler,
				upbeat,
				...sampling,
				...(loaded.model.merged ? { mixture: loaded.model.mixture ?? GENERATE_DEFAULTS.mixture } : {})
			};
			const phases = upbeat === 'corpus' ? barPhases(training) : null;
			// The songs' forms from the training songs (never the held-out ones), or the model's own.
			const forms =
				templates === 'train'
					? songFormsOf(training)
					: typeof values.model === 'string'
						? readModelDir(values.model).metadata.songForms
						: undefined;
			settings.templates = templates;
			write = (request, i) => {
				const choices = phases?.get(request.meter) ?? [0];
				const barPhase = choices[Math.floor(mulberry32(deriveSeed(randomSeed, -1 - i))() * choices.length)];
				const [m] = generate(
					loaded.model,
					[],
					{
						...(sampler === 'tune'
							? { bars: request.bars }
							: { steps: request.bars * barContext(request.meter, 0)!.stepsPerBar, stopAtEnd: true }),
						...sampling,
						variations: 1,
						randomSeed: deriveSeed(randomSeed, i),
						meter: request.meter,
						barPhase,
						...(upbeat === 'songs' ? { upbeat: 'songs' as const } : {})
					},
					forms
				);
				return { symbols: m.symbols, bar: barContext(request.meter, m.barPhase ?? barPhase) };
			};
		}
		let done = 0;
		let lastLog = Date.now();
		let written: { drawn: readonly RealSong[]; melodies: readonly MeasuredMelody[] } | null = null;
		const report = await compareWithRealSongs(
			held,
			training,
			(request, i) => {
				const m = write(request, i);
				done++;
				if (Date.now() - lastLog > 10_000) {
					lastLog = Date.now();
					ctx.log(`wrote ${done} melodies (${Math.round((Date.now() - started) / 1000)} s)`);
				}
				return m;
			},
			{ samples, randomSeed, onWritten: (drawn, melodies) => (written = { drawn, melodies }) }
		);
		const { drawn, melodies } = written!;
		const reference = training.map(realSong).filter((x): x is RealSong => x !== null);
		const songs = compareSongs(
			drawn,
			melodies.map((m, i) => ({ symbols: m.symbols, bar: m.bar ?? drawn[i].bar })),
			reference,
			{ seed: randomSeed }
		);
		const seconds = Math.round((Date.now() - started) / 100) / 10;
		if (ctx.json)
			ctx.print(
				JSON.stringify({
					...report,
					songs,
					model: name,
					settings: { ...settings, randomSeed },
					seconds,
					warnings
				})
			);
		else {
			print(ctx, report, [
				`model     ${name}`,
				`settings  ${Object.entries({ ...settings, randomSeed })
					.map(([k, v]) => `${k} ${v}`)
					.join(', ')}`,
				`songs     ${report.samples} melodies written; ${report.real} held-out songs with a meter; floor from 2 × ${report.levels.floorSamples}, training level from ${report.levels.trainingSamples} training songs (mean of ${report.levels.repeats} draws)`
			]);
			printSongs(ctx, songs);
		}
		ctx.log(`took ${seconds} s`);
	}
};

export default command;
