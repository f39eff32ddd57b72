import { describe, expect, it } from 'vitest';
import { crossValidatedAccuracy, fitLogistic, predictLogistic } from '../../../src/lib/eval/logistic';
import { Rng } from '../../../src/lib/model/rng';

/** Two Gaussian classes in 3 features, `gap` standard deviations apart on the first. */
function data(n: number, gap: number, seed: number) {
	const rng = new Rng(seed);
	const normal = () => rng.normal();
	const x: number[][] = [];
	const y: number[] = [];
	for (let i = 0; i < 2 * n; i++) {
		const label = i % 2;
		// The second feature is on another scale, the third constant: standardisation must cope.
		x.push([normal() + (label ? gap : 0), 1000 * normal(), 5]);
		y.push(label);
	}
	return { x, y };
}

describe('logistic regression', () => {
	it('stops where the penalised log-likelihood is flat (its gradient is zero)', () => {
		const { x, y } = data(100, 1, 3);
		const l2 = 2;
		const m = fitLogistic(x, y, l2);
		const grad = [0, 0, 0, 0];
		x.forEach((row, i) => {
			const r = predictLogistic(m, row) - y[i];
			row.forEach((v, j) => (grad[j] += m.scale[j] ? (r * (v - m.mean[j])) / m.scale[j] : 0));
			grad[3] += r;
		});
		for (let j = 0; j < 3; j++) grad[j] += l2 * m.weights[j];
		for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
		expect(m.weights[2]).toBe(0);
		expect(m.weights[0]).toBeGreaterThan(0.5);
	});

	it('tells two classes apart as well as their overlap allows, and at chance when they are the same', () => {
		// Two unit Gaussians 2 SD apart: the best rule is right Φ(1) = 84 % of the time.
		const apart = data(300, 2, 1);
		const a = crossValidatedAccuracy(apart.x, apart.y, { folds: 10, seed: 1 });
		expect(a).toBeGreaterThan(0.79);
		expect(a).toBeLessThan(0.89);
		const same = data(300, 0, 2);
		expect(Math.abs(crossValidatedAccuracy(same.x, same.y) - 0.5)).toBeLessThan(0.07);
	});

	it('gives the same accuracy for the same seed', () => {
		const { x, y } = data(80, 1, 5);
		expect(crossValidatedAccuracy(x, y, { seed: 4 })).toBe(crossValidatedAccuracy(x, y, { seed: 4 }));
	});
});
