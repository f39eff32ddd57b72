import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasShared, repoRoot, shared } from '../shared';
import { ingest } from '../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../src/cli/files';
import { importKeras } from '../../src/lib/keras/import';
import { KerasWindowedStepModel } from '../../src/lib/keras/reference';
import { scoreStepModel } from '../../src/lib/eval/score';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const KEYS = [
	'songs',
	'steps',
	'bitsPerStep',
	'natsPerStep',
	'accuracy',
	'onsetAccuracy',
	'bitsPerNote',
	'oovTargets'
];

describe('cli eval: usage', () => {
	it('needs exactly one model and a corpus', () => {
		const none = cli('eval', '--corpus', 'x');
		expect(none.code).toBe(1);
		expect(none.stderr).toMatch(/exactly one of --model, --keras or --ngram/);
		const noCorpus = cli('eval', '--ngram', '3', '--train', 'x');
		expect(noCorpus.code).toBe(1);
		expect(noCorpus.stderr).toMatch(/--corpus/);
	});
});

describe.skipIf(!hasShared())('cli eval on Essen songs', () => {
	const deutschl = (...p: string[]) => shared('corpus', 'essen', 'deutschl', ...p);
	// The three shortest kinder songs keep the windowed Keras scoring quick.
	const shortest = () =>
		readdirSync(deutschl('kinder'))
			.filter((f) => f.endsWith('.krn'))
			.map((f) => deutschl('kinder', f))
			.sort((a, b) => statSync(a).size - statSync(b).size)
			.slice(0, 3);

	it('scores the Keras reference exactly as the plain-JS windowed model does', async () => {
		const files = shortest();
		const d = shared('fixtures', 'seed-keras');
		const r = cli(
			'eval',
			'--keras',
			join(d, 'model.h5'),
			'--mapping',
			join(d, 'mapping.json'),
			'--corpus',
			...files,
			'--json'
		);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		for (const k of KEYS) expect(typeof out[k]).toBe('number');
		const { songs } = await ingest(dropFromPaths(files));
		const { weights } = importKeras(
			readFileSync(join(d, 'model.h5')),
			readFileSync(join(d, 'mapping.json'), 'utf8')
		);
		const plain = scoreStepModel(
			new KerasWindowedStepModel(weights),
			songs.map((s) => s.symbols)
		);
		expect(out.songs).toBe(songs.length);
		expect(out.steps).toBe(songs.reduce((a, s) => a + s.symbols.length + 1, 0));
		expect(Math.abs(out.bitsPerStep - plain.bitsPerStep)).toBeLessThan(1e-4);
		expect(out.accuracy).toBe(plain.accuracy);
	}, 120_000);

	it('trains and scores the n-gram baseline, plain and JSON', () => {
		const files = shortest();
		const json = cli('eval', '--ngram', '3', '--train', deutschl('erk'), '--corpus', ...files, '--json');
		expect(json.code).toBe(0);
		const out = JSON.parse(json.stdout);
		for (const k of KEYS) expect(typeof out[k]).toBe('number');
		expect(out.songs).toBe(3);
		expect(out.bitsPerStep).toBeGreaterThan(0);
		expect(out.bitsPerStep).toBeLessThan(Math.log2(out.model.vocabulary));
		expect(out.natsPerStep).toBeCloseTo(out.bitsPerStep * Math.LN2, 9);
		const plain = cli('eval', '--ngram', '3', '--train', deutschl('erk'), '--corpus', ...files);
		expect(plain.stdout).toMatch(/bits per step\s+\d\.\d{4}/);
	}, 120_000);

	it('removes held-out songs identical to the --exclude songs', () => {
		const erkFiles = readdirSync(deutschl('erk'))
			.filter((f) => f.endsWith('.krn'))
			.slice(0, 3)
			.map((f) => deutschl('erk', f));
		const r = cli('eval', '--ngram', '2', '--train', ...erkFiles, '--corpus', ...erkFiles, shortest()[0]);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/songs\s+1\n/);
		const all = cli('eval', '--ngram', '2', '--train', ...erkFiles, '--corpus', ...erkFiles);
		expect(all.code).toBe(1);
		expect(all.stderr).toMatch(/also a training song/);
	}, 60_000);
});
