import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasShared, repoRoot, shared } from '../shared';
import { MODEL_FILES, toModelFiles } from '../../src/lib/model/format';
import { FEATURES } from '../../src/lib/eval/melody-stats';
import { GENERATE_DEFAULTS } from '../../src/lib/generate/defaults';
import { referenceVocabulary, tinyModel } from '../lib/generate/tiny-model';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'melody-stats', ...args], {
		cwd: repoRoot,
		encoding: 'utf8'
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function modelDir(): string {
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
	return dir;
}

describe.skipIf(!hasShared())('cli melody-stats', () => {
	const kinder = () => shared('corpus', 'essen', 'deutschl', 'kinder');
	const files = (re: RegExp) =>
		readdirSync(kinder())
			.filter((f) => re.test(f))
			.map((f) => join(kinder(), f));

	it('prints the JSON the issue asks for, with the app’s defaults for unset settings, the same for the same seed', () => {
		const dir = modelDir();
		const args = [
			'--model',
			dir,
			'--train',
			...files(/[02468]\.krn$/),
			'--corpus',
			...files(/[13579]\.krn$/)
		];
		const r = cli(...args, '--samples', '12', '--json');
		expect(r.code, r.stderr).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.samples).toBe(12);
		expect(out.real).toBeGreaterThan(90);
		expect(Object.keys(out.features)).toEqual([...FEATURES]);
		for (const f of FEATURES) {
			expect(Object.keys(out.features[f])).toEqual(['jsd', 'floor', 'trainingLevel']);
			expect(out.features[f].jsd).toBeGreaterThanOrEqual(0);
			expect(out.features[f].floor).toBeGreaterThan(0);
		}
		expect(out.endsOnTonic.real).toBeGreaterThan(0.3);
		expect(out.notesPerMelody.real).toBeGreaterThan(10);
		expect(out.settings).toMatchObject({
			sampler: 'tune',
			upbeat: GENERATE_DEFAULTS.upbeat,
			temperature: GENERATE_DEFAULTS.temperature,
			topP: GENERATE_DEFAULTS.topP,
			endings: GENERATE_DEFAULTS.endings,
			randomSeed: 1
		});
		// A random model writes nothing like folk songs: far above the training level on pitch.
		expect(out.features.scaleDegree.jsd).toBeGreaterThan(3 * out.features.scaleDegree.trainingLevel);
		// Songs as wholes: a random model's tunes are told from real ones far better than real from real.
		const c = out.songs.classifier;
		expect(c.generatedVsHeld.tunes).toBe(12);
		expect(c.generatedVsHeld.accuracy).toBeGreaterThan(c.referenceVsHeld.accuracy);
		expect(out.songs.all.held.tunes).toBe(12);
		expect(out.songs.all.generated.notesPerBar).toBeGreaterThan(0);
		const again = JSON.parse(cli(...args, '--samples', '12', '--json').stdout);
		expect(again.features).toEqual(out.features);
		expect(again.songs).toEqual(out.songs);
	});

	it('leaves out held-out songs the model learned in another collection (--exclude)', () => {
		const deutschl = (d: string) => shared('corpus', 'essen', 'deutschl', d);
		const dva = (re: RegExp) =>
			readdirSync(deutschl('dva'))
				.filter((f) => re.test(f))
				.map((f) => join(deutschl('dva'), f));
		const args = [
			'--model',
			modelDir(),
			'--train',
			...dva(/[02468]\.krn$/),
			'--corpus',
			...dva(/[13579]\.krn$/)
		];
		const run = (...more: string[]) => {
			const r = cli(...args, ...more, '--samples', '4', '--json');
			expect(r.code, r.stderr).toBe(0);
			return JSON.parse(r.stdout);
		};
		// allerkbd has some of the German folk song archive's songs note for note.
		const all = run();
		const kept = run('--exclude', deutschl('allerkbd'));
		expect(kept.real).toBeLessThanOrEqual(all.real - 5);
	}, 60_000);

	it('refuses a missing model, corpus or a bad sampler in one line', () => {
		expect(cli('--train', kinder(), '--corpus', kinder()).stderr).toMatch(
			/exactly one of --model or --keras/
		);
		expect(cli('--model', 'x', '--corpus', kinder()).stderr).toMatch(/--train/);
		const bad = cli('--model', 'x', '--train', kinder(), '--corpus', kinder(), '--sampler', 'greedy');
		expect(bad.code).toBe(1);
		expect(bad.stderr.trim().split('\n')).toHaveLength(1);
		expect(bad.stderr).toMatch(/--sampler must be tune or open/);
		const upbeat = cli('--model', 'x', '--train', kinder(), '--corpus', kinder(), '--upbeat', 'yes');
		expect(upbeat.code).toBe(1);
		expect(upbeat.stderr).toMatch(/--upbeat must be downbeat, corpus or songs/);
	});
});
