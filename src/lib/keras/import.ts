/**
 * Import of the reference project's Keras model: `model.h5` (read with jsfive, a pure-JS HDF5 reader that
 * works in Node, the page and the worker) plus its `mapping.json` (symbol -> one-hot index) become
 * `LstmModelWeights`, which `LstmStepModel` runs. Keras stores LSTM gates in the order i, f, c, o, the
 * layout `LstmModelWeights` uses, so the arrays are taken as they are.
 */
import { File as H5File, type Dataset, type Group } from 'jsfive';
import type { LstmLayerWeights, LstmModelWeights } from '../model/types';
import {
	MAX_MODEL_BYTES,
	MAX_MODEL_FILE_BYTES,
	MAX_UNITS,
	megabytes,
	weightsProblem
} from '../model/validate';
import { SONG_END } from '../music/symbols';
import { mappingWarning } from './sanity';
import { DEFAULT_NAMES, KerasImportError, parseMapping, parseStyles, type KerasFileNames } from './mapping';
import { lookbackSize, METER_FEATURES } from '../model/features';

/** What the import found besides the weights: enough to describe the model to the user. */
export interface KerasModelInfo {
	kerasVersion?: string;
	/** Layer classes in order, e.g. ['InputLayer', 'LSTM', 'Dropout', 'Dense']. */
	layerClasses: string[];
	units: number[];
	/** Dropout rates found in the model (used only in training, ignored here). */
	dropout: number[];
	/**
	 * True when the last LSTM returns sequences (a model exported by this app, read many-to-many from the
	 * song start); false for the reference's 64-symbol windows.
	 */
	sequences: boolean;
}

/** The imported model: weights in the project's layout plus a description. */
export interface KerasImport {
	weights: LstmModelWeights;
	info: KerasModelInfo;
	/** Sentences about what was accepted but looks wrong (a mapping in an implausible order). */
	warnings: string[];
}

interface LayerConfig {
	class_name: string;
	config: Record<string, unknown>;
}

/** A value from the file, shown in a message: quoted, short, never "[object Object]". */
function shown(x: unknown): string {
	return x === undefined ? 'no' : (JSON.stringify(x) ?? String(x)).slice(0, 40);
}

function toBuffer(data: ArrayBuffer | Uint8Array): ArrayBuffer {
	if (data instanceof ArrayBuffer) return data;
	return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (value instanceof Uint8Array) return new TextDecoder().decode(value);
	if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
	return undefined;
}

function strings(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((v) => text(v) ?? String(v));
	const t = text(value);
	return t === undefined ? [] : [t];
}

/** The layer list of a Sequential or Functional model config, in order. */
function layerConfigs(modelConfig: unknown, name: string): LayerConfig[] {
	const root = modelConfig as { class_name?: string; config?: unknown } | null;
	const cfg = root?.config as { layers?: unknown } | unknown[] | undefined;
	const layers = Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown } | undefined)?.layers;
	if (!Array.isArray(layers))
		throw new KerasImportError(name, `${name} has a model description this app cannot read.`);
	return layers as LayerConfig[];
}

/**
 * The largest `.h5` read: the largest model any part of the app writes (MAX_MODEL_BYTES of weights, the
 * Keras export of a 15-way merge of the bundled model's size included) and its HDF5 tables. HDF5 is parsed
 * whole in memory, so a larger file is refused before parsing starts.
 */
export const MAX_H5_BYTES = MAX_MODEL_FILE_BYTES;

/** Refuses a model file over MAX_H5_BYTES, by its size alone (call it before reading the file). */
export function checkH5Size(bytes: number, name = DEFAULT_NAMES.model): void {
	if (bytes > MAX_H5_BYTES)
		throw new KerasImportError(
			name,
			`${name} is ${megabytes(bytes)}, larger than any model this app reads or writes ` +
				`(${megabytes(MAX_MODEL_BYTES)} of weights, ${megabytes(MAX_H5_BYTES)} with its description); ` +
				"give the model.h5 of an LSTM like the reference project's (3.7 MB) or of a smaller model."
		);
}

/**
 * Reads a Keras LSTM model from an HDF5 file (Keras 2 `model.save('model.h5')`) and its mapping.
 * Supported: one-hot input, one or more LSTM layers (sigmoid gates, tanh), optional Dropout, and a
 * final Dense softmax — the reference's design and its stacked variants. A damaged or cut-short file
 * is refused with a sentence, whatever the HDF5 reader stumbles on.
 */
