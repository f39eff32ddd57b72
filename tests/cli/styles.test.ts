/**
 * Styles on the command line: `train --style <id>=<paths…>` makes one model with a style per corpus,
 * `eval`/`generate --style` use one, and a missing or unknown style is an error naming the model's styles.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasShared, repoRoot, shared } from '../shared';

function cli(...args: string[]) {
	const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], {
		cwd: repoRoot,
		encoding: 'utf8',
		maxBuffer: 64 << 20
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli styles', () => {
	it('a model without styles refuses --style, saying it has none', () => {
		const r = cli('generate', '--model', 'static/models/default', '--style', 'china', '--steps', '8');
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/has no styles.*"china"/);
	});

	it.skipIf(!hasShared())(
		'trains two styles, then generates and scores in each; --style alone lists them',
		() => {
			const out = mkdtempSync(join(tmpdir(), 'styles-'));
			try {
				const romania = shared('corpus/essen/seed-countries/romania');
				const england = shared('corpus/essen/seed-countries/england');
				const r = cli(
					'train',
					'--style',
					`romania=${join(romania, 'romani01.krn')}`,
					join(romania, 'romani02.krn'),
					join(romania, 'romani03.krn'),
					'--style',
					`england=${england}`,
					'--out',
					out,
					'--units',
					'8',
					'--epochs',
					'1',
					'--val',
					'0'
				);
				expect(r.stderr).toMatch(/style romania: 3 songs/);
				expect(r.code).toBe(0);
				expect(JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8')).styles).toEqual([
					'romania',
					'england'
				]);

				const none = cli('eval', '--model', out, '--style');
				expect(none.code).toBe(1);
				expect(none.stderr).toMatch(/--style needs a style id: this model's styles are romania, england/);
				const wrong = cli('generate', '--model', out, '--style', 'china');
				expect(wrong.stderr).toMatch(/no style "china"; its styles are romania, england/);

				const g = (style: string) =>
					JSON.parse(
						cli(
							'generate',
							'--model',
							out,
							'--style',
							style,
							'--steps',
							'32',
							'--random-seed',
							'5',
							'--no-stop',
							'--json'
						).stdout
					);
				expect(g('romania').style).toBe('romania');
				expect(g('romania').melodies[0].symbols).not.toEqual(g('england').melodies[0].symbols);

				const e = cli(
					'eval',
					'--model',
					out,
					'--style',
					'england',
					'--corpus',
					join(romania, 'romani04.krn'),
					'--json'
				);
				expect(e.code).toBe(0);
				const result = JSON.parse(e.stdout);
				expect(result.style).toBe('england');
				expect(result.model.styles).toEqual(['romania', 'england']);
				expect(result.bitsPerStep).toBeGreaterThan(0);
			} finally {
				rmSync(out, { recursive: true, force: true });
			}
		}
	);
});
