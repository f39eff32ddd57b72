/**
 * `merge`: several models trained on the same inputs as one wider model that predicts their ensemble
 * (model/merge.ts). The bundled model is made this way (docs/model-card.md, section F).
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { printable, UsageError, type Command } from '../command';
import { mergedMetadata, mergeModels, mergeProblem } from '../../lib/model/merge';
import { toModelFiles } from '../../lib/model/format';
import { checkOutDir, readModelDir, writeModelDir } from '../files';

const command: Command = {
	summary: 'merge models trained on the same inputs into one that predicts as their ensemble',
	usage: [
		'npm run --silent cli -- merge --model <dir> --model <dir> [--model <dir> …] --out <dir> [--json]',
		'',
		"Writes one model whose LSTM holds the members' units side by side and whose output averages their",
		'logits: the normalized geometric mean of their probabilities. The members must share vocabulary,',
		'styles, bar input and lookback (models from "cli train" on the same corpora with the same settings).'
	].join('\n'),
	options: { model: { type: 'string', multiple: true }, out: { type: 'string' } },
	async run(values, positionals, ctx) {
		if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
		const dirs = (values.model as string[] | undefined) ?? [];
		if (dirs.length < 2) throw new UsageError('give at least two models: --model <dir> --model <dir>');
		if (typeof values.out !== 'string' || values.out === '')
			throw new UsageError('give --out <dir> for the merged model');
		// Writing over a member would replace the model being read (and lose it if the write fails).
		const same = (a: string) => (existsSync(a) ? realpathSync(a) : resolve(a));
		const out = same(values.out);
		const member = dirs.find((d) => same(d) === out);
		if (member !== undefined)
			throw new UsageError(
				`--out ${printable(values.out)} is one of the models to merge (--model ${printable(member)}); give a new folder for the merged model`
			);
		const opened = dirs.map((d) => readModelDir(d));
		// Checked before the work and before --out is made: designs, inputs, and the size of the result.
		const problem = mergeProblem(
			opened.map((m) => m.weights),
			dirs.map((d) => basename(resolve(d))),
			opened.map((m) => m.metadata.design)
		);
		if (problem)
			throw new UsageError(`these models cannot be merged: ${problem} (${dirs.map(printable).join(', ')})`);
		checkOutDir(values.out);
		const weights = mergeModels(opened.map((m) => m.weights));
		const metadata = mergedMetadata(opened, weights, basename(values.out));
		writeModelDir(values.out, toModelFiles(weights, metadata));
		const units = weights.layers.map((l) => l.units);
		if (ctx.json) ctx.print(JSON.stringify({ out: values.out, members: dirs, units }));
		else
			ctx.print(
				`wrote ${printable(values.out)}: ${dirs.length} models as one, an LSTM of ${units.join(', ')} units`
			);
	}
};
export default command;
