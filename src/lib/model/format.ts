/**
 * The app's model format: a TensorFlow.js layers model (`model.json`, a Sequential LSTM … Dense that
 * `tf.loadLayersModel` reads, with its weights in `weights.bin`) plus `metadata.json` (vocabulary,
 * settings, history, corpus, scores). The CLI writes the three files to a directory; the app keeps them
 * in IndexedDB and exports them as one zip file with the same three names.
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { openZip, zipBudget, ZipEntryError, ZipError, type ZipFile, type ZipLimits } from '../zip/reader';
import type { LstmModelWeights, MemberOutput, OutputRecord } from './types';
import type { TrainConfig } from './config';
import { glorot, lstmLayer } from './layers-json';
import { firstInputSize } from './features';
import { readCorrections, type StyleCorrection } from './correction';
import {
	MAX_LAYERS,
	MAX_MODEL_BYTES,
	MAX_MODEL_FILE_BYTES,
	MAX_UNITS,
	megabytes,
	styleListProblem,
	vocabularyProblem,
	weightsProblem
} from './validate';
import { SONG_END } from '../music/symbols';
import type { CorpusRef, EpochRecord, RunStatus } from './checkpoint';

/** What the app knows about a model beyond its weights. */
export interface ModelMetadata {
	format: 'folk-studio-model';
	version: 1;
	name: string;
	createdAt: number;
	/** Symbols in id order (one-hot index = position). */
	vocabulary: string[];
	/**
	 * How a song is fed: from the zero state, first this symbol, then the song's symbols; the model
	 * predicts the next symbol each time and `/` at the end of the song.
	 */
	songStart: string;
	/** 'sequence' (this app's many-to-many design) or 'window' (the reference's 64-step windows). */
	design: TrainConfig['design'];
	config: TrainConfig | null;
	history: EpochRecord[];
	corpus: CorpusRef | null;
	/** Held-out scores (`cli eval` keys: bitsPerStep, accuracy, …), when measured. */
	scores?: Record<string, number>;
	status?: RunStatus;
	/** Backend the model was trained on, for the record. */
	backend?: string;
	/**
	 * The styles the model was trained with (style ids, e.g. `germany`, or the names of the corpora a
	 * run combined), in input-slot order; absent for a single-style model.
	 */
	styles?: string[];
	/**
	 * The forms of the songs it was trained on, by meter (generate/templates.ts): a tune written "as the
	 * songs go" follows one of them. Absent in models trained before they were kept.
	 */
	songForms?: SongForms;
	/**
	 * Per style, a correction fitted on that style's training songs after training (model/correction.ts,
	 * `scripts/style-correction.ts`). Absent: the network's distribution as it is. A model trained on from
	 * it, or merged, has none: its network is another.
	 */
	corrections?: Record<string, StyleCorrection>;
	/**
	 * For a model merged from several (model/merge.ts, `cli merge`): what each member was, in the order its
	 * units sit in the merged layers. The merged model's own history is empty: it was never trained as one.
	 */
	members?: (Pick<ModelMetadata, 'name' | 'config' | 'history' | 'corpus' | 'scores'> & {
		/** The member's units in the merged model's top layer, and its own output bias (one a symbol):
		 * what sampling from the members' mixture needs (model/merge.ts, `memberOutputs`). */
		outputUnits?: number;
		outputBias?: number[];
		/** A member that was itself merged: its members' outputs, in the same shape. */
		outputMembers?: OutputRecord[];
	})[];
}

/**
 * The metadata of a new model: the one place its fixed fields are written. The design comes from the
 * settings (an imported reference model has none: give `design: 'window'`).
 */
export function newModelMetadata(
	fields: Pick<ModelMetadata, 'name' | 'vocabulary' | 'config'> &
		Partial<Omit<ModelMetadata, 'format' | 'version' | 'songStart'>>
): ModelMetadata {
	return {
		format: 'folk-studio-model',
		version: 1,
		createdAt: Date.now(),
		songStart: SONG_END,
		design: fields.config?.design ?? 'sequence',
		history: [],
		corpus: null,
		...fields,
		vocabulary: [...fields.vocabulary]
	};
}

/** A model as the app uses it: its weights and what is known about them. */
export interface OpenedModel {
	weights: LstmModelWeights;
	metadata: ModelMetadata;
}

/** The three files as read from a directory, a zip or the network: JSON as text or bytes. */
export interface ModelFileContents {
	model: string | Uint8Array;
	weights: Uint8Array;
	metadata: string | Uint8Array;
}

