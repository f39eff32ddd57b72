/**
 * Export of any of the app's LSTM models as a Keras HDF5 file, so a user whose corpus outgrows the
 * browser can train it further in TensorFlow/Keras (docs/keras-export.md) and bring it back through the
 * Keras import. The file has the layout Keras 2 itself writes with `model.save('model.h5')` (as the
 * reference's `model.h5`): root attributes `backend`, `keras_version`, `model_config`, `training_config`;
 * `model_weights/<layer>/…/kernel:0` with `layer_names` and `weight_names` attributes. The model is a
 * Functional one with named inputs: `symbols` (one-hot), `bar` (the bar features, model/features.ts) and
 * `style` (one slot per style) and `lookback` (the symbols one, two, four and eight bars back, and a repeat
 * flag for each: features.ts `LOOKBACK_BARS`), joined by a Concatenate layer in that order, which is the row
 * order of the app's first LSTM kernel. Written with h5wasm (HDF5 compiled to WebAssembly) in its in-memory
 * file system. A style's correction (model/correction.ts: the bundled model's altdeu and dva styles) is not in
 * the file: Keras has no layer for it, and a network trained on further is another network.
 */
import * as h5 from 'h5wasm';
import type { LstmModelWeights } from '../model/types';
import { lookbackSize, METER_FEATURES } from '../model/features';
import { LSTM_UNREGULARIZED } from '../model/layers-json';

/** Keras version the layout follows (the reference's). */
export const KERAS_VERSION = '2.12.0';

/** The files of an export: the model, the vocabulary (symbol → one-hot index) and, with styles, styles.json. */
export interface KerasExport {
	h5: Uint8Array;
	/** `mapping.json` text, as the reference writes it. */
	mapping: string;
	/** `styles.json` text (style id → slot of the `style` input), only for a model with styles. */
	styles?: string;
}

/** Names of the named inputs, in the order their slots follow the one-hot symbol. */
export const KERAS_INPUTS = { symbols: 'symbols', bar: 'bar', style: 'style', lookback: 'lookback' } as const;

type Node = [string, number, number, Record<string, never>];
const node = (name: string): Node[][] => [[[name, 0, 0, {}]]];

const initializer = (class_name: string, config: Record<string, unknown> = {}) => ({ class_name, config });

function inputLayer(name: string, width: number) {
	return {
		class_name: 'InputLayer',
		config: { batch_input_shape: [null, null, width], dtype: 'float32', sparse: false, ragged: false, name },
		name,
		inbound_nodes: []
	};
}

/** The Keras model description (`model_config`) of the weights: Functional, named inputs. */
export function kerasModelConfig(w: LstmModelWeights, dropout = 0): Record<string, unknown> {
	const v = w.vocabulary.length;
	const inputs: [string, number][] = [[KERAS_INPUTS.symbols, v]];
	if (w.meterInput) inputs.push([KERAS_INPUTS.bar, METER_FEATURES]);
	if (w.styles?.length) inputs.push([KERAS_INPUTS.style, w.styles.length]);
	if (w.meterInput && w.lookback) inputs.push([KERAS_INPUTS.lookback, lookbackSize(v)]);
	const layers: Record<string, unknown>[] = inputs.map(([name, width]) => inputLayer(name, width));
	let previous = inputs[0][0];
	if (inputs.length > 1) {
		layers.push({
			class_name: 'Concatenate',
			config: { name: 'inputs', trainable: true, dtype: 'float32', axis: -1 },
			name: 'inputs',
			inbound_nodes: [inputs.map(([name]) => [name, 0, 0, {}])]
		});
		previous = 'inputs';
	}
	w.layers.forEach((l, i) => {
		const name = i === 0 ? 'lstm' : `lstm_${i}`;
		layers.push({
			class_name: 'LSTM',
			config: {
				name,
				trainable: true,
				dtype: 'float32',
				// Every step predicts the next symbol: the app trains many-to-many.
				return_sequences: true,
				return_state: false,
				go_backwards: false,
				stateful: false,
				unroll: false,
				time_major: false,
				units: l.units,
				activation: 'tanh',
				recurrent_activation: 'sigmoid',
				use_bias: true,
				kernel_initializer: initializer('GlorotUniform', { seed: null }),
				recurrent_initializer: initializer('Orthogonal', { gain: 1, seed: null }),
				bias_initializer: initializer('Zeros'),
				unit_forget_bias: true,
				...LSTM_UNREGULARIZED,
				dropout: 0,
				recurrent_dropout: 0,
				implementation: 2
			},
			name,
			inbound_nodes: node(previous)
		});
		previous = name;
		if (dropout > 0) {
			const d = i === 0 ? 'dropout' : `dropout_${i}`;
			layers.push({
				class_name: 'Dropout',
				config: { name: d, trainable: true, dtype: 'float32', rate: dropout, noise_shape: null, seed: null },
				name: d,
				inbound_nodes: node(previous)
			});
			previous = d;
		}
	});
	layers.push({
		class_name: 'Dense',
		config: {
			name: 'dense',
			trainable: true,
			dtype: 'float32',
			units: v,
			activation: 'softmax',
			use_bias: true,
			kernel_initializer: initializer('GlorotUniform', { seed: null }),
			bias_initializer: initializer('Zeros'),
			kernel_regularizer: null,
			bias_regularizer: null,
			activity_regularizer: null,
			kernel_constraint: null,
			bias_constraint: null
		},
		name: 'dense',
		inbound_nodes: node(previous)
	});
	return {
		class_name: 'Functional',
		config: {
			name: 'folk_lstm',
			trainable: true,
			layers,
			input_layers: inputs.map(([name]) => [name, 0, 0]),
			output_layers: [['dense', 0, 0]]
		},
		keras_version: KERAS_VERSION,
		backend: 'tensorflow'
	};
}

