/**
 * `cli eval --keras` on the app's own Keras export: read in its own design (the LSTMs return sequences)
 * with its styles.json, it scores exactly as `cli eval --model` scores the model it was exported from —
 * not as the reference's 64-symbol windows. The bundled model over a slice of its held-out songs (the
 * odd-numbered kinder files, docs/model-card.md section B).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as cli } from './run';
import { repoRoot } from '../shared';

const DEFAULT = join(repoRoot, 'static/models/default');
const KINDER = join(repoRoot, 'static/demo/deutschl/kinder');
/** Held out from the bundled model's training: the odd-numbered files. */
const HELD_OUT = readdirSync(KINDER)
	.filter((f) => /[13579]\.krn$/.test(f))
	.sort()
	.map((f) => join(KINDER, f));

async function score(...args: string[]) {
	const r = await cli('eval', ...args, '--corpus', ...HELD_OUT, '--backend', 'cpu', '--json');
	expect(r.code, r.stderr).toBe(0);
	return JSON.parse(r.stdout) as {
		bitsPerStep: number;
		steps: number;
		style: string | null;
		model: Record<string, unknown>;
	};
}

describe('cli eval --keras on an export of this app', () => {
	it('gives the bits of eval --model (within 1e-4), in no style and in a style, reading styles.json', async () => {
		expect(HELD_OUT.length).toBeGreaterThanOrEqual(3);
		const dir = mkdtempSync(join(tmpdir(), 'eval-keras-'));
		try {
			const out = join(dir, 'keras');
			expect((await cli('keras-export', '--model', DEFAULT, '--out', out)).code).toBe(0);
			const h5 = ['--keras', join(out, 'model.h5'), '--mapping', join(out, 'mapping.json')];

			const direct = await score('--model', DEFAULT);
			const exported = await score(...h5);
			expect(exported.model).toMatchObject({ kind: 'keras', design: 'sequence' });
			expect(exported.steps).toBe(direct.steps);
			expect(Math.abs(exported.bitsPerStep - direct.bitsPerStep)).toBeLessThan(1e-4);

			// In a style: the export's styles.json names the slots as the model's own metadata does.
			const styled = await score('--model', DEFAULT, '--style', 'china');
			const styledKeras = await score(...h5, '--style', 'china');
			expect(styledKeras.style).toBe('china');
			expect(Math.abs(styledKeras.bitsPerStep - styled.bitsPerStep)).toBeLessThan(1e-4);
			expect(Math.abs(styled.bitsPerStep - direct.bitsPerStep)).toBeGreaterThan(1e-3);

			// styles.json given by --styles from elsewhere; without any, the style ids are unknown.
			renameSync(join(out, 'styles.json'), join(dir, 'my-styles.json'));
			const named = await score(...h5, '--styles', join(dir, 'my-styles.json'), '--style', 'china');
			expect(Math.abs(named.bitsPerStep - styled.bitsPerStep)).toBeLessThan(1e-4);
			const none = await cli('eval', ...h5, '--style', 'china', '--corpus', ...HELD_OUT);
			expect(none.code).toBe(1);
			expect(none.stderr).toMatch(/style-1/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
