import '../tf';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { printable, UsageError, type CliContext, type Command } from '../command';
import { readModelDir } from '../files';
import { groupPaths, readSongs } from '../paths';
import type { EncodedSong } from '../../lib/encoding/song';
import { removeDuplicates } from '../../lib/eval/dedupe';
import { scoreStepModel, type EvalResult } from '../../lib/eval/score';
import { scoreLstm, scorerFor } from '../../lib/eval/lstm';
import type { TrainDesign } from '../../lib/model/config';
import { REFERENCE_WINDOW } from '../../lib/model/config';
import { KneserNeyModel } from '../../lib/ngram/kneser-ney';
import { importKeras, type KerasImport } from '../../lib/keras/import';
import { kerasMetadata } from '../../lib/keras/app-model';
import { KerasImportError } from '../../lib/keras/mapping';
import type { LstmModelWeights } from '../../lib/model/types';
import { LstmStepModel } from '../../lib/model/lstm-step';
import { chooseStyle } from '../style';

const options = {
	model: { type: 'string' },
	keras: { type: 'string' },
	mapping: { type: 'string' },
	styles: { type: 'string' },
	ngram: { type: 'string' },
	train: { type: 'string', multiple: true },
	corpus: { type: 'string', multiple: true },
	exclude: { type: 'string', multiple: true },
	backend: { type: 'string' },
	batch: { type: 'string' },
	style: { type: 'string' }
} as const;

function fixed(x: number, d = 4): string {
	return x.toFixed(d);
}

function report(ctx: CliContext, result: EvalResult & Record<string, unknown>, describe: string[]): void {
	if (ctx.json) {
		ctx.print(JSON.stringify(result));
		return;
	}
	for (const line of describe) ctx.print(printable(line));
	ctx.print(`songs            ${result.songs}`);
	ctx.print(`steps            ${result.steps}`);
	ctx.print(`bits per step    ${fixed(result.bitsPerStep)}`);
	ctx.print(`nats per step    ${fixed(result.natsPerStep)}`);
	ctx.print(`accuracy         ${fixed(result.accuracy)}`);
	ctx.print(`onset accuracy   ${fixed(result.onsetAccuracy)}`);
	ctx.print(`bits per note    ${fixed(result.bitsPerNote)}`);
	ctx.print(`OOV targets      ${result.oovTargets}`);
}

/**
 * Reads `--keras` with its mapping and styles: the reference's model.h5 (64-symbol windows) or one this app
 * exported (`keras-export`: its LSTMs return sequences, scored in the app's design like `--model`). The
 * styles come from --styles, or from the styles.json the export writes beside model.h5.
 */
function readKeras(values: Record<string, unknown>): {
	imported: KerasImport;
	h5: string;
	design: TrainDesign;
	stylesFile: string | null;
} {
	if (typeof values.mapping !== 'string')
		throw new UsageError('--keras needs --mapping <mapping.json> (the symbol -> index file)');
	const h5 = String(values.keras);
	const beside = join(dirname(h5), 'styles.json');
	const stylesFile = typeof values.styles === 'string' ? values.styles : existsSync(beside) ? beside : null;
	let imported: KerasImport;
	try {
		imported = importKeras(
			readFileSync(h5),
			readFileSync(values.mapping, 'utf8'),
			{
				model: basename(h5),
				mapping: basename(values.mapping),
				...(stylesFile ? { styles: basename(stylesFile) } : {})
			},
			stylesFile ? readFileSync(stylesFile, 'utf8') : undefined
		);
	} catch (e) {
		if (e instanceof KerasImportError) throw new UsageError(e.message);
		if ((e as NodeJS.ErrnoException).code === 'ENOENT')
			throw new UsageError(`${(e as NodeJS.ErrnoException).path} does not exist`);
		throw e;
	}
	// The same decision the app's Keras import makes (keras/app-model.ts).
	const design = kerasMetadata(imported, basename(h5)).design;
	return { imported, h5, design, stylesFile: imported.weights.styles?.length ? stylesFile : null };
}

