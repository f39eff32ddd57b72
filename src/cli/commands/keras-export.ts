/**
 * `keras-export`: writes a model from `cli train` (or the app's export, unzipped) as a Keras HDF5 file
 * with its vocabulary, to train further in TensorFlow/Keras (docs/keras-export.md).
 */
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printable, UsageError, type Command } from '../command';
import { exportKeras } from '../../lib/keras/export';
import { checkOutDir, readModelDir } from '../files';

/** The files an export writes: an earlier export in --out is replaced whole, anything else is refused. */
const KERAS_FILES = ['model.h5', 'mapping.json', 'styles.json'];

/**
 * Before the export: --out is a new folder, an empty one, or an earlier export (whose files are replaced,
 * and a styles.json the new model does not have removed, so no stale file is read with it). Anything else
 * there, or a folder where a file goes, is refused with a sentence.
 */
function checkKerasOut(dir: string): void {
	if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
	const names = readdirSync(dir);
	const other = names.filter((n) => !KERAS_FILES.includes(n));
	if (other.length)
		throw new UsageError(
			`--out ${printable(dir)} already holds ${other
				.slice(0, 3)
				.map((n) => `"${printable(n)}"`)
				.join(', ')}${other.length > 3 ? ` and ${other.length - 3} more` : ''}, which an export does not ` +
				'write; give a new or empty folder (an earlier Keras export there is replaced)'
		);
	for (const n of names)
		if (!statSync(join(dir, n)).isFile())
			throw new UsageError(
				`--out ${printable(dir)} holds a folder named ${n}, where the export writes its ${n} file; remove it or give another folder`
			);
}

const command: Command = {
	summary: 'write a model as a Keras HDF5 file (model.h5, mapping.json, styles.json) for TensorFlow',
	usage: [
		'npm run --silent cli -- keras-export --model <dir> --out <dir> [--json]',
		'',
		'Writes <out>/model.h5 (the layout Keras 2 writes; inputs "symbols", "bar", "style", "lookback"), mapping.json',
		'(symbol -> one-hot index) and, for a model with styles, styles.json (style id -> slot). <out> must be new,',
		'empty, or an earlier export (replaced whole).'
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
		checkKerasOut(values.out);
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
		else rmSync(join(values.out, 'styles.json'), { force: true });
		if (ctx.json) ctx.print(JSON.stringify({ files, styles: weights.styles ?? [] }));
		else for (const f of files) ctx.print(`wrote ${printable(f)}`);
	}
};
export default command;
