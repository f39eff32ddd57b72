/**
 * `keras-export`: writes a model from `cli train` (or the app's export, unzipped) as a Keras HDF5 file
 * with its vocabulary, to train further in TensorFlow/Keras (docs/keras-export.md).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printable, UsageError, type Command } from '../command';
import { exportKeras } from '../../lib/keras/export';
import { checkOutDir, readModelDir } from '../files';

const command: Command = {
	summary: 'write a model as a Keras HDF5 file (model.h5, mapping.json, styles.json) for TensorFlow',
	usage: [
		'npm run --silent cli -- keras-export --model <dir> --out <dir> [--json]',
		'',
		'Writes <out>/model.h5 (the layout Keras 2 writes; inputs "symbols", "bar", "style", "lookback"), mapping.json',
		'(symbol -> one-hot index) and, for a model with styles, styles.json (style id -> slot).'
	].join('\n'),
	options: { model: { type: 'string' }, out: { type: 'string' } },
	async run(values, positionals, ctx) {
		if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
		if (typeof values.model !== 'string' || values.model === '')
			throw new UsageError('give --model <dir> (from "cli train")');
		if (typeof values.out !== 'string' || values.out === '')
			throw new UsageError('give --out <dir> for the Keras files');
		const { weights, metadata } = readModelDir(values.model);
		if (metadata.design === 'window')
			throw new UsageError(
				`${values.model} was trained on 64-step windows; only models of this app's design export`
			);
		// Before the export: the files must have somewhere to go (a folder, created if needed, writable).
		checkOutDir(values.out);
		const out = await exportKeras(weights, {
			dropout: metadata.config?.dropout ?? 0,
			learningRate: metadata.config?.learningRate
		});
		const files: string[] = [];
		const write = (name: string, data: string | Uint8Array) => {
			writeFileSync(join(values.out as string, name), data);
			files.push(join(values.out as string, name));
		};
		write('model.h5', out.h5);
		write('mapping.json', out.mapping);
		if (out.styles) write('styles.json', out.styles);
		if (ctx.json) ctx.print(JSON.stringify({ files, styles: weights.styles ?? [] }));
		else for (const f of files) ctx.print(`wrote ${printable(f)}`);
	}
};
export default command;
