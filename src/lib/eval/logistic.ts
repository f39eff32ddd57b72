/**
 * A small L2-regularised logistic regression, for the classifier two-sample test: if a classifier cannot
 * tell generated tunes from real ones better than it tells two sets of real tunes apart, the generated
 * tunes pass. Features are standardised on the training part of each fold (so the penalty treats them
 * alike), and the fit is Newton's method on the penalised log-likelihood: deterministic, no learning rate,
 * a few iterations for the few dozen features and few hundred tunes it is used with.
 */
import { Rng } from '../model/rng';

/** A fitted model: standardisation, weights per feature and the intercept. */
export interface LogisticModel {
	mean: Float64Array;
	scale: Float64Array;
	weights: Float64Array;
	bias: number;
}

/** The penalty on the squared weights (of standardised features); the intercept is not penalised. */
export const DEFAULT_L2 = 1;

/** Solves A x = b for a symmetric positive definite A (n×n, row-major) by Cholesky; A is overwritten. */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
	for (let j = 0; j < n; j++) {
		let d = a[j * n + j];
		for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
		if (!(d > 0)) throw new Error('The logistic regression’s system is not positive definite.');
		d = Math.sqrt(d);
		a[j * n + j] = d;
		for (let i = j + 1; i < n; i++) {
			let s = a[i * n + j];
			for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = s / d;
		}
	}
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let s = b[i];
		for (let k = 0; k < i; k++) s -= a[i * n + k] * y[k];
		y[i] = s / a[i * n + i];
	}
	const x = new Float64Array(n);
	for (let i = n - 1; i >= 0; i--) {
		let s = y[i];
		for (let k = i + 1; k < n; k++) s -= a[k * n + i] * x[k];
		x[i] = s / a[i * n + i];
	}
	return x;
}

/**
 * Fits P(label = 1 | x) = σ(w·z + b), z the standardised x, minimising the mean log-loss plus
 * `l2`/(2n)·|w|². A feature constant in the data gets weight 0.
 */
export function fitLogistic(
	x: readonly (readonly number[])[],
	labels: readonly number[],
	l2 = DEFAULT_L2,
	iterations = 30
): LogisticModel {
	const n = x.length;
	if (n === 0 || labels.length !== n) throw new Error('A logistic regression needs one label per row.');
	const d = x[0].length;
	const mean = new Float64Array(d);
	const scale = new Float64Array(d);
	for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j] / n;
	for (const row of x) for (let j = 0; j < d; j++) scale[j] += (row[j] - mean[j]) ** 2 / n;
	for (let j = 0; j < d; j++) scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 0;
	const z = x.map((row) => row.map((v, j) => (scale[j] ? (v - mean[j]) / scale[j] : 0)));
	// Parameters: d weights, then the intercept.
	const m = d + 1;
	const theta = new Float64Array(m);
	for (let it = 0; it < iterations; it++) {
		const grad = new Float64Array(m);
		const hess = new Float64Array(m * m);
		for (let i = 0; i < n; i++) {
			let s = theta[d];
			for (let j = 0; j < d; j++) s += theta[j] * z[i][j];
			const p = 1 / (1 + Math.exp(-s));
			const r = p - labels[i];
			const w = Math.max(p * (1 - p), 1e-10);
			for (let j = 0; j < m; j++) {
				const zj = j < d ? z[i][j] : 1;
				grad[j] += r * zj;
				for (let k = 0; k <= j; k++) hess[j * m + k] += w * zj * (k < d ? z[i][k] : 1);
			}
		}
		for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) hess[k * m + j] = hess[j * m + k];
		for (let j = 0; j < d; j++) {
			grad[j] += l2 * theta[j];
			hess[j * m + j] += l2;
		}
		// A hair on the intercept's diagonal keeps the system solvable when one class is absent.
		hess[d * m + d] += 1e-9;
		const delta = solveSpd(hess, grad, m);
		let change = 0;
		for (let j = 0; j < m; j++) {
			theta[j] -= delta[j];
			change = Math.max(change, Math.abs(delta[j]));
		}
		if (change < 1e-9) break;
	}
	return { mean, scale, weights: theta.slice(0, d), bias: theta[d] };
}

/** P(label = 1) for one row. */
export function predictLogistic(model: LogisticModel, row: readonly number[]): number {
	let s = model.bias;
	for (let j = 0; j < row.length; j++)
		if (model.scale[j]) s += (model.weights[j] * (row[j] - model.mean[j])) / model.scale[j];
	return 1 / (1 + Math.exp(-s));
}

/**
 * K-fold cross-validated accuracy: the rows are dealt into `folds` folds at random (seeded), each class
 * spread evenly over them; each fold is predicted by a model fitted on the others.
 */
export function crossValidatedAccuracy(
	x: readonly (readonly number[])[],
	labels: readonly number[],
	options: { folds?: number; seed?: number; l2?: number } = {}
): number {
	const folds = options.folds ?? 10;
	const rng = new Rng(options.seed ?? 1);
	const fold = new Int32Array(x.length);
	for (const cls of [0, 1]) {
		const rows = rng.shuffle(labels.flatMap((l, i) => (l === cls ? [i] : [])));
		rows.forEach((r, k) => (fold[r] = k % folds));
	}
	let right = 0;
	for (let f = 0; f < folds; f++) {
		const train = x.flatMap((_, i) => (fold[i] === f ? [] : [i]));
		const test = x.flatMap((_, i) => (fold[i] === f ? [i] : []));
		if (test.length === 0) continue;
		const model = fitLogistic(
			train.map((i) => x[i]),
			train.map((i) => labels[i]),
			options.l2 ?? DEFAULT_L2
		);
		for (const i of test) if (predictLogistic(model, x[i]) >= 0.5 === (labels[i] === 1)) right++;
	}
	return right / x.length;
}
