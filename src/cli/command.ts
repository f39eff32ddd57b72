import type { ParseArgsConfig } from 'node:util';

/** Bad input from the user: printed as one line on stderr, exit code 1. */
export class UsageError extends Error {}

/** What a command writes to; `json` is set by the global `--json` flag. */
export interface CliContext {
	json: boolean;
	/** The command's own arguments as given, in order (for flags whose meaning depends on what follows them). */
	args: readonly string[];
	/** Writes one line to stdout. */
	print(line: string): void;
	/** Writes one progress line to stderr (silent with --json). */
	log(line: string): void;
	/**
	 * Writes `warning: <sentence>` to stderr, with --json too: a warning is never lost. A command with JSON
	 * output also carries its warnings there (`warnings`).
	 */
	warn(sentence: string): void;
}

/**
 * One command of the command line. Each lives in its own file under `src/cli/commands/`, named as the
 * command, so that adding a command never touches another.
 */
export interface Command {
	summary: string;
	usage: string;
	options: NonNullable<ParseArgsConfig['options']>;
	/**
	 * String options that may be given without a value (read as ""), so the command can answer with a
	 * sentence of its own (e.g. `--style` alone lists the model's styles).
	 */
	optionalValues?: string[];
	run(
		values: Record<string, string | boolean | string[] | boolean[] | undefined>,
		positionals: string[],
		ctx: CliContext
	): Promise<void>;
}

/**
 * A path or sentence made safe for one line of text output: control characters (a tab or newline in a file
 * name would forge a report line) and invisible direction overrides are written as escapes.
 */
export function printable(s: string): string {
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
		const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
		return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
	});
}
