/**
 * `generate`: continues a seed with a model and prints the symbols; optionally writes MIDI and **kern.
 * The same random seed gives the same melody.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { UsageError, type Command } from '../command';
import { importKeras, KerasImportError } from '../../lib/keras/import';
import { KerasStepModel, stepModelFor } from '../../lib/keras/reference';
import { LstmStepModel } from '../../lib/model/lstm-step';
import type { StepModel } from '../../lib/model/types';
import { readModelDir } from '../files';
import { generate, MAX_VARIATIONS } from '../../lib/generate/generate';
import { MAX_TEMPERATURE, MIN_TEMPERATURE } from '../../lib/generate/sample';
import { randomSeed as freshSeed } from '../../lib/generate/random';
import { parseSeed, formatSymbols } from '../../lib/generate/seed';
import { DEFAULT_METER, formatMeter, parseMeter } from '../../lib/music/meter';
import { barContext } from '../../lib/model/features';
import { toMidi, DEFAULT_BPM } from '../../lib/formats/midi';
import { toKern } from '../../lib/formats/kern';
import { EXPORT_KEYS, estimateMode, findKey, homeKey } from '../../lib/formats/key';

function number(value: unknown, flag: string, min: number, max: number, integer = false): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
		throw new UsageError(
			`--${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`
		);
	return n;
}

function loadModel(values: Record<string, unknown>): { model: StepModel; name: string } {
	if (typeof values.model === 'string') {
		const { weights, metadata } = readModelDir(values.model);
		return { model: stepModelFor(weights, metadata.design), name: metadata.name };
	}
	if (typeof values.keras === 'string') {
		if (typeof values.mapping !== 'string') throw new UsageError('--keras needs --mapping <mapping.json>');
		for (const f of [values.keras, values.mapping])
			if (!existsSync(f)) throw new UsageError(`${f} does not exist`);
		try {
			const { weights } = importKeras(readFileSync(values.keras), readFileSync(values.mapping, 'utf8'), {
				model: values.keras,
				mapping: values.mapping
			});
			return { model: new KerasStepModel(weights), name: 'reference Keras model' };
		} catch (e) {
			if (e instanceof KerasImportError) throw new UsageError(e.message);
			throw e;
		}
	}
	throw new UsageError(
		'give a model: --model <dir> (from "cli train") or --keras <model.h5> --mapping <mapping.json>'
	);
}

const command: Command = {
	summary: 'continue a seed with a model; print the symbols, write MIDI or **kern',
	usage: [
		'npm run --silent cli -- generate (--model <dir> | --keras <model.h5> --mapping <mapping.json>)',
		'    [--seed "67 _ 67 _"] [--steps 500 | --bars 16] [--meter 4/4] [--temperature 0.3]',
		'    [--random-seed 42] [--variations 1] [--no-stop] [--out melody.mid] [--kern melody.krn]',
		'    [--key "G major"] [--bpm 100] [--json]',
		'',
		'Prints one line of symbols per variation. Without --random-seed a fresh one is chosen and shown on',
		'stderr. --no-stop keeps going past the end of a song (the model never ends it). With several',
		'variations, --out and --kern write one file each (melody-2.mid, …).'
	].join('\n'),
	options: {
		model: { type: 'string' },
		keras: { type: 'string' },
		mapping: { type: 'string' },
		seed: { type: 'string' },
		steps: { type: 'string' },
		bars: { type: 'string' },
		meter: { type: 'string' },
		temperature: { type: 'string' },
		'random-seed': { type: 'string' },
		variations: { type: 'string' },
		'no-stop': { type: 'boolean' },
		out: { type: 'string' },
		kern: { type: 'string' },
		key: { type: 'string' },
		bpm: { type: 'string' }
	},
	async run(values, positionals, ctx) {
		if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
		const meter = values.meter === undefined ? DEFAULT_METER : parseMeter(String(values.meter));
		if (!meter) throw new UsageError(`--meter must be like 3/4 or 6/8, not "${values.meter}"`);
		const bars = number(values.bars, 'bars', 1, 256, true);
		if (bars !== undefined && values.steps !== undefined)
			throw new UsageError('give --steps or --bars, not both');
		const steps =
			bars !== undefined ? bars * meter.stepsPerBar : (number(values.steps, 'steps', 1, 100000, true) ?? 500);
		const temperature = number(values.temperature, 'temperature', MIN_TEMPERATURE, MAX_TEMPERATURE) ?? 0.3;
		const variations = number(values.variations, 'variations', 1, MAX_VARIATIONS, true) ?? 1;
		const given = number(values['random-seed'], 'random-seed', 0, 2 ** 32 - 1, true);
		const randomSeed = given ?? freshSeed();
		const bpm = number(values.bpm, 'bpm', 20, 400) ?? DEFAULT_BPM;
		let key = undefined;
		if (values.key !== undefined) {
			key = findKey(String(values.key));
			if (!key)
				throw new UsageError(
					`--key "${values.key}" is not a key; use e.g. ${EXPORT_KEYS.slice(0, 3)
						.map((k) => `"${k.name}"`)
						.join(', ')}`
				);
		}

		const loaded = loadModel(values);
		const { name } = loaded;
		// A bar-input model is told the meter; the seed starts on the downbeat.
		const model =
			loaded.model instanceof LstmStepModel && loaded.model.usesBar
				? loaded.model.withBar(barContext(formatMeter(meter), 0))
				: loaded.model;
		const parsed = parseSeed(String(values.seed ?? ''), model.vocabulary);
		if (parsed.problems.length) throw new UsageError(`--seed: ${parsed.problems[0].message}`);
		if (given === undefined)
			ctx.log(`random seed ${randomSeed} (give --random-seed ${randomSeed} to get this again)`);

		const t0 = performance.now();
		const melodies = generate(model, parsed.symbols, {
			steps,
			temperature,
			stopAtEnd: !values['no-stop'],
			variations,
			randomSeed
		});
		const ms = performance.now() - t0;
		ctx.log(`${name}: ${melodies.length} × up to ${steps} steps in ${ms.toFixed(0)} ms`);

		const files: string[] = [];
		melodies.forEach((m, i) => {
			const suffix = (path: string) =>
				melodies.length === 1 ? path : path.replace(/(\.[^./]+)?$/, `-${i + 1}$1`);
			const exportKey = key ?? homeKey(estimateMode(m.symbols));
			if (typeof values.out === 'string') {
				const path = suffix(values.out);
				writeFileSync(
					path,
					toMidi(m.symbols, { bpm, meter, name: `Melody ${m.randomSeed}`, transpose: exportKey.shift })
				);
				files.push(path);
			}
			if (typeof values.kern === 'string') {
				const path = suffix(values.kern);
				writeFileSync(path, toKern(m.symbols, { meter, key: exportKey, title: `Melody ${m.randomSeed}` }));
				files.push(path);
			}
		});
		for (const f of files) ctx.log(`wrote ${f}`);

		if (ctx.json)
			ctx.print(
				JSON.stringify({
					model: name,
					seed: parsed.symbols,
					steps,
					temperature,
					randomSeed,
					ms: Math.round(ms),
					melodies: melodies.map((m) => ({
						symbols: formatSymbols(m.symbols),
						randomSeed: m.randomSeed,
						ended: m.ended,
						seedLength: m.seedLength
					})),
					files
				})
			);
		else for (const m of melodies) ctx.print(formatSymbols(m.symbols));
	}
};
export default command;