export function importKeras(
	h5: ArrayBuffer | Uint8Array,
	mapping: string | unknown,
	names: Partial<KerasFileNames> = {},
	/** `styles.json` (style id → slot of the `style` input) of a model exported with styles. */
	stylesJson?: string
): KerasImport {
	const n = { ...DEFAULT_NAMES, ...names };
	checkH5Size(h5.byteLength, n.model);
	const vocabulary = parseMapping(mapping, n.mapping);
	let imported: KerasImport;
	try {
		imported = readH5(h5, vocabulary, n, stylesJson);
	} catch (e) {
		if (e instanceof KerasImportError) throw e;
		// The HDF5 reader's own words help where it names what it found; a JavaScript TypeError or
		// RangeError from deep inside it only says where it tripped, which means nothing to the user.
		const detail = e instanceof TypeError || e instanceof RangeError ? '' : ` (${(e as Error).message})`;
		throw new KerasImportError(
			n.model,
			`${n.model} is damaged or cut short${detail}. Give the model.h5 that Keras saved, copied whole.`
		);
	}
	const problem = weightsProblem(imported.weights);
	if (problem)
		throw new KerasImportError(
			n.model,
			`${n.model} cannot be used: ${problem}. Give a model.h5 saved from a model that trained normally.`
		);
	const warning = mappingWarning(imported.weights, n.mapping);
	if (warning) imported.warnings.push(warning);
	return imported;
}

function readH5(
	h5: ArrayBuffer | Uint8Array,
	vocabulary: string[],
	n: KerasFileNames,
	stylesJson: string | undefined
): KerasImport {
	let file: H5File;
	try {
		file = new H5File(toBuffer(h5), n.model);
	} catch {
		throw new KerasImportError(
			n.model,
			`${n.model} is not an HDF5 file that can be read. Give the model.h5 that Keras saved (model.save("model.h5")).`
		);
	}
	const configText = text(file.attrs.model_config);
	if (!configText)
		throw new KerasImportError(
			n.model,
			`${n.model} has no model description (model_config); it may hold weights only. Save the whole model with model.save("model.h5").`
		);
	let modelConfig: unknown;
	try {
		modelConfig = JSON.parse(configText);
	} catch {
		throw new KerasImportError(n.model, `${n.model} has a damaged model description.`);
	}
	const configs = layerConfigs(modelConfig, n.model);
	const info: KerasModelInfo = {
		kerasVersion: text(file.attrs.keras_version),
		layerClasses: configs.map((l) => l.class_name),
		units: [],
		dropout: [],
		sequences: false
	};
	// Named inputs of a model exported by this app (export.ts): one-hot symbols, then bar, then style.
	const inputWidths: [string, number][] = [];

	let weightsRoot: Group;
	try {
		weightsRoot = file.keys.includes('model_weights') ? (file.get('model_weights') as Group) : file;
	} catch {
		throw new KerasImportError(n.model, `${n.model} holds no weights.`);
	}
	const read = (layerName: string): Map<string, Dataset> => {
		const out = new Map<string, Dataset>();
		try {
			const group = weightsRoot.get(layerName) as Group;
			for (const wn of strings(group.attrs.weight_names)) {
				const key = wn.split(SONG_END).pop()!.replace(/:\d+$/, '');
				out.set(key, weightsRoot.get(`${layerName}/${wn}`) as Dataset);
			}
		} catch {
			throw new KerasImportError(n.model, `${n.model} lacks the weights of layer ${layerName}.`);
		}
		return out;
	};
	const array = (d: Dataset | undefined, shape: number[], what: string): Float32Array => {
		if (!d) throw new KerasImportError(n.model, `${n.model} lacks the ${what}.`);
		if (d.shape.length !== shape.length || d.shape.some((s, i) => s !== shape[i]))
			throw new KerasImportError(
				n.model,
				`${n.model}: the ${what} has shape [${d.shape.join(', ')}], expected [${shape.join(', ')}].`
			);
		return Float32Array.from(d.value);
	};

	const layers: LstmLayerWeights[] = [];
	let dense: { kernel: Float32Array; bias: Float32Array } | null = null;
	let inputSize = vocabulary.length;
	for (const layer of configs) {
		const cfg = layer.config;
		const layerName = String(cfg.name ?? '');
		switch (layer.class_name) {
			case 'InputLayer': {
				const shape = (cfg.batch_input_shape ?? cfg.batch_shape) as (number | null)[] | undefined;
				const width = shape?.[shape.length - 1];
				if (inputWidths.length === 0 && typeof width === 'number' && width !== vocabulary.length)
					throw new KerasImportError(
						n.mapping,
						`${n.model} expects ${width} input symbols but ${n.mapping} has ${vocabulary.length}. Give the mapping.json written with this model.`
					);
				inputWidths.push([layerName, Number(width)]);
				if (inputWidths.length > 1) inputSize += Number(width);
				break;
			}
			case 'Concatenate':
				if (inputWidths.length < 2 || layers.length > 0)
					throw new KerasImportError(
						n.model,
						`${n.model} joins layers other than its inputs; not supported.`
					);
				break;
			case 'Dropout':
				info.dropout.push(Number(cfg.rate ?? 0));
				break;
			case 'LSTM': {
				if (dense)
					throw new KerasImportError(n.model, `${n.model} has an LSTM after its Dense layer; not supported.`);
				const act = cfg.activation ?? 'tanh';
				const rec = cfg.recurrent_activation ?? 'sigmoid';
				if (act !== 'tanh' || rec !== 'sigmoid')
					throw new KerasImportError(
						n.model,
						`${n.model} uses LSTM activations ${shown(act)}/${shown(rec)}; only tanh/sigmoid (the Keras default) is supported.`
					);
				if (cfg.go_backwards || cfg.use_bias === false)
					throw new KerasImportError(n.model, `${n.model} has a backwards or bias-free LSTM; not supported.`);
				const units = Number(cfg.units);
				if (!Number.isInteger(units) || units < 1 || units > MAX_UNITS)
					throw new KerasImportError(
						n.model,
						`${n.model}: LSTM layer ${layerName} has ${shown(cfg.units)} units (1 to ${MAX_UNITS} are possible).`
					);
				const w = read(layerName);
				layers.push({
					inputSize,
					units,
					kernel: array(w.get('kernel'), [inputSize, 4 * units], `kernel of layer ${layerName}`),
					recurrentKernel: array(
						w.get('recurrent_kernel'),
						[units, 4 * units],
						`recurrent kernel of layer ${layerName}`
					),
					bias: array(w.get('bias'), [4 * units], `bias of layer ${layerName}`)
				});
				info.units.push(units);
				info.sequences = cfg.return_sequences === true;
				inputSize = units;
				break;
			}
			case 'Dense': {
				if (dense)
					throw new KerasImportError(n.model, `${n.model} has more than one Dense layer; not supported.`);
				if (layers.length === 0)
					throw new KerasImportError(n.model, `${n.model} has a Dense layer before any LSTM; not supported.`);
				if ((cfg.activation ?? 'linear') !== 'softmax')
					throw new KerasImportError(
						n.model,
						`${n.model} ends with a Dense layer whose activation is ${shown(cfg.activation)}, not softmax.`
					);
				const units = Number(cfg.units);
				if (units !== vocabulary.length)
					throw new KerasImportError(
						n.mapping,
						`${n.model} predicts ${units} symbols but ${n.mapping} has ${vocabulary.length}. Give the mapping.json written with this model.`
					);
				const w = read(layerName);
				dense = {
					kernel: array(w.get('kernel'), [inputSize, units], `kernel of layer ${layerName}`),
					bias: array(w.get('bias'), [units], `bias of layer ${layerName}`)
				};
				break;
			}
			default:
				throw new KerasImportError(
					n.model,
					`${n.model} has a ${shown(layer.class_name)} layer; only LSTM, Dropout and Dense layers are supported.`
				);
		}
	}
	if (layers.length === 0 || !dense)
		throw new KerasImportError(n.model, `${n.model} is not an LSTM followed by a Dense softmax layer.`);
	const extra = readExtraInputs(inputWidths.slice(1), vocabulary.length, n, stylesJson);
	return {
		weights: { vocabulary, layers, denseKernel: dense.kernel, denseBias: dense.bias, ...extra },
		info,
		warnings: []
	};
}

