/**
 * `cli train` end to end on real kern files: it writes the app's model format, which reads back with the
 * vocabulary of the corpus and runs in the plain-JS step model; bad flags fail with one line.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasShared, repoRoot, shared } from '../shared';
import { readModelDir } from '../../src/cli/files';
import { LstmStepModel } from '../../src/lib/model/lstm-step';
import { lookbackSize, songBarContext, METER_FEATURES } from '../../src/lib/model/features';
import { ingest } from '../../src/lib/corpus/ingest';
import { dropFromPaths } from '../../src/cli/files';
import { ScoreAccumulator, scoreSong } from '../../src/lib/eval/score';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli train', () => {
	it('refuses a missing corpus and a bad number with one line', () => {
		const a = cli('train', '--out', '/tmp/x');
		expect(a.code).toBe(1);
		expect(a.stderr).toMatch(/--corpus/);
		const b = cli('train', '--corpus', 'x.krn', '--out', '/tmp/x', '--layers', '7');
		expect(b.code).toBe(1);
		expect(b.stderr.trim().split('\n').at(-1)).toMatch(/layers must be 1, 2 or 3/);
	});

	it.skipIf(!hasShared())('trains on 40 erk files and writes a model the app can read', () => {
		const dir = shared('corpus/essen/deutschl/erk');
		const files = readdirSync(dir)
			.filter((f) => f.endsWith('.krn'))
			.sort()
			.slice(0, 40)
			.map((f) => join(dir, f));
		const out = join(mkdtempSync(join(tmpdir(), 'train-')), 'model');
		const r = cli(
			'train',
			'--corpus',
			...files,
			'--out',
			out,
			'--preset',
			'small',
			'--epochs',
			'2',
			'--units',
			'16',
			'--json'
		);
		expect(r.stderr).not.toMatch(/error/);
		expect(r.code).toBe(0);
		const report = JSON.parse(r.stdout);
		expect(report.history).toHaveLength(2);
		for (const f of ['model.json', 'weights.bin', 'metadata.json'])
			expect(existsSync(join(out, f))).toBe(true);
		const { weights, metadata } = readModelDir(out);
		expect(metadata.history).toHaveLength(2);
		expect(metadata.corpus?.hash).toMatch(/^[0-9a-f]{64}$/);
		// Its songs' forms, by meter, phrase ends read from the kern marks: tunes "as the songs go".
		const forms = Object.values(metadata.songForms ?? {}).flat();
		expect(forms.reduce((n, t) => n + t.n, 0)).toBeGreaterThan(20);
		expect(forms.some((t) => t.ends.length > 1 && t.ends.some((e, i) => e !== 2 * (i + 1)))).toBe(true);
		expect(metadata.config?.units).toBe(16);
		// The vocabulary is the corpus's: every symbol of the encoded songs, plus the delimiter.
		const encoded = cli('encode', ...files)
			.stdout.trim()
			.split('\n');
		const symbols = new Set(encoded.flatMap((l) => l.split('\t')[1].split(' ')));
		expect(new Set(metadata.vocabulary)).toEqual(new Set([...symbols, '/']));
		const step = new LstmStepModel(weights);
		const p = step.step(step.initialState(), metadata.vocabulary.indexOf('/')).probabilities;
		expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
		expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).format).toBe('layers-model');
	});

	it.skipIf(!hasShared())(
		'with --meter-input on, writes a bar-input model that cli eval scores song by song with its bars',
		async () => {
			const dir = shared('corpus/essen/deutschl/erk');
			const all = readdirSync(dir)
				.filter((f) => f.endsWith('.krn'))
				.sort()
				.map((f) => join(dir, f));
			const out = join(mkdtempSync(join(tmpdir(), 'train-')), 'model');
			const t = cli(
				'train',
				'--corpus',
				...all.slice(0, 40),
				'--out',
				out,
				'--preset',
				'small',
				'--epochs',
				'1',
				'--units',
				'16',
				'--meter-input',
				'on'
			);
			expect(t.code).toBe(0);
			const { weights, metadata } = readModelDir(out);
			expect(metadata.config?.meterInput).toBe(true);
			expect(weights.lookback).toBe(true);
			const v = metadata.vocabulary.length;
			expect(weights.layers[0].inputSize).toBe(v + METER_FEATURES + lookbackSize(v));
			const held = all.slice(100, 120);
			const e = cli('eval', '--model', out, '--corpus', ...held, '--json');
			expect(e.code).toBe(0);
			const result = JSON.parse(e.stdout);
			// The same songs scored here, each told its meter and barlines.
			const { songs } = await ingest(dropFromPaths(held));
			const model = new LstmStepModel(weights);
			const acc = new ScoreAccumulator();
			for (const s of songs) scoreSong(model.withBar(songBarContext(s)), s.symbols, acc);
			expect(result.steps).toBe(acc.steps);
			expect(result.bitsPerStep).toBeCloseTo(acc.result().bitsPerStep, 6);
			expect(cli('train', '--corpus', all[0], '--out', out, '--meter-input', 'yes').stderr).toMatch(
				/--meter-input must be on or off/
			);
		}
	);
});
