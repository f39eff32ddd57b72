/**
 * `cli merge`: models trained on the same inputs written as one model (units side by side, each member
 * recorded in the metadata); models that read different inputs refused with a sentence.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCli as cli } from './run';
import { readModelDir, writeModelDir } from '../../src/cli/files';
import { initialWeights } from '../../src/lib/model/init';
import { newModelMetadata, toModelFiles } from '../../src/lib/model/format';
import { repoRoot } from '../shared';

const DEFAULT = join(repoRoot, 'static/models/default');

describe('cli merge', () => {
	it('writes one model holding both members, which the other commands read', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'merge-'));
		try {
			const out = join(dir, 'pair');
			const r = await cli('merge', '--model', DEFAULT, '--model', DEFAULT, '--out', out, '--json');
			expect(r.code).toBe(0);
			const one = readModelDir(DEFAULT);
			const { weights, metadata } = readModelDir(out);
			expect(JSON.parse(r.stdout).units).toEqual([2 * one.weights.layers[0].units]);
			expect(metadata.config?.units).toBe(2 * one.weights.layers[0].units);
			expect(metadata.styles).toEqual(one.metadata.styles);
			expect(metadata.history).toEqual([]);
			expect(metadata.members?.map((m) => m.name)).toEqual([one.metadata.name, one.metadata.name]);
			expect(metadata.members?.[0].history).toEqual(one.metadata.history);
			expect(weights.lookback).toBe(one.weights.lookback);
			// The same model twice predicts as the model once: the same random seed writes the same tune.
			const tune = async (model: string) => {
				const g = await cli(
					'generate',
					'--model',
					model,
					'--style',
					'china',
					'--random-seed',
					'3',
					'--bars',
					'8',
					'--json'
				);
				expect(g.code).toBe(0);
				return JSON.parse(g.stdout).melodies[0].symbols as string;
			};
			const alone = await tune(DEFAULT);
			expect(alone.split(' ').length).toBeGreaterThan(60);
			expect(await tune(out)).toBe(alone);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('refuses one model, and models that read different inputs, naming them', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'merge-'));
		try {
			const one = await cli('merge', '--model', DEFAULT, '--out', join(dir, 'x'));
			expect(one.code).toBe(1);
			expect(one.stderr).toMatch(/at least two models/);
			const { metadata } = readModelDir(DEFAULT);
			const plain = join(dir, 'plain');
			const w = initialWeights(metadata.vocabulary, 1, 8, 1, true, metadata.styles, false);
			writeModelDir(
				plain,
				toModelFiles(
					w,
					newModelMetadata({
						name: 'plain',
						vocabulary: w.vocabulary,
						config: { ...metadata.config!, units: 8, lookback: false },
						styles: metadata.styles
					})
				)
			);
			const r = await cli('merge', '--model', DEFAULT, '--model', plain, '--out', join(dir, 'y'));
			expect(r.code).toBe(1);
			expect(r.stderr.trim()).toMatch(
				/cannot be merged: “plain” does not look back bars, “default” does \(.*default, .*plain\)$/
			);
			expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('refuses a merge larger than a model may be before the work, and makes no --out folder', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'merge-'));
		try {
			const models = (n: number) => Array.from({ length: n }, () => ['--model', DEFAULT]).flat();
			const sixteen = await cli('merge', ...models(16), '--out', join(dir, 'sixteen'));
			expect(sixteen.code).toBe(1);
			expect(sixteen.stderr).toMatch(
				/cannot be merged: merged, these 16 models would have 273 MB of weights, more than the 256 MB a model may have .*; merge at most 15 of them/
			);
			const seventeen = await cli('merge', ...models(17), '--out', join(dir, 'seventeen'));
			expect(seventeen.code).toBe(1);
			expect(seventeen.stderr).toMatch(/4352 units in an LSTM layer, more than the 4096 a model may have/);
			expect(seventeen.stderr).not.toMatch(/Export it again/);
			expect(existsSync(join(dir, 'sixteen'))).toBe(false);
			expect(existsSync(join(dir, 'seventeen'))).toBe(false);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('refuses an --out that is one of the models, and models of different designs', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'merge-'));
		try {
			const mine = join(dir, 'mine');
			cpSync(DEFAULT, mine, { recursive: true });
			const before = readFileSync(join(mine, 'weights.bin'));
			// The same folder written another way (a trailing slash, a relative path) is still that folder.
			for (const out of [mine, `${mine}/`, relative(process.cwd(), mine)]) {
				const r = await cli('merge', '--model', mine, '--model', DEFAULT, '--out', out);
				expect(r.code).toBe(1);
				expect(r.stderr).toMatch(
					/--out .*mine\/? is one of the models to merge \(--model .*mine\); give a new folder/
				);
			}
			expect(readFileSync(join(mine, 'weights.bin')).equals(before)).toBe(true);

			// The same weights, marked as of the reference's window design.
			const windowed = join(dir, 'windowed');
			cpSync(DEFAULT, windowed, { recursive: true });
			const meta = JSON.parse(readFileSync(join(windowed, 'metadata.json'), 'utf8'));
			writeFileSync(
				join(windowed, 'metadata.json'),
				JSON.stringify({ ...meta, design: 'window', config: { ...meta.config, design: 'window' } })
			);
			const r = await cli('merge', '--model', DEFAULT, '--model', windowed, '--out', join(dir, 'mixed'));
			expect(r.code).toBe(1);
			expect(r.stderr).toMatch(
				/cannot be merged: “windowed” is of the window design \(the reference's 64-step windows\), “default” of the sequence design/
			);
			expect(existsSync(join(dir, 'mixed'))).toBe(false);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
