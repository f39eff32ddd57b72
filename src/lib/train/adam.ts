/**
 * Adam in Keras's form (bias-corrected step size, epsilon 1e-7), over a fixed list of variables. Its
 * moments go into a checkpoint and come back exactly.
 */
import * as tf from '#tf';

const B1 = 0.9;
const B2 = 0.999;

/** The optimizer state as plain arrays, in the order of the variables. */
export interface AdamState {
	step: number;
	m: Float32Array[];
	v: Float32Array[];
}

export class Adam {
	private step = 0;
	private m: tf.Tensor[];
	private v: tf.Tensor[];

	/** Fresh moments for `variables`, or those of a checkpoint. */
	constructor(
		private readonly variables: readonly tf.Variable[],
		state?: AdamState
	) {
		this.step = state?.step ?? 0;
		this.m = variables.map((x, i) => (state ? tf.tensor(state.m[i], x.shape) : tf.zerosLike(x)));
		this.v = variables.map((x, i) => (state ? tf.tensor(state.v[i], x.shape) : tf.zerosLike(x)));
	}

	/** One update with learning rate `lr`; `grads` in the order of the variables (the caller disposes them). */
	apply(grads: readonly tf.Tensor[], lr: number): void {
		this.step += 1;
		const lrT = (lr * Math.sqrt(1 - B2 ** this.step)) / (1 - B1 ** this.step);
		const next = tf.tidy(() =>
			grads.map((g, i) => {
				const m = tf.add(tf.mul(this.m[i], B1), tf.mul(g, 1 - B1));
				const v = tf.add(tf.mul(this.v[i], B2), tf.mul(tf.square(g), 1 - B2));
				const x = this.variables[i];
				x.assign(tf.sub(x, tf.mul(tf.div(m, tf.add(tf.sqrt(v), 1e-7)), lrT)));
				return { m, v };
			})
		);
		this.dispose();
		this.m = next.map((x) => x.m);
		this.v = next.map((x) => x.v);
	}

	/** The state as plain arrays (async: never a synchronous read, see docs/browsers.md). */
	async state(): Promise<AdamState> {
		const read = (xs: tf.Tensor[]) => Promise.all(xs.map(async (x) => (await x.data()) as Float32Array));
		return { step: this.step, m: await read(this.m), v: await read(this.v) };
	}

	/** Frees the moments (not the variables). */
	dispose(): void {
		for (const x of [...this.m, ...this.v]) x.dispose();
	}
}
