/**
 * Styles on the command line: `train --style <id>=<paths…>` makes one model with a style per corpus,
 * `eval`/`generate --style` use one, and a missing or unknown style is an error naming the model's styles.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as cli } from './run';
import { writeModelDir } from '../../src/cli/files';
import { initialWeights } from '../../src/lib/model/init';
import { newModelMetadata, toModelFiles } from '../../src/lib/model/format';
import { hasShared, repoRoot, shared } from '../shared';

/** A small model without styles (untrained: only its list of styles matters here). */
const PLAIN = mkdtempSync(join(tmpdir(), 'styles-plain-'));
const vocabulary = ['/', '_', 'r', '60', '62', '64', '65', '67'];
writeModelDir(
	PLAIN,
	toModelFiles(
		initialWeights(vocabulary, 1, 4, 3),
		newModelMetadata({ name: 'plain', vocabulary, config: null })
	)
);
afterAll(() => rmSync(PLAIN, { recursive: true, force: true }));
const SONG = join(repoRoot, 'static/demo/deutschl/kinder/kindr001.krn');
const SONG2 = join(repoRoot, 'static/demo/deutschl/kinder/kindr006.krn');

/** Exit code 1 and a last line on stderr that says why, no stack trace. */
function refused(r: Awaited<ReturnType<typeof cli>>, message: RegExp) {
	expect(r.code).toBe(1);
	const last = r.stderr.trim().split('\n').at(-1);
	expect(last).toMatch(/^error: /);
	expect(last).toMatch(message);
	expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
}

describe('cli styles', () => {
	it('a model without styles refuses --style, saying it has none', async () => {
		refused(
			await cli('generate', '--model', PLAIN, '--style', 'china', '--steps', '8'),
			/has no styles.*"china"/
		);
		refused(
			await cli('generate', '--model', PLAIN, '--style'),
			/--style needs a style id: this model has no styles/
		);
		refused(
			await cli('eval', '--model', PLAIN, '--style', 'china', '--corpus', '/nonexistent'),
			/has no styles.*"china"/
		);
		refused(
			await cli('eval', '--ngram', '3', '--style', 'china', '--corpus', SONG, '--train', SONG2),
			/an n-gram has no styles/
		);
	});

	it('train refuses a hostile --style or --from before reading any song', async () => {
		const out = mkdtempSync(join(tmpdir(), 'styles-'));
		const model = join(out, 'model');
		try {
			refused(await cli('train', '--style'), /argument missing/);
			refused(
				await cli('train', '--style', 'a b=x', '--out', model),
				/--style takes <id>=<paths…>.*not "a b=x"/
			);
			refused(await cli('train', '--style', '\u202eevil=x', '--out', model), /--style takes <id>=<paths…>/);
			refused(
				await cli('train', '--style', `a=${SONG}`, '--style', `a=${SONG2}`, '--out', model),
				/--style a is given twice/
			);
			refused(await cli('train', '--style', 'a=', '--out', model), /--style a= names no file/);
			refused(
				await cli('train', '--corpus', SONG, '--style', `a=${SONG2}`, '--out', model),
				/either --corpus or --style/
			);
			refused(
				await cli('train', 'stray', '--style', `a=${SONG}`, '--out', model),
				/"stray" follows no --corpus/
			);
			// --from is read before the corpus: a missing corpus is not what is reported.
			refused(
				await cli('train', '--style', 'a=/nonexistent', '--from', '', '--out', model),
				/--from takes the folder of a trained model/
			);
			refused(
				await cli('train', '--style', 'a=/nonexistent', '--from', join(out, 'none'), '--out', model),
				/has no model\.json/
			);
			expect(existsSync(model)).toBe(false);
		} finally {
			rmSync(out, { recursive: true, force: true });
		}
	});

	it.skipIf(!hasShared())(
		'trains two styles, then generates and scores in each; --style alone lists them',
		async () => {
			const out = mkdtempSync(join(tmpdir(), 'styles-'));
			try {
				const romania = shared('corpus/essen/seed-countries/romania');
				const england = shared('corpus/essen/seed-countries/england');
				const r = await cli(
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

				const none = await cli('eval', '--model', out, '--style');
				expect(none.code).toBe(1);
				expect(none.stderr).toMatch(/--style needs a style id: this model's styles are romania, england/);
				const wrong = await cli('generate', '--model', out, '--style', 'china');
				expect(wrong.stderr).toMatch(/no style "china"; its styles are romania, england/);

				const g = async (style: string) =>
					JSON.parse(
						(
							await cli(
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
							)
						).stdout
					);
				const romanian = await g('romania');
				expect(romanian.style).toBe('romania');
				expect(romanian.melodies[0].symbols).not.toEqual((await g('england')).melodies[0].symbols);

				const e = await cli(
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
