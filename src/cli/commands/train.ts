/**
 * `cli train`: trains an LSTM in Node with the same core as the app and writes it in the app's model
 * format (model.json, weights.bin, metadata.json) to a directory the app can import.
 */
import { basename } from 'node:path';
import { UsageError, type Command } from '../command';
import { optionsFrom, readCorpus, writeModelDir } from '../files';
import { contentHash } from '../../lib/corpus/summary';
import { DEFAULT_CONFIG, PRESETS, resolveConfig, type TrainConfig } from '../../lib/model/config';
import { newModelMetadata, toModelFiles } from '../../lib/model/format';
import { Trainer, bits } from '../../lib/train/trainer';
import { selectBackend, type BackendName } from '../../lib/train/backend';

const NUMBERS: Record<string, keyof TrainConfig> = {
	epochs: 'epochs',
	units: 'units',
	layers: 'layers',
	seq: 'seqLength',
	batch: 'batchSize',
	lr: 'learningRate',
	'lr-decay': 'learningRateDecay',
	val: 'validation',
	seed: 'seed',
	dropout: 'dropout',
	'recurrent-dropout': 'recurrentDropout',
	patience: 'patience',
	clip: 'clipNorm',
	'max-batches': 'maxBatchesPerEpoch'
};

const command: Command = {
	summary: "train an LSTM on **kern files, folders or zips and write it in the app's model format",
	usage: [
		'npm run --silent cli -- train --corpus <paths…> --out <dir> [--epochs N --units N --layers N --seq N',
		'    --batch N --lr X --lr-decay X --val 0.1 --seed N --backend cpu|wasm --dropout X --recurrent-dropout X',
		'    --patience N --clip X --design sequence|window --meter-input on|off --preset small|default',
		'    --max-batches N] [--json]',
		`  defaults: ${Object.entries(DEFAULT_CONFIG)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ')}; backend wasm.`,
		'  writes <dir>/model.json, weights.bin, metadata.json; --json prints the history as JSON.'
	].join('\n'),
	options: {
		corpus: { type: 'string', multiple: true },
		out: { type: 'string' },
		backend: { type: 'string' },
		design: { type: 'string' },
		preset: { type: 'string' },
		'keep-key': { type: 'boolean' },
		'quantize-tuplets': { type: 'boolean' },
		'meter-input': { type: 'string' },
		...Object.fromEntries(Object.keys(NUMBERS).map((k) => [k, { type: 'string' as const }]))
	},
	async run(values, positionals, ctx) {
		const paths = [...((values.corpus as string[] | undefined) ?? []), ...positionals];
		if (paths.length === 0) throw new UsageError('give --corpus with at least one file, folder or .zip');
		if (!values.out) throw new UsageError('give --out <dir> for the model');
		const backend = String(values.backend ?? 'wasm') as BackendName;
		if (backend !== 'cpu' && backend !== 'wasm') throw new UsageError('--backend must be cpu or wasm');
		const partial: Partial<TrainConfig> = {};
		if (values.preset !== undefined) {
			const p = PRESETS[String(values.preset) as keyof typeof PRESETS];
			if (!p) throw new UsageError('--preset must be small or default');
			Object.assign(partial, p);
		}
		for (const [flag, key] of Object.entries(NUMBERS)) {
			if (values[flag] === undefined) continue;
			const n = Number(values[flag]);
			if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, not "${values[flag]}"`);
			(partial as Record<string, number>)[key] = n;
		}
		if (values['meter-input'] !== undefined) {
			const v = String(values['meter-input']);
			if (v !== 'on' && v !== 'off') throw new UsageError('--meter-input must be on or off');
			partial.meterInput = v === 'on';
		}
		if (values.design !== undefined) partial.design = String(values.design) as TrainConfig['design'];
		let config: TrainConfig;
		try {
			config = resolveConfig(partial);
		} catch (e) {
			throw new UsageError((e as Error).message);
		}
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
		if (status === 'failed') throw new Error(trainer.message);
		const weights = await trainer.weights();
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
