/**
 * `generate`: continues a seed with a model and prints the symbols; optionally writes every file the page
 * downloads (MIDI, **kern, ABC, MusicXML) with the same writers, key, voice placement and title. The same
 * random seed gives the same melody. Its setting flags, their ranges and usage come from
 * `GENERATE_SETTINGS` (cli/sampling.ts).
 */
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError, type Command } from '../command';
import { loadStepModel } from '../models';
import { generate } from '../../lib/generate/generate';
import { MAX_SEED, MAX_STEPS, type GenerateSettings } from '../../lib/generate/settings';
import { checkOutFile, readModelDir } from '../files';
import { GENERATE_DEFAULTS } from '../../lib/generate/defaults';
import {
	numberFlag,
	numberSetting,
	SAMPLING_OPTIONS,
	SAMPLING_USAGE,
	samplingFlags,
	settingFlag,
	settingOptions,
	settingUsage
} from '../sampling';
import { randomSeed as freshSeed } from '../../lib/generate/random';
import { parseSeed, formatSymbols } from '../../lib/generate/seed';
import { formatMeter, parseMeter } from '../../lib/music/meter';
import { toMidi, DEFAULT_BPM } from '../../lib/formats/midi';
import { toKern } from '../../lib/formats/kern';
import { toAbc } from '../../lib/formats/abc';
import { toMusicXml } from '../../lib/formats/musicxml';
import { cleanName } from '../../lib/formats/name';
import { EXPORT_KEYS, estimateMode, findKey, homeKey, keyOf, type Mode } from '../../lib/formats/key';
import { VOICE_RANGES, placeInRange } from '../../lib/music/register';
import { VOICES } from '../../lib/playback/voices';
import { chooseStyle } from '../style';
import { GENERATE_MODES } from '../../lib/generate/mode';
import { readFileSync, statSync } from 'node:fs';
import { midiToSeed, readMidiNotes, type MidiFileNotes, type MidiSeed } from '../../lib/formats/midi-in';
import { midiSizeProblem } from '../../lib/formats/midi-read';
import { formBars, parseForm, THROUGH } from '../../lib/generate/form';

/** The file of variation `i` of `n`: `melody.mid`, or `melody-2.mid` when there are several. */
function numbered(path: string, i: number, n: number): string {
	return n === 1 ? path : path.replace(/(\.[^./]+)?$/, `-${i + 1}$1`);
}

/**
 * The MIDI file of --seed-midi, read (within the limits of formats/midi-read.ts) before any model is
 * loaded, so its meter can be the tune's and a bad file is named at once; null without the flag.
 */
function readSeedMidi(values: Record<string, unknown>): { file: MidiFileNotes; bars: number } | null {
	if (values['seed-midi'] === undefined) {
		if (values['seed-bars'] !== undefined) throw new UsageError('--seed-bars goes with --seed-midi');
		return null;
	}
	if (values.seed !== undefined) throw new UsageError('give --seed or --seed-midi, not both');
	const path = String(values['seed-midi']);
	const name = basename(path);
	let size: number;
	try {
		const st = statSync(path);
		if (!st.isFile()) throw new UsageError(`--seed-midi ${path} is not a file`);
		size = st.size;
	} catch (e) {
		if (e instanceof UsageError) throw e;
		throw new UsageError(`--seed-midi: there is no file ${path}`);
	}
	const tooLarge = midiSizeProblem(name, size);
	if (tooLarge) throw new UsageError(tooLarge);
	// The limits of a seed in steps are the core's (midiToSeed): here only a whole number of bars.
	const bars = numberFlag(values['seed-bars'], 'seed-bars', 1, MAX_SEED, true) ?? MIDI_SEED_BARS;
	return { file: readMidiNotes(readFileSync(path), name), bars };
}

/** Bars a MIDI seed keeps unless --seed-bars says: as the Generate stage starts. */
const MIDI_SEED_BARS = 2;

/** The generation settings `generate` reads besides the sampling ones, each a row of the table. */
const GENERATE_KEYS = [
	'bars',
	'steps',
	'meter',
	'variations',
	'randomSeed',
	'mode',
	'tonic',
	'style'
] as const;

