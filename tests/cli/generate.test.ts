import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasShared, repoRoot, shared } from '../shared';
import { fromMidi } from '../../src/lib/formats/midi';
import { fromKern } from '../../src/lib/formats/kern';
import { MODEL_FILES, toModelFiles } from '../../src/lib/model/format';
import { generate } from '../../src/lib/generate/generate';
import { GENERATE_DEFAULTS } from '../../src/lib/generate/defaults';
import { LstmStepModel } from '../../src/lib/model/lstm-step';
import { referenceVocabulary, tinyModel } from '../lib/generate/tiny-model';

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