/** The three files. `modelJson` is the parsed model.json. */
export interface ModelFiles {
	modelJson: ModelJson;
	weights: Uint8Array;
	metadata: ModelMetadata;
}

interface WeightSpec {
	name: string;
	shape: number[];
	dtype: string;
}

/** The parts of a TensorFlow.js layers model.json this format uses. */
export interface ModelJson {
	format: 'layers-model';
	generatedBy: string;
	convertedBy: null;
	modelTopology: {
		class_name: 'Sequential';
		config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
		keras_version: string;
		backend: string;
	};
	weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

/** File names inside a model directory or exported zip. */
export const MODEL_FILES = {
	model: 'model.json',
	weights: 'weights.bin',
	metadata: 'metadata.json'
} as const;

/** Writes weights and metadata as the three files. */
export function toModelFiles(weights: LstmModelWeights, metadata: ModelMetadata): ModelFiles {
	checkWeights(weights, metadata.vocabulary);
	if ((weights.styles ?? []).join('\n') !== (metadata.styles ?? []).join('\n'))
		refuse('its weights and its metadata name different styles');
	if ((weights.lookback === true) !== (metadata.config?.lookback === true && weights.meterInput === true))
		refuse('its weights and its metadata disagree on lookback');
	const v = weights.vocabulary.length;
	const layers: ModelJson['modelTopology']['config']['layers'] = [];
	const specs: WeightSpec[] = [];
	const arrays: Float32Array[] = [];
	const dropout = metadata.config?.dropout ?? 0;
	weights.layers.forEach((l, i) => {
		const name = `lstm_${i + 1}`;
		layers.push(
			lstmLayer(name, l.units, i === 0 ? l.inputSize : null, dropout, metadata.config?.recurrentDropout ?? 0)
		);
		if (dropout > 0)
			layers.push({
				class_name: 'Dropout',
				config: { rate: dropout, noise_shape: null, seed: null, name: `dropout_${i + 1}`, trainable: true }
			});
		specs.push(
			{ name: `${name}/kernel`, shape: [l.inputSize, 4 * l.units], dtype: 'float32' },
			{ name: `${name}/recurrent_kernel`, shape: [l.units, 4 * l.units], dtype: 'float32' },
			{ name: `${name}/bias`, shape: [4 * l.units], dtype: 'float32' }
		);
		arrays.push(l.kernel, l.recurrentKernel, l.bias);
	});
	const last = weights.layers[weights.layers.length - 1].units;
	layers.push({
		class_name: 'Dense',
		config: {
			units: v,
			activation: 'softmax',
			use_bias: true,
			kernel_initializer: glorot('uniform'),
			bias_initializer: { class_name: 'Zeros', config: {} },
			kernel_regularizer: null,
			bias_regularizer: null,
			activity_regularizer: null,
			kernel_constraint: null,
			bias_constraint: null,
			name: 'dense',
			trainable: true
		}
	});
	specs.push(
		{ name: 'dense/kernel', shape: [last, v], dtype: 'float32' },
		{ name: 'dense/bias', shape: [v], dtype: 'float32' }
	);
	arrays.push(weights.denseKernel, weights.denseBias);
	const total = arrays.reduce((a, x) => a + x.length, 0);
	const bin = new Float32Array(total);
	let at = 0;
	for (const a of arrays) {
		bin.set(a, at);
		at += a.length;
	}
	return {
		modelJson: {
			format: 'layers-model',
			generatedBy: 'folk-studio',
			convertedBy: null,
			modelTopology: {
				class_name: 'Sequential',
				config: { name: 'folk_lstm', layers },
				keras_version: 'tfjs-layers 4.22.0',
				backend: 'tensor_flow.js'
			},
			weightsManifest: [{ paths: [MODEL_FILES.weights], weights: specs }]
		},
		weights: new Uint8Array(bin.buffer),
		metadata
	};
}

/** Thrown for a model file that cannot be read: the message says what is wrong and what to do. */
export class ModelFormatError extends Error {}

/** `where` at the start of a sentence: "the model" becomes "The model"; a path stays as written. */
function subject(where: string): string {
	return /^(the|this) /.test(where) ? where.charAt(0).toUpperCase() + where.slice(1) : where;
}

function refuse(what: string, where = 'this model'): never {
	throw new ModelFormatError(
		`${subject(where)} cannot be loaded: ${what}. Export it again from the app or the command line.`
	);
}

function checkWeights(w: LstmModelWeights, vocabulary: string[], where?: string): void {
	if (w.vocabulary.length !== vocabulary.length || w.vocabulary.some((s, i) => s !== vocabulary[i]))
		refuse('its weights and its metadata name different vocabularies', where);
	const problem = weightsProblem(w);
	if (problem) refuse(problem, where);
}

/** A value from the file, shown in a message: quoted, short, never "undefined" or "[object Object]". */
const shown = (x: unknown): string =>
	x === undefined ? 'no' : (JSON.stringify(x) ?? String(x)).slice(0, 40);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isShape = (x: unknown): x is number[] =>
	Array.isArray(x) && x.every((d) => Number.isInteger(d) && d >= 0 && d <= 1 << 24);

/**
 * Reads the three files into weights and metadata, refusing anything that does not fit: fields of the wrong
 * type, mismatched shapes, truncated weights, and whatever `weightsProblem` finds (model/validate.ts).
 * `where` names the file in the sentence.
 */
export function fromModelFiles(files: ModelFiles, where?: string): OpenedModel {
	const no: (what: string) => never = (what) => refuse(what, where);
	const { modelJson, metadata } = files;
	if (!isObject(metadata) || metadata.format !== 'folk-studio-model')
		no("its metadata.json is not this app's model metadata");
	const vocab = vocabularyProblem(metadata.vocabulary);
	if (vocab) no(vocab);
	const layers = isObject(modelJson) ? modelJson.modelTopology?.config?.layers : undefined;
	if (!Array.isArray(layers) || !layers.every((l) => isObject(l) && isObject(l.config)))
		no('its model.json has no layers');
	const groups = modelJson.weightsManifest;
	if (!Array.isArray(groups) || !groups.every((g) => isObject(g) && Array.isArray(g.weights)))
		no('its model.json has no list of weights (weightsManifest)');
	const manifest = groups.flatMap((g) => g.weights);
	const specs = new Map<string, WeightSpec>();
	const offsets = new Map<string, number>();
	let total = 0;
	for (const s of manifest) {
		if (!isObject(s) || typeof s.name !== 'string' || !isShape(s.shape))
			no(
				`model.json describes a weight with no name or an impossible shape (${JSON.stringify(s).slice(0, 80)})`
			);
		if (s.dtype !== 'float32') no(`weight ${s.name} is ${shown(s.dtype)}, not float32`);
		specs.set(s.name, s);
		offsets.set(s.name, total);
		total += s.shape.reduce((a, b) => a * b, 1);
		if (total > 2 ** 28) no('model.json describes more weights than any model the app can hold');
	}
	const bytes = files.weights;
	if (!(bytes instanceof Uint8Array)) no('its weights.bin is missing');
	if (bytes.byteLength < total * 4)
		no(
			`weights.bin holds ${bytes.byteLength} bytes but model.json needs ${total * 4}; the file is truncated`
		);
	if (bytes.byteLength > total * 4) no(`weights.bin is longer than model.json describes`);
	const all = new Float32Array(bytes.slice().buffer, 0, total);
	const take = (layer: string, suffix: string, shape: number[]): Float32Array => {
		const name = [...specs.keys()].find((n) => n.startsWith(`${layer}/`) && n.endsWith(`/${suffix}`));
		if (!name) no(`model.json lists no ${suffix} for layer ${layer}`);
		const spec = specs.get(name)!;
		if (spec.shape.length !== shape.length || spec.shape.some((d, i) => d !== shape[i]))
			no(`${name} has shape [${spec.shape}], expected [${shape}]`);
		const at = offsets.get(name)!;
		return all.slice(at, at + shape.reduce((a, b) => a * b, 1));
	};
	const v = metadata.vocabulary.length;
	const lstms = layers.filter((l) => l.class_name === 'LSTM');
	const dense = layers.filter((l) => l.class_name === 'Dense');
	if (lstms.length === 0 || dense.length !== 1 || layers[layers.length - 1].class_name !== 'Dense')
		no('model.json is not a stack of LSTM layers with one Dense layer on top');
	if (lstms.length > MAX_LAYERS) no(`it has ${lstms.length} LSTM layers, more than ${MAX_LAYERS}`);
	const meterInput = metadata.config?.meterInput === true;
	const styles = metadata.styles ?? [];
	const stylesWrong = styleListProblem(styles);
	if (stylesWrong) no(stylesWrong);
	const lookback = meterInput && metadata.config?.lookback === true;
	let inputSize = firstInputSize(v, { meterInput, styles, lookback });
	const result: LstmModelWeights = {
		vocabulary: [...metadata.vocabulary],
		layers: [],
		denseKernel: new Float32Array(),
		denseBias: new Float32Array(),
		...(meterInput ? { meterInput: true } : {}),
		...(styles.length ? { styles: [...styles] } : {}),
		...(lookback ? { lookback: true } : {})
	};
	if (![...lstms, ...dense].every((l) => typeof l.config.name === 'string'))
		no('model.json has a layer with no name, so its weights cannot be found');
	for (const l of lstms) {
		const c = l.config as { name: string; units: number; recurrent_activation?: string; activation?: string };
		if (c.recurrent_activation !== 'sigmoid' || (c.activation ?? 'tanh') !== 'tanh')
			no(
				`layer ${c.name} uses ${shown(c.recurrent_activation)}/${shown(c.activation)} ` +
					"activations; only Keras's sigmoid/tanh LSTM is supported"
			);
		const n = c.units;
		if (!Number.isInteger(n) || n < 1 || n > MAX_UNITS)
			no(`layer ${c.name} has ${shown(n)} units (1 to ${MAX_UNITS} are possible)`);
		result.layers.push({
			inputSize,
			units: n,
			kernel: take(c.name, 'kernel', [inputSize, 4 * n]),
			recurrentKernel: take(c.name, 'recurrent_kernel', [n, 4 * n]),
			bias: take(c.name, 'bias', [4 * n])
		});
		inputSize = n;
	}
	const d = dense[0].config as { name: string; units: number };
	if (d.units !== v) no(`its output layer has ${shown(d.units)} symbols but its vocabulary has ${v}`);
	result.denseKernel = take(d.name, 'kernel', [inputSize, v]);
	result.denseBias = take(d.name, 'bias', [v]);
	checkWeights(result, metadata.vocabulary, where);
	const members = memberOutputs(result, metadata.members);
	if (members) result.members = members;
	if (metadata.corrections !== undefined) {
		const corrections = readCorrections(metadata.corrections, styles);
		if (!corrections) no('its style corrections do not fit its styles');
		result.corrections = corrections;
	}
	return { weights: result, metadata };
}

/**
 * Where a merged model's members sit at its output, from its metadata (`members[].outputUnits` and
 * `outputBias`), or null when the metadata does not say (models merged before they were kept) or does not
 * fit the weights.
 */
export function memberOutputs(
	weights: Pick<LstmModelWeights, 'layers' | 'vocabulary'>,
	members: readonly MemberRecord[] | undefined
): MemberOutput[] | null {
	const top = weights.layers[weights.layers.length - 1]?.units;
	return readOutputs(weights.vocabulary.length, members, top);
}

/** A member as its metadata keeps it; `outputMembers` when it was itself merged. */
interface MemberRecord {
	outputUnits?: unknown;
	outputBias?: unknown;
	outputMembers?: unknown;
}

/** Members whose units add up to `units`, each with a bias of `v` numbers, or null. */
function readOutputs(
	v: number,
	members: readonly MemberRecord[] | undefined,
	units: number
): MemberOutput[] | null {
	if (!Array.isArray(members) || members.length < 2) return null;
	const out: MemberOutput[] = [];
	for (const m of members) {
		const n = m.outputUnits;
		const bias = m.outputBias;
		if (!Number.isInteger(n) || (n as number) < 1) return null;
		if (!Array.isArray(bias) || bias.length !== v || !bias.every((b) => Number.isFinite(b))) return null;
		const output: MemberOutput = { units: n as number, denseBias: Float32Array.from(bias as number[]) };
		if (m.outputMembers !== undefined) {
			const inner = readOutputs(v, m.outputMembers as MemberRecord[], n as number);
			if (!inner) return null;
			output.members = inner;
		}
		out.push(output);
	}
	return out.reduce((s, m) => s + m.units, 0) === units ? out : null;
}

/** The three files as one zip (the app's export). */
export function packModel(files: ModelFiles): Uint8Array {
	return zipSync(
		{
			[MODEL_FILES.model]: strToU8(JSON.stringify(files.modelJson)),
			[MODEL_FILES.weights]: files.weights,
			[MODEL_FILES.metadata]: strToU8(JSON.stringify(files.metadata, null, 1))
		},
		{ level: 0 }
	);
}

/**
 * Limits for a model file: the largest model any part of the app writes (MAX_MODEL_BYTES of weights, a
 * merge included) with its descriptions, so every model written reads back, while a hostile archive cannot
 * exhaust memory.
 */
export const MODEL_ZIP_LIMITS: ZipLimits = {
	maxUnpackedBytes: MAX_MODEL_FILE_BYTES,
	maxEntries: 64,
	maxArchiveBytes: MAX_MODEL_FILE_BYTES
};

/**
 * Reads an exported zip back into the three files: only those three are inflated, each within the limits and
 * checked against its size and CRC-32. Names what is missing, damaged or too large.
 */
export async function unpackModel(
	bytes: Uint8Array,
	fileName = 'the file',
	signal?: AbortSignal
): Promise<OpenedModel> {
	// The zip reader's sentences name the file and the fix already; its limits speak of corpora, so a model
	// over them gets the model's own sentence.
	const tooLarge = () =>
		new ModelFormatError(
			`${fileName} would unpack to more than ${megabytes(MAX_MODEL_FILE_BYTES)}: larger than any model this ` +
				`app writes (${megabytes(MAX_MODEL_BYTES)} of weights and their description), so it is not one of its model files.`
		);
	const refused = (e: Error) =>
		e instanceof ZipEntryError && e.status === 'skipped' ? tooLarge() : new ModelFormatError(e.message);
	if (bytes.length > MAX_MODEL_FILE_BYTES) throw tooLarge();
	let files: ZipFile[];
	try {
		files = openZip(bytes, fileName, { budget: zipBudget(MODEL_ZIP_LIMITS), signal });
	} catch (e) {
		if (e instanceof ZipError) throw refused(e);
		throw e;
	}
	const read = async (name: string) => {
		const f = files.find(
			(z) => !z.entry.repeatOf && (z.entry.name === name || z.entry.name.endsWith(`/${name}`))
		);
		if (!f) throw new ModelFormatError(`${fileName} has no ${name}, so it is not a complete model export.`);
		try {
			return await f.read();
		} catch (e) {
			if (e instanceof ZipEntryError) throw refused(e);
			throw e;
		}
	};
	return openModel(
		{
			model: await read(MODEL_FILES.model),
			weights: await read(MODEL_FILES.weights),
			metadata: await read(MODEL_FILES.metadata)
		},
		fileName
	);
}

/**
 * The one way to read a model's three files, as they come from a directory, a zip or the network:
 * parsed and checked into weights and metadata. Throws ModelFormatError, a sentence naming `where`.
 */
export function openModel(files: ModelFileContents, where = 'the model'): OpenedModel {
	const parse = (content: string | Uint8Array, name: string) => {
		try {
			return JSON.parse(typeof content === 'string' ? content : strFromU8(content));
		} catch {
			throw new ModelFormatError(
				`${name} in ${where} is not valid JSON; the file may be truncated. Export the model again.`
			);
		}
	};
	return fromModelFiles(
		{
			modelJson: parse(files.model, MODEL_FILES.model),
			weights: files.weights,
			metadata: parse(files.metadata, MODEL_FILES.metadata)
		},
		where
	);
}

/** One song's form, as a model keeps it (`songForms`; read and drawn by generate/templates.ts). */
export interface SongTemplate {
	/** Length in bars' worth of steps (a pickup and the short last bar count as one). */
	bars: number;
	/** Steps into its bar the song starts (0: on the downbeat). */
	phase: number;
	/** For each full bar, the earlier full bar it repeats exactly (the first such), or −1. */
	copies: number[];
	/** Where its phrases end, in bars from its first step (phrase k ends `ends[k]` bars in); the last is `bars`. */
	ends: number[];
	/**
	 * Which of its phrases (indices into `ends`; the last where the song itself ends there) end off degrees
	 * 1, 3 and 5, as the sampler's cadences are judged (generate/form.ts `landsOn`); absent where not known
	 * (older models).
	 */
	unstable?: number[];
	/** Its first note (MIDI, in the encoding's C major or A minor); absent where not known (older models). */
	opening?: number;
	/** Major or minor, as the app hears the song (encoding/key.ts `estimateMode`); absent in older models. */
	mode?: 'major' | 'minor';
	/** The style the song taught, for a model trained with styles; absent otherwise. */
	style?: string;
	/** Training songs with this very template. */
	n: number;
}

/** Templates by meter (`3/4`), as a model's metadata keeps them (`songForms`). */
export type SongForms = Record<string, SongTemplate[]>;