/** The files a melody can be written to, as the page's Export bar offers them. */
const OUTPUTS = ['out', 'kern', 'abc', 'musicxml'] as const;

const command: Command = {
	summary: 'continue a seed with a model; print the symbols, write MIDI, **kern, ABC or MusicXML',
	usage: [
		'npm run --silent cli -- generate (--model <dir> | --keras <model.h5> --mapping <mapping.json>)',
		'    [--seed "67 _ 67 _" | --seed-midi tune.mid [--seed-bars 2]] [--bars 8 | --steps 500 [--no-stop]]',
		'    [--meter 4/4] [--temperature T] [--top-p P]',
		'    [--endings K] [--random-seed 42] [--variations 1] [--out melody.mid] [--kern melody.krn]',
		'    [--abc melody.abc] [--musicxml melody.musicxml] [--title "Tune name"]',
		'    [--mode dorian] [--key "G major"] [--voice flute] [--bpm 100] [--style <id>] [--form AABA [--phrase-bars 2]]',
		'    [--upbeat songs|downbeat] [--json]',
		'',
		'Prints one line of symbols per variation. Without --random-seed a fresh one is chosen and shown on',
		`stderr. By default a whole tune of --bars bars (default ${GENERATE_DEFAULTS.bars}, the seed included) that the model ends`,
		'itself on the last barline, as the app writes it. --steps N instead adds at most N symbols and stops',
		'where the model ends the song; --no-stop keeps going (the model never ends it). With several',
		'variations, --out, --kern, --abc and --musicxml write one file each (melody-1.mid, melody-2.mid, …), as the page',
		'downloads it; --title names the tune in every file (default "Melody <random seed>"; with several',
		'variations "<title> (2)", …). --form builds the tune of phrases',
		'(AABB, ABAB, AABA, ABAC, "AA\'BA\'", through): without --bars it is as long as the form.',
		`--form songs (default ${GENERATE_DEFAULTS.form}) follows the form of one of the model's training songs`,
		'of the meter and nearest length (the bars it repeats, its phrase ends), drawn by the random seed;',
		'--upbeat songs (the default) starts a tune without a seed where one of those songs starts in its',
		'bar (the JSON gives its barPhase), --upbeat downbeat on the downbeat. The JSON',
		"gives each melody's phrases (label, start and end step). --mode writes the tune in a mode",
		`(${GENERATE_MODES.join(', ')}); --key moves the files there (its tonic, in the tune's mode when`,
		"--mode is given); --voice moves them by whole octaves into that voice's range, as the app does",
		`(${VOICES.map((v) => v.id).join(', ')}).`,
		...settingUsage(GENERATE_KEYS),
		...SAMPLING_USAGE,
		'',
		`--seed-midi takes the seed from a MIDI file as the Generate stage does: the highest line of its fullest`,
		`track that is not drums, on the 16th grid, moved to C major or A minor, its first --seed-bars bars`,
		`(default ${MIDI_SEED_BARS}); the file's meter is the tune's unless --meter is given.`
	].join('\n'),
	options: {
		model: { type: 'string' },
		keras: { type: 'string' },
		mapping: { type: 'string' },
		seed: { type: 'string' },
		'seed-midi': { type: 'string' },
		'seed-bars': { type: 'string' },
		...settingOptions(GENERATE_KEYS),
		...SAMPLING_OPTIONS,
		'no-stop': { type: 'boolean' },
		...Object.fromEntries(OUTPUTS.map((flag) => [flag, { type: 'string' as const }])),
		title: { type: 'string' },
		voice: { type: 'string' },
		bpm: { type: 'string' },
		upbeat: { type: 'string' }
	},
	optionalValues: ['style'],
	async run(values, positionals, ctx) {
		if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
		const midi = readSeedMidi(values);
		const ts = midi?.file.timeSignature;
		const midiMeter = ts && parseMeter(`${ts.numerator}/${ts.denominator}`);
		const meter = parseMeter(
			String(settingFlag(values, 'meter') ?? (midiMeter ? formatMeter(midiMeter) : GENERATE_DEFAULTS.meter))
		)!;
		if (values.bars !== undefined && values.steps !== undefined)
			throw new UsageError('give --steps or --bars, not both');
		if (values['no-stop'] && values.steps === undefined)
			throw new UsageError(
				'--no-stop goes with --steps (a whole tune of --bars always ends on its last barline)'
			);
		const steps = numberSetting(values, 'steps');
		const sampling = samplingFlags(values);
		// A form shapes a whole tune: the default one stands aside for --steps, one asked for is refused.
		const inForm = sampling.form !== THROUGH && steps === undefined;
		if (values.form !== undefined && sampling.form !== THROUGH && steps !== undefined)
			throw new UsageError('--form writes a whole tune: give its length with --bars (or none), not --steps');
		// A form without --bars is as long as its phrases.
		const bars =
			steps === undefined
				? (numberSetting(values, 'bars') ??
					(inForm && parseForm(sampling.form)
						? formBars(parseForm(sampling.form)!.length, sampling.phraseBars)
						: GENERATE_DEFAULTS.bars))
				: undefined;
		if (bars !== undefined && bars * meter.stepsPerBar > MAX_STEPS)
			throw new UsageError(
				`--bars ${bars} of ${formatMeter(meter)} is ${(bars * meter.stepsPerBar).toLocaleString('en')} steps; ` +
					`the most is ${MAX_STEPS.toLocaleString('en')}, so ask for at most ${Math.floor(MAX_STEPS / meter.stepsPerBar)} bars`
			);
		const variations = numberSetting(values, 'variations') ?? GENERATE_DEFAULTS.variations;
		const given = numberSetting(values, 'randomSeed');
		const randomSeed = given ?? freshSeed();
		const bpm = numberFlag(values.bpm, 'bpm', 20, 400) ?? DEFAULT_BPM;
		let key = undefined;
		if (values.key !== undefined) {
			key = findKey(String(values.key));
			if (!key)
				throw new UsageError(
					`--key "${values.key}" is not a key; use e.g. ${EXPORT_KEYS.slice(0, 3)
						.map((k) => `"${k.name}"`)
						.join(', ')}`
				);
		}

		const voice = values.voice === undefined ? undefined : String(values.voice);
		if (voice !== undefined && !VOICE_RANGES[voice])
			throw new UsageError(
				`--voice "${voice}" is not a voice; use one of ${Object.keys(VOICE_RANGES).join(', ')}`
			);
		const mode = settingFlag(values, 'mode') as Mode | undefined;
		let title: string | undefined;
		if (values.title !== undefined) {
			// Cleaned as the page cleans a typed name (formats/name.ts); each writer escapes it for its format.
			title = cleanName(String(values.title));
			if (!title) throw new UsageError('--title needs a name with a letter or digit in it');
		}

		// Where the files go is checked before any work: writable, not a folder, not the same file twice.
		const seen = new Map<string, string>();
		for (const flag of OUTPUTS) {
			if (typeof values[flag] !== 'string') continue;
			for (let i = 0; i < variations; i++) {
				const path = numbered(String(values[flag]), i, variations);
				const other = seen.get(resolve(path));
				if (other)
					throw new UsageError(`${other} and --${flag} both write ${path}; give them different file names`);
				seen.set(resolve(path), `--${flag}`);
				checkOutFile(path, `--${flag}`);
			}
		}

		const upbeat = String(values.upbeat ?? GENERATE_DEFAULTS.upbeat);
		if (upbeat !== 'songs' && upbeat !== 'downbeat')
			throw new UsageError(`--upbeat must be songs or downbeat, not "${upbeat}"`);
		const loaded = loadStepModel(values, ctx.warn);
		// The forms and upbeats of the model's training songs, where its metadata keeps them.
		const songForms =
			typeof values.model === 'string' ? readModelDir(values.model).metadata.songForms : undefined;
		const { name } = loaded;
		// --style writes in one of the model's styles (without it: no style); the core applies it.
		const { model } = loaded;
		const { style } = chooseStyle(model, values.style);
		let seed: string[];
		let seedSummary: string | undefined;
		let barPhase = 0;
		if (midi) {
			const taken: MidiSeed = midiToSeed(midi.file, { bars: midi.bars, vocabulary: model.vocabulary });
			seedSummary = taken.summary;
			ctx.log(seedSummary);
			if (!taken.symbols.length) throw new Error(`${midi.file.label} gives no notes in its first bars.`);
			seed = taken.symbols;
			// The seed's upbeat counts where the tune is in the file's meter.
			if (taken.meter === formatMeter(meter)) barPhase = taken.barPhase;
		} else {
			const parsed = parseSeed(String(values.seed ?? ''), model.vocabulary);
			if (parsed.problems.length) throw new UsageError(`--seed: ${parsed.problems[0].message}`);
			seed = parsed.symbols;
		}
		if (given === undefined)
			ctx.log(`random seed ${randomSeed} (give --random-seed ${randomSeed} to get this again)`);

		const t0 = performance.now();
		// A seed of its own starts on the downbeat of the chosen meter; a MIDI seed where its file puts it.
		const settings: GenerateSettings = {
			...(bars === undefined ? { steps, stopAtEnd: !values['no-stop'] } : { bars }),
			...sampling,
			variations,
			randomSeed,
			meter: formatMeter(meter),
			barPhase,
			...(upbeat === 'songs' && !midi ? { upbeat: 'songs' as const } : {}),
			...(mode ? { mode } : {}),
			...(style ? { style } : {})
		};
		const melodies = generate(model, seed, settings, songForms);
		const ms = performance.now() - t0;
		const length = bars === undefined ? `up to ${steps} steps` : `${bars} bars of ${formatMeter(meter)}`;
		ctx.log(
			`${name}${style ? ` (style ${style})` : ''}: ${melodies.length} × ${length} in ${ms.toFixed(0)} ms`
		);

		const files: string[] = [];
		melodies.forEach((m, i) => {
			// The upbeat as the page's exports take it: 16ths before the first full bar (its own, if drawn).
			const phase = m.barPhase ?? barPhase;
			const pickup = phase > 0 ? meter.stepsPerBar - phase : 0;
			const suffix = (path: string) => numbered(path, i, melodies.length);
			const named = key ?? homeKey(m.mode ?? estimateMode(m.symbols));
			const inMode = m.mode ? keyOf(named.tonic, m.mode) : named;
			const exportKey = voice ? placeInRange(inMode, m.symbols, VOICE_RANGES[voice]) : inMode;
			const tuneTitle = title
				? melodies.length > 1
					? `${title} (${i + 1})`
					: title
				: `Melody ${m.randomSeed}`;
			const write: Record<(typeof OUTPUTS)[number], () => string | Uint8Array> = {
				out: () =>
					toMidi(m.symbols, {
						bpm,
						meter,
						name: tuneTitle,
						key: exportKey,
						// The voice's General MIDI program, as the page writes it (piano without --voice).
						program: VOICES.find((v) => v.id === voice)?.program ?? 0
					}),
				kern: () => toKern(m.symbols, { meter, key: exportKey, title: tuneTitle, pickup }),
				abc: () => toAbc(m.symbols, { meter, key: exportKey, title: tuneTitle, pickup, bpm }),
				musicxml: () => toMusicXml(m.symbols, { meter, key: exportKey, title: tuneTitle, pickup, bpm })
			};
			for (const flag of OUTPUTS) {
				if (typeof values[flag] !== 'string') continue;
				const path = suffix(values[flag]);
				writeFileSync(path, write[flag]());
				files.push(path);
			}
		});
		for (const f of files) ctx.log(`wrote ${f}`);

		if (ctx.json)
			ctx.print(
				JSON.stringify({
					model: name,
					style,
					seed,
					...(seedSummary ? { seedSummary } : {}),
					...(bars === undefined ? { steps } : { bars }),
					meter: formatMeter(meter),
					...sampling,
					randomSeed,
					ms: Math.round(ms),
					melodies: melodies.map((m) => ({
						symbols: formatSymbols(m.symbols),
						randomSeed: m.randomSeed,
						ended: m.ended,
						seedLength: m.seedLength,
						...(m.mode ? { mode: m.mode } : {}),
						...(m.barPhase !== undefined ? { barPhase: m.barPhase } : {}),
						...(m.form ? { form: m.form } : {})
					})),
					files,
					warnings: loaded.warnings
				})
			);
		else for (const m of melodies) ctx.print(formatSymbols(m.symbols));
	}
};
export default command;
