/**
 * `cli keras-export`: a model from `cli train` (here the bundled default) written as model.h5 + mapping.json
 * that the app's Keras import reads back to the same weights; bad flags refused before any work.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as cli } from './run';
import { readModelDir } from '../../src/cli/files';
import { importKeras } from '../../src/lib/keras/import';
import { repoRoot } from '../shared';

const DEFAULT = join(repoRoot, 'static/models/default');

function refused(r: Awaited<ReturnType<typeof cli>>, message: RegExp) {
	expect(r.code).toBe(1);
	expect(r.stderr.trim().split('\n').at(-1)).toMatch(message);
	expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
}

describe('cli keras-export', () => {
	it('writes model.h5 and mapping.json that the Keras import reads back to the same weights', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'keras-export-'));
		try {
			const out = join(dir, 'new', 'keras');
			const r = await cli('keras-export', '--model', DEFAULT, '--out', out, '--json');
			expect(r.code).toBe(0);
			const answer = JSON.parse(r.stdout);
			const model = readModelDir(DEFAULT).weights;
			// styles.json only for a model with styles (the bundled one may have them).
			const styled = (model.styles?.length ?? 0) > 0;
			expect(answer.files).toEqual([
				join(out, 'model.h5'),
				join(out, 'mapping.json'),
				...(styled ? [join(out, 'styles.json')] : [])
			]);
			expect(answer.styles).toEqual(model.styles ?? []);
			expect(existsSync(join(out, 'styles.json'))).toBe(styled);
			const back = importKeras(
				readFileSync(join(out, 'model.h5')),
				readFileSync(join(out, 'mapping.json'), 'utf8'),
				{},
				styled ? readFileSync(join(out, 'styles.json'), 'utf8') : undefined
			);
			expect(back.weights.styles).toEqual(model.styles);
			expect(back.weights.vocabulary).toEqual(model.vocabulary);
			expect(back.weights.meterInput).toBe(model.meterInput);
			expect(back.weights.layers.map((l) => l.units)).toEqual(model.layers.map((l) => l.units));
			expect(Array.from(back.weights.layers[0].kernel)).toEqual(Array.from(model.layers[0].kernel));
			expect(Array.from(back.weights.denseBias)).toEqual(Array.from(model.denseBias));
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('refuses a missing model, an empty --out or a file as --out, writing nothing', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'keras-export-'));
		try {
			const file = join(dir, 'a-file');
			writeFileSync(file, 'x');
			refused(await cli('keras-export', '--out', dir), /give --model <dir>/);
			refused(await cli('keras-export', '--model', DEFAULT, '--out', ''), /give --out <dir>/);
			refused(await cli('keras-export', '--model', DEFAULT, '--out', file), /--out .*a-file is a file/);
			refused(
				await cli('keras-export', '--model', join(dir, 'none'), '--out', join(dir, 'k')),
				/has no model\.json/
			);
			expect(existsSync(join(dir, 'k'))).toBe(false);
			refused(
				await cli('keras-export', '--model', DEFAULT, '--out', dir, 'stray'),
				/unexpected argument "stray"/
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
