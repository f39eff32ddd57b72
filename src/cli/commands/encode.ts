import { printable, UsageError, type Command } from '../command';
import { optionsFrom, READ_FLAGS, readCorpus } from '../files';

const command: Command = {
	summary:
		'encode **kern, ABC, MusicXML or MIDI files, folders or zips: one line per kept song (per ABC tune), path<TAB>symbols',
	usage:
		'npm run --silent cli -- encode <paths…> [--keep-key] [--quantize-tuplets] [--midi-track N] [--json]\n' +
		'  prints path<TAB>symbols (space-separated, no delimiters) for each kept song, in sorted path order.\n' +
		'  --json: one object per line, {path, key, transposition, symbols}; an ABC tune adds tune (its X:) and\n' +
		'  title, with path its file',
	options: READ_FLAGS,
	async run(values, positionals, ctx) {
		if (positionals.length === 0) throw new UsageError('give at least one file, folder or .zip to encode');
		const { songs } = await readCorpus(positionals, optionsFrom(values));
		for (const s of songs) {
			if (ctx.json)
				ctx.print(
					JSON.stringify({
						path: s.file ?? s.path,
						...(s.file ? { tune: s.tune ?? null, title: s.title ?? null } : {}),
						key: s.key,
						transposition: s.transposition,
						symbols: s.symbols
					})
				);
			else
				ctx.print(
					`${printable(s.file && s.tune !== undefined ? `${s.file} X:${s.tune}` : s.path)}\t${s.symbols.join(' ')}`
				);
		}
	}
};
export default command;
