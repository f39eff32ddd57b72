/**
 * Adds the forms of a model's training songs (generate/templates.ts: length, upbeat, which bars repeat
 * which, where the kern files mark phrase ends) to its `metadata.json` as `songForms`, for a model trained
 * before the trainer kept them (the bundled one). A tune written "as the songs go" follows one of them.
 *
 *   npx tsx scripts/song-forms.ts --model static/models/default <training songs…> [--write]
 *   npx tsx scripts/song-forms.ts --model <dir> --style <id>=<songs…> [--style …] [--write]
 *
 * With `--style`, each form keeps the style its song taught (a tune in its form writes in that style).
 *
 * The bundled model's German training songs (docs/model-card.md, B):
 *   D=../shared/corpus/essen/deutschl
 *   npx tsx scripts/song-forms.ts --model static/models/default $D/erk $D/allerkbd $D/test $D/variant \
 *     $D/kinder/*[02468].krn $D/altdeu1/*[02468].krn $D/altdeu2/*[02468].krn $D/dva/*[02468].krn --write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readSongs } from '../src/cli/paths';
import { songFormsOf } from '../src/cli/commands/melody-stats';
import { groupStylePaths } from '../src/cli/commands/train';
import type { EncodedSong } from '../src/lib/encoding/song';

async function main() {
	const args = process.argv.slice(2);
	const { values, positionals } = parseArgs({
		args,
		options: {
			model: { type: 'string' },
			write: { type: 'boolean' },
			style: { type: 'string', multiple: true }
		},
		allowPositionals: true
	});
	// The --style groups, read as `cli train` reads them (its parser knows neither --model nor --write).
	const rest = args.filter((a, k) => a !== '--write' && a !== '--model' && args[k - 1] !== '--model');
	const grouped = values.style?.length ? groupStylePaths(rest) : null;
	if (!values.model || (positionals.length === 0 && !grouped))
		throw new Error('give --model <dir> and the training songs');
	const songs: (EncodedSong & { style?: string })[] = [];
	if (grouped)
		for (const [style, paths] of grouped.styles)
			songs.push(...(await readSongs(paths, `the ${style} songs`)).map((s) => ({ ...s, style })));
	else songs.push(...(await readSongs(positionals, 'training songs')));
	const forms = songFormsOf(songs);
	for (const [meter, list] of Object.entries(forms)) {
		const n = list.reduce((s, t) => s + t.n, 0);
		const upbeat = list.reduce((s, t) => s + (t.phase > 0 ? t.n : 0), 0);
		console.log(
			`${meter.padEnd(5)} ${String(n).padStart(5)} songs, ${String(list.length).padStart(5)} forms, upbeat ${((100 * upbeat) / n).toFixed(0)} %`
		);
	}
	const file = join(values.model, 'metadata.json');
	const metadata = JSON.parse(readFileSync(file, 'utf8'));
	// Laid out as the file is (one space a level), a song's form a line.
	metadata.songForms = '@forms@';
	const forms_ = Object.entries(forms)
		.map(
			([m, list]) =>
				`  ${JSON.stringify(m)}: [\n${list.map((t) => `   ${JSON.stringify(t)}`).join(',\n')}\n  ]`
		)
		.join(',\n');
	const text = `${JSON.stringify(metadata, null, 1).replace('"@forms@"', `{\n${forms_}\n }`)}`;
	JSON.parse(text);
	console.log(`${songs.length} songs read; metadata ${text.length.toLocaleString('en')} characters`);
	if (values.write) writeFileSync(file, text);
}

main().catch((e) => {
	console.error((e as Error).message);
	process.exit(1);
});
