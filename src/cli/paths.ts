/**
 * Song paths on the command line: options that take several paths (`--corpus a b c` as well as
 * `--corpus a --corpus b`, so a shell glob can follow the flag), and reading them as the app would.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';
import type { EncodedSong } from '../lib/encoding/song';
import { readCorpus } from './files';

/** The options that take paths. */
const MULTI = ['corpus', 'train', 'exclude'] as const;
export type PathOption = (typeof MULTI)[number];

/**
 * Gives each positional argument to the path option before it. The command line parser only hands over
 * values and positionals, so the raw arguments after `command` are parsed again here with their order kept.
 */
export function groupPaths(
	command: string,
	options: NonNullable<ParseArgsConfig['options']>,
	values: Record<string, unknown>,
	positionals: string[]
): Record<PathOption, string[]> {
	const out = Object.fromEntries(
		MULTI.map((k) => [k, [...((values[k] as string[] | undefined) ?? [])]])
	) as Record<PathOption, string[]>;
	if (positionals.length === 0) return out;
	const argv = process.argv.slice(2);
	const at = argv.indexOf(command);
	if (at < 0) {
		out.corpus.push(...positionals);
		return out;
	}
	const { tokens } = parseArgs({
		args: argv.slice(at + 1),
		options: { ...options, json: { type: 'boolean' } },
		allowPositionals: true,
		strict: false,
		tokens: true
	});
	let current: string[] | null = null;
	for (const t of tokens ?? []) {
		if (t.kind === 'option')
			current = (MULTI as readonly string[]).includes(t.name) ? out[t.name as PathOption] : null;
		else if (t.kind === 'positional') {
			const flags = MULTI.filter((k) => k in options).map((k) => `--${k}`);
			if (!current) throw new UsageError(`"${t.value}" follows no ${flags.join(' or ')}`);
			current.push(t.value);
		}
	}
	return out;
}

/** The songs kept from files, folders or zips; a usage error when none can be read. */
export async function readSongs(paths: string[], what: string): Promise<EncodedSong[]> {
	const { songs } = await readCorpus(paths);
	if (songs.length === 0)
		throw new UsageError(`no song could be read from the ${what} (${paths.join(', ')})`);
	return songs;
}