/**
 * The `bar`, `style` and `lookback` inputs after the symbols: bar input on, the style ids from
 * styles.json, lookback on.
 */
function readExtraInputs(
	inputs: [string, number][],
	v: number,
	n: KerasFileNames,
	stylesJson: string | undefined
): { meterInput?: true; styles?: string[]; lookback?: true } {
	const out: { meterInput?: true; styles?: string[]; lookback?: true } = {};
	let k = 0;
	if (inputs[k]?.[0] === 'bar') {
		if (inputs[k][1] !== METER_FEATURES)
			throw new KerasImportError(
				n.model,
				`${n.model} has a bar input of ${inputs[k][1]} features; this app's bar input has ${METER_FEATURES}.`
			);
		out.meterInput = true;
		k++;
	}
	if (inputs[k]?.[0] === 'style') {
		const count = inputs[k][1];
		const styles = parseStyles(stylesJson, count, n.styles);
		out.styles = styles;
		k++;
	}
	if (out.meterInput && inputs[k]?.[0] === 'lookback') {
		if (inputs[k][1] !== lookbackSize(v))
			throw new KerasImportError(
				n.model,
				`${n.model} has a lookback input of ${inputs[k][1]} features; with its ${v} symbols it needs ${lookbackSize(v)}.`
			);
		out.lookback = true;
		k++;
	}
	if (k < inputs.length)
		throw new KerasImportError(
			n.model,
			`${n.model} has an input "${inputs[k][0]}"; only symbols, then "bar", "style" and "lookback", are supported.`
		);
	return out;
}
