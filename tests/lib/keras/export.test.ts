import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as h5 from 'h5wasm';
import { hasShared, repoRoot, shared } from '../../shared';
import { exportKeras, KERAS_INPUTS } from '../../../src/lib/keras/export';
import { importKeras } from '../../../src/lib/keras/import';
import { initialWeights } from '../../../src/lib/model/init';
import { LstmStepModel } from '../../../src/lib/model/lstm-step';
import { lookbackSize, songBarContext } from '../../../src/lib/model/features';
import type { LstmModelWeights } from '../../../src/lib/model/types';
import { ingest } from '../../../src/lib/corpus/ingest';
import { dropFromPaths, readModelDir } from '../../../src/cli/files';

function defaultModel(): LstmModelWeights {
	return readModelDir(join(repoRoot, 'static', 'models', 'default')).weights;
}

/** Every probability of a song fed from its start, in the given style, with its bars. */
function probabilities(
	w: LstmModelWeights,
	song: { symbols: string[] } & Parameters<typeof songBarContext>[0],
	style: string | null
): Float32Array[] {
	const model = new LstmStepModel(w).withStyle(style).withBar(songBarContext(song));
	const ids = ['/', ...song.symbols].map((s) => model.vocabulary.indexOf(s));
	let state = model.initialState();
	const out: Float32Array[] = [];
	for (const id of ids) {
		const r = model.step(state, id < 0 ? 0 : id);
		state = r.state;
		out.push(r.probabilities);
	}
	return out;
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
	let d = 0;
	a.forEach((p, t) => p.forEach((x, j) => (d = Math.max(d, Math.abs(x - b[t][j])))));
	return d;
}

/** Groups, datasets (with shapes) and attribute names of an HDF5 file, as paths with layer names generalised. */
async function layout(bytes: Uint8Array, rename: (path: string) => string): Promise<string[]> {
	const { FS } = await h5.ready;
	const path = `/layout-${Math.random().toString(36).slice(2)}.h5`;
	FS.writeFile(path, bytes);
	const file = new h5.File(path, 'r');
	const out: string[] = [];
	const walk = (g: h5.Group, at: string) => {
		for (const a of Object.keys(g.attrs)) out.push(rename(`${at}@${a}`));
		for (const k of g.keys()) {
			const c = g.get(k) as h5.Group | h5.Dataset;
			if (c instanceof h5.Dataset) out.push(rename(`${at}/${k} dataset rank ${c.shape?.length}`));
			else walk(c as h5.Group, `${at}/${k}`);
		}
	};
	walk(file, '');
	file.close();
	FS.unlink(path);
	return [...new Set(out)].sort();
}

describe('Keras HDF5 export', () => {
	it('exports a model with bar, style and lookback inputs that the Keras import reads back to the same probabilities', async () => {
		// Random weights everywhere, style and lookback rows included, so a wrong row order would show.
		const w = initialWeights(
			['/', '_', 'r', '60', '62', '64', '65', '67'],
			2,
			12,
			7,
			true,
			['north', 'south'],
			true
		);
		const out = await exportKeras(w, { dropout: 0.2 });
		expect(JSON.parse(out.styles!)).toEqual({ north: 0, south: 1 });
		const back = importKeras(out.h5, out.mapping, {}, out.styles);
		expect(back.info.layerClasses).toEqual([
			'InputLayer',
			'InputLayer',
			'InputLayer',
			'InputLayer',
			'Concatenate',
			'LSTM',
			'Dropout',
			'LSTM',
			'Dropout',
			'Dense'
		]);
		expect(back.info.sequences).toBe(true);
		expect(back.weights.styles).toEqual(['north', 'south']);
		expect(back.weights.meterInput).toBe(true);
		expect(back.weights.lookback).toBe(true);
		const song = {
			symbols: '60 _ 62 _ 64 _ _ _ 65 _ 67 _ r _ 60 _'.split(' '),
			meter: '2/4',
			barPhase: 0
		};
		for (const style of [null, 'north', 'south']) {
			const a = probabilities(w, song, style);
			const b = probabilities(back.weights, song, style);
			expect(maxDifference(a, b)).toBeLessThan(1e-5);
		}
		// The styles and the lookback rows really matter, so the check above is not vacuous.
		expect(maxDifference(probabilities(w, song, 'north'), probabilities(w, song, 'south'))).toBeGreaterThan(
			1e-3
		);
		const blind = structuredClone(w);
		const g = 4 * 12;
		blind.layers[0].kernel.fill(0, (blind.layers[0].inputSize - lookbackSize(8)) * g);
		expect(maxDifference(probabilities(w, song, null), probabilities(blind, song, null))).toBeGreaterThan(
			1e-3
		);
	});

	it('names its inputs symbols, bar, style and lookback in the model description', async () => {
		const w = initialWeights(['/', '_', '60'], 1, 4, 1, true, ['a'], true);
		const { FS } = await h5.ready;
		const out = await exportKeras(w);
		FS.writeFile('/names.h5', out.h5);
		const f = new h5.File('/names.h5', 'r');
		const config = JSON.parse(String(f.attrs.model_config.value));
		f.close();
		FS.unlink('/names.h5');
		expect(config.class_name).toBe('Functional');
		expect(config.config.input_layers.map((i: string[]) => i[0])).toEqual(Object.values(KERAS_INPUTS));
	});

	describe.skipIf(!hasShared())('against the reference model.h5', () => {
		it('reproduces the default model on a held-out song within 1e-5', async () => {
			const w = defaultModel();
			const out = await exportKeras(w, { dropout: 0.2 });
			const back = importKeras(out.h5, out.mapping, {}, out.styles);
			// styles.json exactly when the bundled model has styles, read back to the same ids.
			expect(out.styles === undefined).toBe(!w.styles?.length);
			expect(back.weights.styles).toEqual(w.styles);
			// kindr001 is on the default model's held-out slice (odd-numbered files).
			const { songs } = await ingest(
				dropFromPaths([shared('corpus', 'essen', 'deutschl', 'kinder', 'kindr001.krn')])
			);
			expect(songs.length).toBe(1);
			// The network, that is: a style's correction (model/correction.ts) has no Keras layer to go in.
			const network = { ...w, corrections: undefined };
			for (const style of [null, ...(w.styles ?? [])])
				expect(
					maxDifference(
						probabilities(network, songs[0], style),
						probabilities(back.weights, songs[0], style)
					),
					`style ${style}`
				).toBeLessThan(1e-5);
		});

		it('has the group and attribute layout of the reference model.h5', async () => {
			const w = defaultModel();
			const out = await exportKeras(w, { dropout: 0.2 });
			// Layer names differ by model (input_1 vs symbols, bar, style, lookback); the reference has only symbols.
			const general = (p: string) =>
				p
					.replace(/\/(input_1|symbols|bar|style|lookback)(?=\/|@|$)/g, '/<input>')
					.replace(/\/inputs(?=\/|@|$)/g, '/<join>');
			const ref = await layout(readFileSync(shared('fixtures', 'seed-keras', 'model.h5')), general);
			const ours = await layout(out.h5, general);
			// Keras writes optimizer_weights only when the optimizer is saved; an exported model has none.
			const refModel = ref.filter((p) => !p.startsWith('/optimizer_weights'));
			expect(ours.filter((p) => !p.includes('<join>'))).toEqual(refModel);
			expect(ours).toContain('/model_weights/lstm/lstm/lstm_cell/kernel:0 dataset rank 2');
			expect(ours).toContain('/model_weights/dense/dense/bias:0 dataset rank 1');
			expect(ours).toContain('@model_config');
		});
	});
});
