/**
 * The Keras layer configs of the app's model.json (format.ts): what TensorFlow.js's `loadLayersModel`
 * needs to rebuild the model, with Keras's defaults written out (sigmoid recurrent activation, Glorot
 * initializers: docs/browsers.md).
 */

/** Keras's Glorot initializer config. */
export const glorot = (distribution: string) => ({
	class_name: 'VarianceScaling',
	config: { scale: 1, mode: 'fan_avg', distribution, seed: null }
});

/** The fields of a Keras LSTM config that this app never sets: no regularizers, no constraints. */
export const LSTM_UNREGULARIZED = {
	kernel_regularizer: null,
	recurrent_regularizer: null,
	bias_regularizer: null,
	activity_regularizer: null,
	kernel_constraint: null,
	recurrent_constraint: null,
	bias_constraint: null
} as const;

/** One LSTM layer of a Keras Sequential model.json, as TensorFlow.js's `loadLayersModel` reads it. */
export function lstmLayer(
	name: string,
	units: number,
	inputSize: number | null,
	dropout: number,
	recurrentDropout: number
) {
	return {
		class_name: 'LSTM',
		config: {
			name,
			trainable: true,
			...(inputSize !== null ? { batch_input_shape: [null, null, inputSize], dtype: 'float32' } : {}),
			units,
			activation: 'tanh',
			recurrent_activation: 'sigmoid',
			use_bias: true,
			kernel_initializer: glorot('uniform'),
			recurrent_initializer: glorot('uniform'),
			bias_initializer: { class_name: 'Zeros', config: {} },
			unit_forget_bias: true,
			...LSTM_UNREGULARIZED,
			dropout: 0,
			recurrent_dropout: recurrentDropout,
			implementation: null,
			return_sequences: true,
			return_state: false,
			go_backwards: false,
			stateful: false,
			unroll: false
		}
	};
}
