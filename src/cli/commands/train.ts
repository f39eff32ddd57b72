/**
 * `cli train`: trains an LSTM in Node with the same core as the app and writes it in the app's model
 * format (model.json, weights.bin, metadata.json) to a directory the app can import.
 */
import '../tf';
import { basename } from 'node:path';
import { UsageError, type Command } from '../command';
import { checkOutDir, optionsFrom, readCorpus, writeModelDir } from '../files';
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

const command: Command = {
	summary: "train an LSTM on **kern files, folders or zips and write it in the app's model format",
	usage: [
		'npm run --silent cli -- train --corpus <paths…> --out <dir> [--preset small|default]',
		'    [--backend cpu|wasm] [--keep-key] [--quantize-tuplets] [--json] [settings]',
		'  settings (a preset first, then each flag given):',
		...settingUsage(),
		'  backend wasm by default; writes <dir>/model.json, weights.bin, metadata.json; --json prints the',
		'  history as JSON.'
	].join('\n'),
	options: {
		corpus: { type: 'string', multiple: true },
		out: { type: 'string' },
		backend: { type: 'string' },
		preset: { type: 'string' },
		'keep-key': { type: 'boolean' },
		'quantize-tuplets': { type: 'boolean' },
		...Object.fromEntries(TRAIN_SETTINGS.map((t) => [t.flag, { type: 'string' as const }]))
	},
	async run(values, positionals, ctx) {
		const paths = [...((values.corpus as string[] | undefined) ?? []), ...positionals];
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
		// Before any work: the trained model must have somewhere to go.
		checkOutDir(values.out);
		const options = optionsFrom(values);
		const { songs } = await readCorpus(paths, options);
		if (songs.length < 2)
			throw new UsageError(`the corpus has ${songs.length} usable song(s); training needs at least 2`);
		const corpus = {
			id: `cli:${paths.map((p) => basename(p)).join('+')}`,
			name: paths.map((p) => basename(p)).join(', '),
			hash: await contentHash(songs, options)
		};
		const chosen = await selectBackend({ force: backend, candidates: [backend, 'cpu'], log: ctx.log });
		const trainer = Trainer.create(songs, config, corpus);
		ctx.log(
			`training on ${corpus.name}: ${trainer.split.train.length} songs, ${trainer.split.val.length} held out; ` +
				`vocabulary ${trainer.vocabulary.length}; ${trainer.batchesPerEpoch()} batches per epoch on ${chosen.backend}`
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
			backend: chosen.backend
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
