/**
 * `cli train`: trains an LSTM in Node with the same core as the app and writes it in the app's model
 * format (model.json, weights.bin, metadata.json) to a directory the app can import.
 */
import '../tf';
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { UsageError, type Command } from '../command';
import { songFormsOf } from './melody-stats';
import { checkOutDir, optionsFrom, READ_FLAGS, readCorpus, readModelDir, writeModelDir } from '../files';
import { contentHash } from '../../lib/corpus/summary';
import {
	DEFAULT_CONFIG,
	PRESETS,
	readSetting,
	resolveConfig,
	settingProblem,
	TRAIN_SETTINGS,
	type TrainConfig
} from '../../lib/model/config';
import { newModelMetadata, toModelFiles } from '../../lib/model/format';
import { Trainer, bits } from '../../lib/train/trainer';
import { selectBackend, type BackendName } from '../../lib/train/backend';
import type { EncodedSong } from '../../lib/encoding/song';

/** `--layers N`, `--design sequence|window`, `--meter-input on|off`…: one flag per training setting. */
function settingUsage(): string[] {
	return TRAIN_SETTINGS.map((t) => {
		const value =
			t.kind === 'choice'
				? (t.choices ?? []).map((c) => c.value).join('|')
				: t.kind === 'boolean'
					? 'on|off'
					: t.kind === 'integer'
						? 'N'
						: 'X';
		const given = DEFAULT_CONFIG[t.key];
		const shown = typeof given === 'boolean' ? (given ? 'on' : 'off') : given;
		return `    --${`${t.flag} ${value}`.padEnd(27)} ${t.label} (default ${shown}): ${t.help}`;
	});
}

/** A style id: letters, digits, `-` and `_` (it names a corpus on the command line and in the app). */
const STYLE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The paths of each `--style <id>=<path> [more paths…]`, in the order given, and the paths after
 * `--corpus`. The parser hands over values and positionals only, so the raw arguments are read again with
 * their order kept (a shell glob after `--style china=…` expands to several words).
 */
export function groupStylePaths(args: readonly string[]): { corpus: string[]; styles: [string, string[]][] } {
	const { tokens } = parseArgs({
		args: [...args],
		options: command.options,
		allowPositionals: true,
		strict: false,
		tokens: true
	});
	const corpus: string[] = [];
	const styles: [string, string[]][] = [];
	let current: string[] | null = null;
	for (const t of tokens ?? []) {
		if (t.kind === 'option') {
			current = null;
			if (t.name === 'corpus') {
				current = corpus;
				if (t.value !== undefined) corpus.push(t.value);
			} else if (t.name === 'style') {
				const [id, first] = splitStyle(t.value ?? '');
				if (styles.some(([s]) => s === id)) throw new UsageError(`--style ${id} is given twice`);
				current = first ? [first] : [];
				styles.push([id, current]);
			}
		} else if (t.kind === 'positional') {
			if (!current) throw new UsageError(`"${t.value}" follows no --corpus or --style`);
			current.push(t.value);
		}
	}
	for (const [id, paths] of styles)
		if (paths.length === 0) throw new UsageError(`--style ${id}= names no file, folder or .zip`);
	return { corpus, styles };
}

function splitStyle(value: string): [string, string] {
	const at = value.indexOf('=');
	const id = at < 0 ? value : value.slice(0, at);
	if (!STYLE_ID.test(id))
		throw new UsageError(
			`--style takes <id>=<paths…> (e.g. --style china=corpus/china), with an id of letters, digits, - or _; not "${value}"`
		);
	return [id, at < 0 ? '' : value.slice(at + 1)];
}

