/**
 * `cli keras-export`: a model from `cli train` (here the bundled default) written as model.h5 + mapping.json
 * that the app's Keras import reads back to the same weights; bad flags refused before any work.
 */
import { describe, expect, it } from 'vitest';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as cli } from './run';
import { readModelDir, writeModelDir } from '../../src/cli/files';
import { initialWeights } from '../../src/lib/model/init';
import { newModelMetadata, toModelFiles } from '../../src/lib/model/format';
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
	it('replaces an earlier export whole (no stale styles.json), refuses other files and a folder named model.h5 before the work', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'keras-export-'));
		try {
			const out = join(dir, 'keras');
			expect((await cli('keras-export', '--model', DEFAULT, '--out', out)).code).toBe(0);
			expect(existsSync(join(out, 'styles.json'))).toBe(true);
			// A model without styles exported over it: its styles.json would pair the new model with old slots.
			const { metadata } = readModelDir(DEFAULT);
			const plain = join(dir, 'plain');
			const w = initialWeights(metadata.vocabulary, 1, 8, 1, true, undefined, false);
			writeModelDir(
				plain,
				toModelFiles(
					w,
					newModelMetadata({
						name: 'plain',
						vocabulary: w.vocabulary,
						config: { ...metadata.config!, units: 8, lookback: false }
					})
				)
			);
			expect((await cli('keras-export', '--model', plain, '--out', out)).code).toBe(0);
			expect(readdirSync(out).sort()).toEqual(['mapping.json', 'model.h5']);
			const back = importKeras(
				readFileSync(join(out, 'model.h5')),
				readFileSync(join(out, 'mapping.json'), 'utf8')
			);
			expect(back.weights.layers[0].units).toBe(8);
			expect(back.weights.styles).toBeUndefined();

			// Something else in --out: refused, nothing written.
			const busy = join(dir, 'busy');
			mkdirSync(busy);
			writeFileSync(join(busy, 'notes.txt'), 'mine');
			refused(
				await cli('keras-export', '--model', DEFAULT, '--out', busy),
				/--out .*busy already holds "notes\.txt", which an export does not write; give a new or empty folder/
			);
			expect(readdirSync(busy)).toEqual(['notes.txt']);
			// A folder where model.h5 goes: a sentence before the work, not the system's EISDIR.
			const clash = join(dir, 'clash');
			mkdirSync(join(clash, 'model.h5'), { recursive: true });
			const r = await cli('keras-export', '--model', DEFAULT, '--out', clash);
			refused(r, /--out .*clash holds a folder named model\.h5, where the export writes its model\.h5 file/);
			expect(r.stderr).not.toMatch(/EISDIR/);
			expect(readdirSync(clash)).toEqual(['model.h5']);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