const command: Command = {
	summary: 'score a model on held-out songs: bits per step, bits per note, accuracy',
	usage: [
		'npm run --silent cli -- eval --model <dir> --corpus <paths…> [--exclude <paths…>] [--style <id>] [--json]',
		'npm run --silent cli -- eval --keras <model.h5> --mapping <mapping.json> [--styles <styles.json>] --corpus <paths…>',
		'       [--exclude <paths…>] [--style <id>] [--backend wasm|cpu] [--batch N] [--json]',
		'npm run --silent cli -- eval --ngram <order> --train <paths…> --corpus <paths…> [--exclude <paths…>] [--json]',
		'',
		'Each kept song is scored symbol by symbol, its symbols followed by one "/", each prediction seeing only',
		'the song\'s earlier symbols (models are fed "/" first; the Keras reference sees the previous 64 symbols',
		'padded with "/"). A model.h5 this app exported (keras-export) is scored in its own design, as --model scores',
		'it, with its styles.json (--styles, or the one beside the model.h5). --exclude drops held-out songs identical',
		'to a song in those paths (--ngram always drops',
		'songs identical to its --train songs). JSON keys: songs, steps, bitsPerStep, natsPerStep, accuracy,',
		'onsetAccuracy, bitsPerNote, oovTargets, plus style, removedDuplicates, model, seconds and warnings (also',
		'written to stderr, as with text output).',
		'--style scores a model with styles (--model, or --keras of an export) in one of them (without it: no style).'
	].join('\n'),
	options,
	optionalValues: ['style'],
	async run(values, positionals, ctx) {
		const paths = groupPaths('eval', options, values, positionals);
		let batchSize: number | undefined;
		if (values.batch !== undefined) {
			batchSize = Number(values.batch);
			if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 4096)
				throw new UsageError(`--batch must be a whole number from 1 to 4096, not "${values.batch}"`);
		}
		const kinds = ['model', 'keras', 'ngram'].filter((k) => values[k] !== undefined);
		if (kinds.length !== 1) throw new UsageError('give exactly one of --model, --keras or --ngram');
		if (values.style !== undefined && values.ngram !== undefined)
			throw new UsageError(
				`--style "${values.style}": an n-gram has no styles (give --model <dir> or --keras of an export with styles)`
			);
		if (values.styles !== undefined && values.keras === undefined)
			throw new UsageError('--styles <styles.json> goes with --keras (the styles of an exported model.h5)');
		// The Keras model is read first: its design and styles decide how it is scored, and --style is
		// checked against them before any song is read.
		const keras = values.keras !== undefined ? readKeras(values) : null;
		// Checked before reading any song: `--style` alone asks which styles the model has, a style it lacks
		// names them.
		if (values.style !== undefined)
			chooseStyle(
				new LstmStepModel(keras ? keras.imported.weights : readModelDir(String(values.model)).weights),
				values.style
			);
		if (paths.corpus.length === 0) throw new UsageError('give the held-out songs with --corpus <paths…>');
		const started = Date.now();

		let songs = await readSongs(paths.corpus, 'corpus');
		let removed = 0;
		const dedupe = (training: EncodedSong[]) => {
			const r = removeDuplicates(
				songs,
				training.map((s) => s.symbols),
				(s) => s.symbols
			);
			removed += r.removed.length;
			songs = r.kept;
		};
		if (paths.exclude.length) dedupe(await readSongs(paths.exclude, '--exclude paths'));
		const corpusLine = `corpus           ${paths.corpus.map((p) => basename(p)).join(', ')}: ${songs.length} songs kept, ${removed} removed as duplicates`;
		ctx.log(corpusLine);
		if (songs.length === 0) throw new UsageError('every held-out song was removed as a duplicate');

		let result: EvalResult;
		let model: Record<string, unknown>;
		let style: string | null = null;
		const warnings: string[] = [];
		/** Scores an LSTM as its design asks; the TensorFlow.js scorers on wasm (or --backend cpu). */
		const lstm = async (weights: LstmModelWeights, design: TrainDesign) => {
			let backend: string | undefined;
			if (scorerFor(weights, design) !== 'bar') {
				backend = String(values.backend ?? 'wasm');
				if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError('--backend must be wasm or cpu');
				const tf = await import('@tensorflow/tfjs');
				if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
				await tf.setBackend(backend);
				await tf.ready();
			}
			let lastLog = 0;
			const result = await scoreLstm(weights, design, songs, {
				style,
				batchSize,
				onProgress: (done, total) => {
					if (Date.now() - lastLog > 10_000 || done === total) {
						lastLog = Date.now();
						ctx.log(`scored ${done} of ${total} (${Math.round((Date.now() - started) / 1000)} s)`);
					}
				}
			});
			return { result, backend };
		};
		if (keras) {
			const { imported, h5, design, stylesFile } = keras;
			for (const w of imported.warnings) ctx.warn(w);
			warnings.push(...imported.warnings);
			if (values.style !== undefined)
				style = chooseStyle(new LstmStepModel(imported.weights), values.style).style;
			let backend;
			({ result, backend } = await lstm(imported.weights, design));
			model = {
				kind: 'keras',
				file: h5,
				design,
				units: imported.info.units,
				vocabulary: imported.weights.vocabulary.length,
				...(design === 'window' ? { window: REFERENCE_WINDOW } : {}),
				...(imported.weights.styles?.length ? { styles: imported.weights.styles } : {}),
				...(stylesFile ? { stylesFile } : {}),
				...(backend ? { backend } : {})
			};
		} else if (values.ngram !== undefined) {
			const order = Number(values.ngram);
			if (!Number.isInteger(order) || order < 1 || order > 32)
				throw new UsageError('--ngram takes the order, a whole number from 1 to 32 (e.g. 8)');
			if (paths.train.length === 0) throw new UsageError('--ngram needs --train <paths…> to learn from');
			const training = await readSongs(paths.train, '--train paths');
			dedupe(training);
			if (songs.length === 0) throw new UsageError('every held-out song is also a training song');
			const ngram = KneserNeyModel.train(
				training.map((s) => s.symbols),
				{ order }
			);
			ctx.log(`trained a Kneser-Ney ${order}-gram on ${training.length} songs`);
			result = scoreStepModel(
				ngram,
				songs.map((s) => s.symbols)
			);
			model = { kind: 'ngram', order, trainSongs: training.length, vocabulary: ngram.vocabulary.length };
		} else {
			const dir = String(values.model);
			const { weights, metadata } = readModelDir(dir);
			const units = weights.layers.map((l) => l.units);
			style = chooseStyle(new LstmStepModel(weights), values.style).style;
			const scored = await lstm(weights, metadata.design);
			result = scored.result;
			model = { kind: 'lstm', dir, design: metadata.design, units };
			const input = [
				'symbols',
				...(weights.meterInput ? ['bar position'] : []),
				...(weights.styles?.length ? ['style'] : []),
				...(weights.lookback ? ['lookback'] : [])
			];
			if (input.length > 1) model.input = input.join(' + ');
			if (weights.styles?.length) model.styles = weights.styles;
			if (scored.backend) model.backend = scored.backend;
			model.vocabulary = weights.vocabulary.length;
			if (metadata.corpus) model.trainedOn = metadata.corpus.name.slice(0, 200);
		}
		// Every model was checked for finite weights; a score that is still not a number is a bug, not a result.
		if (!Number.isFinite(result.bitsPerStep))
			throw new Error(`the score came out as ${result.bitsPerStep}; nothing was printed`);
		const seconds = Math.round((Date.now() - started) / 100) / 10;
		report(ctx, { ...result, style, removedDuplicates: removed, model, seconds, warnings }, [
			`model            ${Object.entries(model)
				.map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('x') : v}`)
				.join(', ')}`,
			corpusLine.replace(/^corpus\s+/, 'corpus           '),
			`style            ${style ?? 'none'}`
		]);
		ctx.log(`took ${seconds} s`);
	}
};

export default command;
