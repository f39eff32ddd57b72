/**
 * How often a tune asked for in a mode is heard in it (the app's own estimate, generate/mode.ts), at the
 * app's defaults, per meter: the measure behind the modes the Generate stage offers (docs/model-card.md,
 * "Keys and modes"). Seeded: the same figures on every run.
 *
 *   npx tsx scripts/mode-share.ts [--model static/models/default] [--tunes 50]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL_FILES, openModel } from '../src/lib/model/format';
import { LstmStepModel } from '../src/lib/model/lstm-step';
import { generate } from '../src/lib/generate/generate';
import { GENERATE_DEFAULTS } from '../src/lib/generate/defaults';
import { GENERATE_MODES, hearMode, soundsIn } from '../src/lib/generate/mode';

const { values } = parseArgs({
	options: {
		model: { type: 'string', default: 'static/models/default' },
		tunes: { type: 'string', default: '50' }
	}
});
const dir = values.model!;
const tunes = Number(values.tunes);
const { weights } = openModel(
	{
		model: readFileSync(join(dir, MODEL_FILES.model), 'utf8'),
		weights: new Uint8Array(readFileSync(join(dir, MODEL_FILES.weights))),
		metadata: readFileSync(join(dir, MODEL_FILES.metadata), 'utf8')
	},
	dir
);
const model = new LstmStepModel(weights);
const meters = ['4/4', '3/4', '2/4', '6/8'];
console.log(
	`${tunes} tunes per cell, ${GENERATE_DEFAULTS.bars} bars, form ${GENERATE_DEFAULTS.form}, T ${GENERATE_DEFAULTS.temperature}`
);
console.log(['mode', ...meters, 'all', 'ms/tune', 'heard instead'].join(' | '));
for (const mode of [null, ...GENERATE_MODES]) {
	const shares: string[] = [];
	const instead: Record<string, number> = {};
	let all = 0;
	const t0 = performance.now();
	for (const meter of meters) {
		let heard = 0;
		for (let i = 0; i < tunes; i++) {
			const [m] = generate(model, [], {
				temperature: GENERATE_DEFAULTS.temperature,
				topP: GENERATE_DEFAULTS.topP,
				variations: 1,
				randomSeed: 1000 + i,
				bars: GENERATE_DEFAULTS.bars,
				form: GENERATE_DEFAULTS.form,
				phraseBars: GENERATE_DEFAULTS.phraseBars,
				meter,
				mode
			});
			const h = hearMode(m.symbols);
			// A free tune counts when it is heard in major or minor (Aeolian is the natural minor).
			if (mode ? soundsIn(m.symbols, mode) : h === 'major' || soundsIn(m.symbols, 'minor')) heard++;
			else instead[h] = (instead[h] ?? 0) + 1;
		}
		all += heard;
		shares.push(`${Math.round((100 * heard) / tunes)} %`);
	}
	const ms = (performance.now() - t0) / (tunes * meters.length);
	console.log(
		[
			mode ?? 'free (major or minor)',
			...shares,
			`${Math.round((100 * all) / (tunes * meters.length))} %`,
			ms.toFixed(0),
			JSON.stringify(instead)
		].join(' | ')
	);
}
