import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasShared, repoRoot, shared } from '../shared';
import { fromMidi, Midi } from '../../src/lib/formats/midi';
import { fromKern } from '../../src/lib/formats/kern';
import { MODEL_FILES, toModelFiles } from '../../src/lib/model/format';
import { generate } from '../../src/lib/generate/generate';
import { GENERATE_DEFAULTS } from '../../src/lib/generate/defaults';
import { LstmStepModel } from '../../src/lib/model/lstm-step';
import { referenceVocabulary, tinyModel } from '../lib/generate/tiny-model';
import { midiToSeed } from '../../src/lib/formats/midi-in';
import {
	longNote,
	manyNotes,
	meta,
	noteEvents,
	overflowingDelta,
	smf,
	twelveNotes
} from '../lib/formats/midi-files';
import { runCli } from './run';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'generate', ...args], {
		cwd: repoRoot,
		encoding: 'utf8'
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasShared())('cli generate with the reference Keras model', () => {
	const keras = () => [
		'--keras',
		shared('fixtures/seed-keras/model.h5'),
		'--mapping',
		shared('fixtures/seed-keras/mapping.json')
	];
	const seed = '67 _ 67 _ 67 _ _ 65 64 _ 64 _ 64 _ _';

	it('prints the melody; the same random seed gives it again, another seed another; files read back', () => {
		const dir = mkdtempSync(join(tmpdir(), 'gen-'));
		const a = cli(
			...keras(),
			'--seed',
			seed,
			'--steps',
			'120',
			'--random-seed',
			'42',
			'--out',
			join(dir, 'a.mid'),
			'--kern',
			join(dir, 'a.krn'),
			'--key',
			'E minor'
		);
		expect(a.code, a.stderr).toBe(0);
		const b = cli(...keras(), '--seed', seed, '--steps', '120', '--random-seed', '42', '--json');
		const c = cli(...keras(), '--seed', seed, '--steps', '120', '--random-seed', '43');
		const symbols = a.stdout.trim();
		expect(symbols.startsWith(seed)).toBe(true);
		const json = JSON.parse(b.stdout);
		expect(json.melodies[0].symbols).toBe(symbols);
		expect(json.randomSeed).toBe(42);
		expect(c.stdout.trim()).not.toBe(symbols);
		// MIDI is written in E minor (down 5 semitones); **kern reads back to the model's key.
		const midi = fromMidi(readFileSync(join(dir, 'a.mid'))).symbols;
		expect(midi.map((s) => (/^\d+$/.test(s) ? String(Number(s) + 5) : s))).toEqual(symbols.split(' '));
		expect(fromKern(readFileSync(join(dir, 'a.krn'), 'utf8')).symbols).toEqual(symbols.split(' '));
		// The MIDI file says its key (E minor: one sharp, minor) and plays with the piano, as the page's default.
		const file = new Midi(new Uint8Array(readFileSync(join(dir, 'a.mid'))));
		expect(file.header.keySignatures[0]).toMatchObject({ key: 'G', scale: 'minor' });
		expect(file.tracks[0].instrument.number).toBe(0);
	});

	it('fails with one line naming the nearest known pitches for a seed the model cannot read', () => {
		const r = cli(...keras(), '--seed', '67 _ 90');
		expect(r.code).toBe(1);
		expect(r.stderr.trim().split('\n')).toHaveLength(1);
		expect(r.stderr).toContain('81 (A5)');
	});
});

