import { UsageError, type Command } from '../command';
import { ingest, IngestError } from '../../lib/corpus/ingest';
import { dropFromPaths, optionsFrom } from './ingest';

const command: Command = {
	summary: 'encode **kern files, folders or zips: one line per kept song, path<TAB>symbols',
	usage:
		'npm run --silent cli -- encode <paths…> [--keep-key] [--quantize-tuplets] [--json]\n' +
		'  prints path<TAB>symbols (space-separated, no delimiters) for each kept song, in sorted path order.\n' +
		'  --json: one object per line, {path, key, transposition, symbols}',
	options: { 'keep-key': { type: 'boolean' }, 'quantize-tuplets': { type: 'boolean' } },
	async run(values, positionals, ctx) {
		if (positionals.length === 0) throw new UsageError('give at least one file, folder or .zip to encode');
		let songs;
		try {
			({ songs } = await ingest(dropFromPaths(positionals), optionsFrom(values)));
		} catch (e) {
			if (e instanceof IngestError) throw new UsageError(e.message);
			throw e;
		}
		for (const s of songs) {
			if (ctx.json)
				ctx.print(
					JSON.stringify({ path: s.path, key: s.key, transposition: s.transposition, symbols: s.symbols })
				);
			else ctx.print(`${s.path}\t${s.symbols.join(' ')}`);
		}
	}
};
export default command;