/** `training_config` as Keras writes it: the loss and Adam at the given learning rate. */
function trainingConfig(learningRate: number): Record<string, unknown> {
	return {
		loss: 'categorical_crossentropy',
		metrics: [
			[
				{
					class_name: 'MeanMetricWrapper',
					config: { name: 'accuracy', dtype: 'float32', fn: 'categorical_accuracy' }
				}
			]
		],
		weighted_metrics: null,
		loss_weights: null,
		optimizer_config: {
			class_name: 'Custom>Adam',
			config: {
				name: 'Adam',
				weight_decay: null,
				clipnorm: null,
				global_clipnorm: null,
				clipvalue: null,
				use_ema: false,
				ema_momentum: 0.99,
				ema_overwrite_frequency: null,
				jit_compile: false,
				is_legacy_optimizer: false,
				learning_rate: learningRate,
				beta_1: 0.9,
				beta_2: 0.999,
				epsilon: 1e-7,
				amsgrad: false
			}
		}
	};
}

let files = 0;

/**
 * The model as Keras HDF5 bytes plus `mapping.json` (and `styles.json`). `dropout` and `learningRate` go
 * into the description so that Keras trains on with the same settings.
 */
export async function exportKeras(
	w: LstmModelWeights,
	options: { dropout?: number; learningRate?: number } = {}
): Promise<KerasExport> {
	const { FS } = await h5.ready;
	const dropout = options.dropout ?? 0;
	const config = kerasModelConfig(w, dropout);
	const path = `/folk-keras-export-${++files}.h5`;
	const file = new h5.File(path, 'w');
	try {
		file.create_attribute('backend', 'tensorflow');
		file.create_attribute('keras_version', KERAS_VERSION);
		file.create_attribute('model_config', JSON.stringify(config));
		file.create_attribute('training_config', JSON.stringify(trainingConfig(options.learningRate ?? 0.001)));
		const root = file.create_group('model_weights');
		root.create_attribute('backend', 'tensorflow');
		root.create_attribute('keras_version', KERAS_VERSION);
		const layerNames = (config.config as { layers: { name: string }[] }).layers.map((l) => l.name);
		root.create_attribute('layer_names', layerNames, [layerNames.length]);
		const weights = new Map<string, [string, Float32Array, number[]][]>();
		w.layers.forEach((l, i) => {
			const name = i === 0 ? 'lstm' : `lstm_${i}`;
			const cell = i === 0 ? 'lstm_cell' : `lstm_cell_${i}`;
			weights.set(name, [
				[`${name}/${cell}/kernel:0`, l.kernel, [l.inputSize, 4 * l.units]],
				[`${name}/${cell}/recurrent_kernel:0`, l.recurrentKernel, [l.units, 4 * l.units]],
				[`${name}/${cell}/bias:0`, l.bias, [4 * l.units]]
			]);
		});
		const top = w.layers[w.layers.length - 1].units;
		weights.set('dense', [
			['dense/kernel:0', w.denseKernel, [top, w.vocabulary.length]],
			['dense/bias:0', w.denseBias, [w.vocabulary.length]]
		]);
		for (const name of [...layerNames, 'top_level_model_weights']) {
			const group = root.create_group(name);
			const list = weights.get(name) ?? [];
			// Keras writes an empty float64 array for a layer without weights.
			if (list.length === 0) group.create_attribute('weight_names', new Float64Array(0), [0]);
			else
				group.create_attribute(
					'weight_names',
					list.map(([n]) => n),
					[list.length]
				);
			for (const [n, data, shape] of list) {
				const parts = n.split('/');
				let g = group;
				for (const p of parts.slice(0, -1))
					g = (g.keys().includes(p) ? g.get(p) : g.create_group(p)) as h5.Group;
				g.create_dataset({ name: parts[parts.length - 1], data: Float32Array.from(data), shape });
			}
		}
	} finally {
		file.close();
	}
	const bytes = FS.readFile(path) as Uint8Array;
	FS.unlink(path);
	const mapping = JSON.stringify(Object.fromEntries(w.vocabulary.map((s, i) => [s, i])));
	const styles = w.styles?.length
		? JSON.stringify(Object.fromEntries(w.styles.map((s, i) => [s, i])))
		: undefined;
	return { h5: bytes, mapping, ...(styles ? { styles } : {}) };
}