describe('cli generate with a model directory in the app format', () => {
	it('generates what the core generates from the same weights and settings', () => {
		const weights = tinyModel(referenceVocabulary(), 12, 3);
		const files = toModelFiles(weights, {
			format: 'folk-studio-model',
			version: 1,
			name: 'Tiny',
			createdAt: 1,
			vocabulary: weights.vocabulary,
			songStart: '/',
			design: 'sequence',
			config: null,
			history: [],
			corpus: null
		});
		const dir = mkdtempSync(join(tmpdir(), 'model-'));
		writeFileSync(join(dir, MODEL_FILES.model), JSON.stringify(files.modelJson));
		writeFileSync(join(dir, MODEL_FILES.weights), files.weights);
		writeFileSync(join(dir, MODEL_FILES.metadata), JSON.stringify(files.metadata));
		const r = cli('--model', dir, '--steps', '64', '--random-seed', '7', '--variations', '2', '--no-stop');
		expect(r.code, r.stderr).toBe(0);
		// Unset flags are the app's defaults (generate/defaults.ts).
		const expected = generate(new LstmStepModel(weights), [], {
			steps: 64,
			temperature: GENERATE_DEFAULTS.temperature,
			topP: GENERATE_DEFAULTS.topP,
			stopAtEnd: false,
			variations: 2,
			randomSeed: 7
		}).map((m) => m.symbols.join(' '));
		expect(r.stdout.trim().split('\n')).toEqual(expected);
		// A whole tune by default: the app's length in bars, here in 3/4.
		const tune = cli('--model', dir, '--meter', '3/4', '--random-seed', '7', '--top-p', '0.9', '--json');
		expect(tune.code, tune.stderr).toBe(0);
		const json = JSON.parse(tune.stdout);
		expect(json).toMatchObject({ bars: GENERATE_DEFAULTS.bars, meter: '3/4', topP: 0.9 });
		const [m] = generate(new LstmStepModel(weights), [], {
			bars: GENERATE_DEFAULTS.bars,
			meter: '3/4',
			temperature: GENERATE_DEFAULTS.temperature,
			topP: 0.9,
			endings: GENERATE_DEFAULTS.endings,
			form: GENERATE_DEFAULTS.form,
			phraseBars: GENERATE_DEFAULTS.phraseBars,
			variations: 1,
			randomSeed: 7
		});
		expect(json.melodies[0].symbols).toBe(m.symbols.join(' '));
		expect(m.symbols).toHaveLength(GENERATE_DEFAULTS.bars * 12);
		expect(cli('--model', dir, '--no-stop').stderr).toMatch(/--no-stop goes with --steps/);
		const bad = cli('--model', join(dir, 'nope'));
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/has no model\.json/);
	});
});

describe('cli generate --seed-midi', () => {
	const weights = tinyModel(referenceVocabulary(), 12, 3);
	const dir = mkdtempSync(join(tmpdir(), 'seed-midi-'));
	const files = toModelFiles(weights, {
		format: 'folk-studio-model',
		version: 1,
		name: 'Tiny',
		createdAt: 1,
		vocabulary: weights.vocabulary,
		songStart: '/',
		design: 'sequence',
		config: null,
		history: [],
		corpus: null
	});
	writeFileSync(join(dir, MODEL_FILES.model), JSON.stringify(files.modelJson));
	writeFileSync(join(dir, MODEL_FILES.weights), files.weights);
	writeFileSync(join(dir, MODEL_FILES.metadata), JSON.stringify(files.metadata));
	const write = (name: string, bytes: Uint8Array) => {
		writeFileSync(join(dir, name), bytes);
		return join(dir, name);
	};

	it('continues the first bars of the MIDI file, as the core takes them, in the file’s meter', async () => {
		const tune = write('tune.mid', twelveNotes());
		const r = await runCli('generate', '--model', dir, '--seed-midi', tune, '--random-seed', '5', '--json');
		expect(r.code, r.stderr).toBe(0);
		const seed = midiToSeed(twelveNotes(), { bars: 2, vocabulary: weights.vocabulary });
		expect(seed.symbols).toHaveLength(24);
		const json = JSON.parse(r.stdout);
		expect(json.seed).toEqual(seed.symbols);
		expect(json.meter).toBe('3/4');
		expect(json.melodies[0].symbols.startsWith(seed.symbols.join(' '))).toBe(true);
		expect(json.seedSummary).toBe(seed.summary);
		const plain = await runCli('generate', '--model', dir, '--seed-midi', tune, '--random-seed', '5');
		expect(plain.stderr).toContain(seed.summary);
		expect(plain.stdout.trim()).toBe(json.melodies[0].symbols);
		const three = await runCli('generate', '--model', dir, '--seed-midi', tune, '--seed-bars', '3', '--json');
		expect(JSON.parse(three.stdout).seed).toHaveLength(36);
	});

	it('the hostile files give a seed of the bars asked for or one line naming the file', async () => {
		// The 100,000 notes and the one note of 2^28 ticks: their first bars, at once.
		const many = await runCli(
			'generate',
			'--model',
			dir,
			'--seed-midi',
			write('many.mid', manyNotes(100_000)),
			'--json'
		);
		expect(many.code, many.stderr).toBe(0);
		expect(JSON.parse(many.stdout).seed).toHaveLength(32);
		const long = await runCli(
			'generate',
			'--model',
			dir,
			'--seed-midi',
			write('long.mid', longNote()),
			'--json'
		);
		expect(long.code, long.stderr).toBe(0);
		expect(JSON.parse(long.stdout).seed).toHaveLength(32);
		const cases: [string, Uint8Array, string][] = [
			[
				'cut.mid',
				twelveNotes().subarray(0, 64),
				'“cut.mid” ends in the middle of a track: it seems cut short.'
			],
			['odd.mid', overflowingDelta(), '“odd.mid” holds a time or length longer than MIDI allows'],
			[
				'film.mid',
				smf([noteEvents([[60, 0, 40]])], { division: 0xe728 }),
				'“film.mid” counts time in SMPTE frames'
			],
			[
				'zero.mid',
				smf([noteEvents([[60, 0, 40]])], { division: 0 }),
				'“zero.mid” says a quarter note lasts 0 ticks'
			],
			[
				'm.mid',
				smf([[...meta.timeSignature(255, 255), ...noteEvents([[60, 0, 480]])]]),
				'“m.mid” has a time signature of 255/2^255'
			]
		];
		for (const [name, bytes, message] of cases) {
			const r = await runCli('generate', '--model', dir, '--seed-midi', write(name, bytes));
			expect(r.code, name).toBe(1);
			expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
			expect(r.stderr, name).toContain(`error: ${message}`);
		}
	});

	it('refuses flags that do not go together, a missing file, and more bars than a seed holds', async () => {
		const tune = write('tune.mid', twelveNotes());
		const cases: [string[], string][] = [
			[['--seed-midi', tune, '--seed', '60 _'], 'give --seed or --seed-midi, not both'],
			[['--seed-bars', '2'], '--seed-bars goes with --seed-midi'],
			[['--seed-midi', join(dir, 'nope.mid')], 'there is no file'],
			[['--seed-midi', tune, '--seed-bars', '0'], '--seed-bars must be a whole number'],
			[
				['--seed-midi', tune, '--seed-bars', '9000'],
				'a seed holds at most 100,000 steps, so ask for at most 8,333 bars'
			]
		];
		for (const [args, message] of cases) {
			const r = await runCli('generate', '--model', dir, ...args);
			expect(r.code, args.join(' ')).toBe(1);
			expect(r.stderr, args.join(' ')).toContain(message);
		}
	});
});

