/**
 * Style has one owner, the core (generate.ts `inStyle`, beside `inMeter`): the worker and `cli generate`
 * hand over the plain model and settings naming a style, and write the same tune from the same settings
 * and random seed with the bundled model, which has eight styles.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlers } from '../../../src/lib/worker/handlers/generate';
import { dispatcher } from '../../../src/lib/worker/dispatch';
import type { Request, WorkerResponse } from '../../../src/lib/worker/protocol';
import type { GenerateSettings } from '../../../src/lib/generate/settings';
import { generate } from '../../../src/lib/generate/generate';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { readModelDir } from '../../../src/cli/files';
import { runCli } from '../../cli/run';
import { repoRoot } from '../../shared';

const BUNDLED = join(repoRoot, 'static/models/default');
const URL_BASE = 'https://studio.example/models/default/';

// The worker fetches the bundled model from its folder's URL, as the page resolves it; here from the disk.
beforeAll(() =>
	vi.stubGlobal('fetch', async (url: string) =>
		url.startsWith(URL_BASE)
			? new Response(readFileSync(join(BUNDLED, url.slice(URL_BASE.length))))
			: new Response(null, { status: 404 })
	)
);
afterAll(() => vi.unstubAllGlobals());

/** The worker's answer to one generate/run of the bundled model: the first melody's symbols. */
async function inWorker(settings: GenerateSettings): Promise<string> {
	const out: WorkerResponse[] = [];
	const request: Request = {
		type: 'generate/run',
		id: `style-${settings.style}`,
		model: { kind: 'default', url: URL_BASE },
		seed: [],
		settings
	};
	await dispatcher([handlers], (r) => out.push(r))(request);
	const result = out.find((r) => r.type === 'generate/result');
	if (result?.type !== 'generate/result') throw new Error(JSON.stringify(out.at(-1)));
	return result.melodies[0].symbols.join(' ');
}

/** `cli generate` of the bundled model in a style: its settings and first melody. */
async function inCli(...flags: string[]) {
	const r = await runCli('generate', '--model', BUNDLED, '--random-seed', '11', '--json', ...flags);
	expect(r.code, r.stderr).toBe(0);
	const json = JSON.parse(r.stdout);
	const settings: GenerateSettings = {
		bars: json.bars,
		meter: json.meter,
		temperature: json.temperature,
		topP: json.topP,
		endings: json.endings,
		form: json.form,
		phraseBars: json.phraseBars,
		variations: 1,
		randomSeed: json.randomSeed,
		barPhase: 0,
		style: json.style
	};
	return { settings, symbols: json.melodies[0].symbols as string };
}

describe('a style, applied once in the core', () => {
	it('the worker and the command line write the same tune in a style from the same settings and seed', async () => {
		const china = await inCli('--style', 'china', '--bars', '4');
		expect(china.settings.style).toBe('china');
		expect(await inWorker(china.settings)).toBe(china.symbols);
		// The core from the plain model and the settings: the same, and as a model told the style by hand.
		const plain = new LstmStepModel(readModelDir(BUNDLED).weights);
		expect(generate(plain, [], china.settings)[0].symbols.join(' ')).toBe(china.symbols);
		const { style, ...unstyled } = china.settings;
		expect(generate(plain.withStyle(style!), [], unstyled)[0].symbols.join(' ')).toBe(china.symbols);
		// The style is heard: another style, or none, writes another tune from the same seed.
		const india = await inCli('--style', 'india', '--bars', '4');
		expect(await inWorker(india.settings)).toBe(india.symbols);
		const none = await inCli('--bars', '4');
		expect(none.settings.style).toBeNull();
		expect(await inWorker({ ...none.settings, style: null })).toBe(none.symbols);
		expect(new Set([china.symbols, india.symbols, none.symbols]).size).toBe(3);
	});

	it('a style the model lacks is refused by the core with the same sentence for the worker and the command line', async () => {
		const { settings } = await inCli('--bars', '4');
		const out: WorkerResponse[] = [];
		await dispatcher([handlers], (r) => out.push(r))({
			type: 'generate/run',
			id: 'spain',
			model: { kind: 'default', url: URL_BASE },
			seed: [],
			settings: { ...settings, style: 'spain' }
		});
		const sentence =
			'This model has no style "spain"; its styles are germany, kinder, altdeu, dva, china, romania, england, india.';
		expect(out.at(-1)).toMatchObject({ type: 'error', message: sentence });
		const r = await runCli('generate', '--model', BUNDLED, '--style', 'spain');
		expect(r.code).toBe(1);
		expect(r.stderr.trim()).toBe(`error: ${sentence}`);
	});
});