const command: Command = {
	summary:
		"train an LSTM on **kern, ABC, MusicXML or MIDI files, folders or zips and write it in the app's model format",
	usage: [
		'npm run --silent cli -- train --corpus <paths…> --out <dir> [--preset small|default]',
		'    [--backend cpu|wasm] [--keep-key] [--quantize-tuplets] [--midi-track N] [--json] [settings]',
		'  settings (a preset first, then each flag given):',
		...settingUsage(),
		'  backend wasm by default; writes <dir>/model.json, weights.bin, metadata.json; --json prints the',
		'  history as JSON.',
		'npm run --silent cli -- train --style <id>=<paths…> --style <id>=<paths…> … --out <dir> [settings]',
		'  one model, several styles: each --style names a corpus and the style id its songs teach.',
		'  --from <dir> starts from a trained model (new symbols and styles start fresh) instead of random weights.'
	].join('\n'),
	options: {
		corpus: { type: 'string', multiple: true },
		style: { type: 'string', multiple: true },
		from: { type: 'string' },
		out: { type: 'string' },
		backend: { type: 'string' },
		preset: { type: 'string' },
		...READ_FLAGS,
		...Object.fromEntries(TRAIN_SETTINGS.map((t) => [t.flag, { type: 'string' as const }]))
	},
	async run(values, positionals, ctx) {
		const grouped = values.style
			? groupStylePaths(ctx.args)
			: { corpus: [...((values.corpus as string[] | undefined) ?? []), ...positionals], styles: [] };
		if (grouped.styles.length && grouped.corpus.length)
			throw new UsageError('give either --corpus or --style <id>=<paths…>, not both');
		const paths = grouped.styles.length ? grouped.styles.flatMap(([, p]) => p) : grouped.corpus;
		if (paths.length === 0) throw new UsageError('give --corpus with at least one file, folder or .zip');
		if (typeof values.out !== 'string' || values.out === '')
			throw new UsageError('give --out <dir> for the model');
		const backend = String(values.backend ?? 'wasm') as BackendName;
		if (backend !== 'cpu' && backend !== 'wasm') throw new UsageError('--backend must be cpu or wasm');
		const partial: Partial<TrainConfig> = {};
		if (values.preset !== undefined) {
			const p = PRESETS[String(values.preset) as keyof typeof PRESETS];
			if (!p) throw new UsageError('--preset must be small or default');
			Object.assign(partial, p);
		}
		for (const setting of TRAIN_SETTINGS) {
			const text = values[setting.flag];
			if (text === undefined) continue;
			const value = readSetting(setting, String(text));
			const problem = settingProblem(setting, value);
			if (problem) throw new UsageError(`--${setting.flag} ${problem}, not "${text}"`);
			Object.assign(partial, { [setting.key]: value });
		}
		let config: TrainConfig;
		try {
			config = resolveConfig(partial);
		} catch (e) {
			throw new UsageError((e as Error).message);
		}
		// Before any work: the model to start from must open, and the trained one must have somewhere to go.
		if (values.from !== undefined && (typeof values.from !== 'string' || values.from === ''))
			throw new UsageError('--from takes the folder of a trained model');
		const from = values.from === undefined ? undefined : readModelDir(values.from).weights;
		const options = optionsFrom(values);
		checkOutDir(values.out);
		let songs: (EncodedSong & { style?: string })[] = [];
		if (grouped.styles.length)
			for (const [style, p] of grouped.styles) {
				const some = (await readCorpus(p, options)).songs;
				if (some.length === 0)
					throw new UsageError(`the style ${style} has no usable song (${p.join(', ')})`);
				ctx.log(`style ${style}: ${some.length} songs`);
				songs.push(...some.map((s) => ({ ...s, style })));
			}
		else songs = (await readCorpus(paths, options)).songs;
		if (songs.length < 2)
			throw new UsageError(`the corpus has ${songs.length} usable song(s); training needs at least 2`);
		const named = (p: string[]) => p.map((x) => basename(x)).join(', ');
		const corpus = grouped.styles.length
			? {
					id: `cli:styles:${grouped.styles.map(([s]) => s).join('+')}`,
					name: grouped.styles.map(([s, p]) => `${s}: ${named(p)}`).join('; '),
					hash: await contentHash(songs, { ...options, styles: grouped.styles.map(([s]) => s) })
				}
			: {
					id: `cli:${paths.map((p) => basename(p)).join('+')}`,
					name: named(paths),
					hash: await contentHash(songs, options)
				};
		const chosen = await selectBackend({ force: backend, candidates: [backend, 'cpu'], log: ctx.log });
		let trainer: Trainer;
		try {
			trainer = Trainer.create(songs, config, corpus, from);
		} catch (e) {
			if (from) throw new UsageError((e as Error).message);
			throw e;
		}
		if (from) ctx.log(`going on from ${values.from} (its layers, units and bar input)`);
		ctx.log(
			`training on ${corpus.name}: ${trainer.split.train.length} songs, ${trainer.split.val.length} held out; ` +
				`vocabulary ${trainer.vocabulary.length}; ${trainer.batchesPerEpoch()} batches per epoch on ${chosen.backend}` +
				(trainer.styles.length ? `; styles ${trainer.styles.join(', ')}` : '')
		);
		const status = await trainer.run({
			yieldEachBatch: false,
			onEpoch: (r) =>
				ctx.log(
					`epoch ${r.epoch}: train ${bits(r.trainLoss).toFixed(3)} bits, acc ${(100 * r.trainAccuracy).toFixed(1)} %` +
						(r.valLoss !== null
							? `; val ${bits(r.valLoss).toFixed(3)} bits, acc ${(100 * r.valAccuracy!).toFixed(1)} %`
							: '') +
						`; ${r.symbolsPerSecond.toFixed(0)} symbols/s, ${r.seconds.toFixed(1)} s`
				)
		});
		const weights = await trainer.weights();
		if (status === 'failed' && trainer.history.length === 0) {
			trainer.dispose();
			throw new UsageError(`${trainer.message} Nothing was written to ${values.out}.`);
		}
		const metadata = newModelMetadata({
			name: basename(String(values.out)),
			vocabulary: trainer.vocabulary,
			config: trainer.config,
			history: trainer.history,
			corpus,
			status,
			backend: chosen.backend,
			...(trainer.styles.length ? { styles: [...trainer.styles] } : {}),
			// Its songs' forms, for tunes "as the songs go" (generate/templates.ts).
			songForms: songFormsOf(songs)
		});
		writeModelDir(String(values.out), toModelFiles(weights, metadata));
		trainer.dispose();
		if (status === 'failed')
			// The failing step was never applied: the weights are those of the last good step.
			throw new UsageError(
				`${trainer.message} The model as it was before that step (${trainer.history.length} epochs) was written to ${values.out}.`
			);
		const last = trainer.history[trainer.history.length - 1];
		if (ctx.json)
			ctx.print(
				JSON.stringify({ out: values.out, status, backend: chosen.backend, history: trainer.history })
			);
		else
			ctx.print(
				`wrote ${values.out} (${status} after ${trainer.history.length} epochs; ` +
					`last val ${last?.valLoss !== null && last ? bits(last.valLoss).toFixed(3) : '–'} bits per step)`
			);
	}
};
export default command;