describe('cli generate --form', () => {
	it('writes a tune in the form, as long as the form, as the core writes it; refuses a form it cannot read', () => {
		const weights = tinyModel(referenceVocabulary(), 12, 5);
		const files = toModelFiles(weights, {
			format: 'folk-studio-model',
			version: 1,
			name: 'Tiny',
			createdAt: 1,
			vocabulary: weights.vocabulary,
			songStart: '/',
			design: 'sequence',
			config: null,
			history: [],
			corpus: null
		});
		const dir = mkdtempSync(join(tmpdir(), 'model-'));
		writeFileSync(join(dir, MODEL_FILES.model), JSON.stringify(files.modelJson));
		writeFileSync(join(dir, MODEL_FILES.weights), files.weights);
		writeFileSync(join(dir, MODEL_FILES.metadata), JSON.stringify(files.metadata));
		const r = cli('--model', dir, '--form', 'AABA', '--phrase-bars', '4', '--random-seed', '9', '--json');
		expect(r.code, r.stderr).toBe(0);
		const json = JSON.parse(r.stdout);
		expect(json).toMatchObject({ bars: 16, form: 'AABA', phraseBars: 4 });
		const melody = json.melodies[0];
		const symbols: string[] = melody.symbols.split(' ');
		expect(symbols).toHaveLength(16 * 16);
		const phrases = melody.form.phrases as { label: string; start: number; end: number }[];
		expect(phrases.map((p) => p.label)).toEqual(['A', 'A', 'B', 'A']);
		const of = (i: number) => symbols.slice(phrases[i].start, phrases[i].end);
		expect(of(1)).toEqual(of(0));
		expect(of(3)).toEqual(of(0));
		const [core] = generate(new LstmStepModel(weights), [], {
			bars: 16,
			temperature: GENERATE_DEFAULTS.temperature,
			topP: GENERATE_DEFAULTS.topP,
			endings: GENERATE_DEFAULTS.endings,
			variations: 1,
			randomSeed: 9,
			meter: '4/4',
			barPhase: 0,
			form: 'AABA',
			phraseBars: 4
		});
		expect(melody.symbols).toBe(core.symbols.join(' '));
		const bad = cli('--model', dir, '--form', 'A?B');
		expect(bad.code).toBe(1);
		expect(bad.stderr).toMatch(/--form must be up to 16 phrase letters A–H.*, not "A\?B"/);
		const steps = cli('--model', dir, '--form', 'ABAC', '--steps', '40');
		expect(steps.code).toBe(1);
		expect(steps.stderr).toMatch(/--form writes a whole tune/);
	});
});
