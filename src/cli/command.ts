import type { ParseArgsConfig } from 'node:util';

/** Bad input from the user: printed as one line on stderr, exit code 1. */
export class UsageError extends Error {}

/** What a command writes to; `json` is set by the global `--json` flag. */
export interface CliContext {
	json: boolean;
	/** Writes one line to stdout. */
	print(line: string): void;
	/** Writes one progress line to stderr (silent with --json). */
	log(line: string): void;
}

/**
 * One command of the command line. Each lives in its own file under `src/cli/commands/`, named as the
 * command, so that adding a command never touches another.
 */
export interface Command {
	summary: string;
	usage: string;
	options: NonNullable<ParseArgsConfig['options']>;
	run(
		values: Record<string, string | boolean | string[] | boolean[] | undefined>,
		positionals: string[],
		ctx: CliContext
	): Promise<void>;
}
