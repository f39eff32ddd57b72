/**
 * The command line: `npm run --silent cli -- <command> [args]`. Plain text by default, JSON with `--json`;
 * exit code 0 on success, 1 on bad input with a one-line message on stderr.
 */
import { parseArgs } from 'node:util';
import { readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printable, UsageError, type Command, type CliContext } from './command';
import { APP_NAME, VERSION } from '../lib/version';

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
	return readdirSync(commandsDir)
		.filter((f) => f.endsWith('.ts'))
		.map((f) => f.slice(0, -3))
		.sort();
}

async function load(name: string): Promise<Command> {
	if (!commandNames().includes(name)) throw new UsageError(`unknown command "${name}"; try --help`);
	return (await import(join(commandsDir, `${name}.ts`))).default as Command;
}

async function help(ctx: CliContext): Promise<void> {
	const lines = [
		`${APP_NAME} ${VERSION} — command line`,
		'',
		'usage: npm run --silent cli -- <command> [args] [--json]',
		'',
		'commands:'
	];
	const entries: Record<string, string> = {};
	for (const name of commandNames()) {
		const c = await load(name);
		entries[name] = c.summary;
		lines.push(`  ${name.padEnd(10)} ${c.summary}`);
	}
	lines.push('', 'global flags: --help, --version, --json');
	if (ctx.json) ctx.print(JSON.stringify({ name: APP_NAME, version: VERSION, commands: entries }));
	else lines.forEach((l) => ctx.print(l));
}

export async function main(argv: string[]): Promise<number> {
	const json = argv.includes('--json');
	const ctx: CliContext = {
		json,
		args: argv.slice(1),
		print: (line) => process.stdout.write(line + '\n'),
		log: (line) => {
			if (!json) process.stderr.write(line + '\n');
		},
		warn: (sentence) => process.stderr.write(`warning: ${printable(sentence)}\n`)
	};
	try {
		const [first, ...rest] = argv;
		if (first === undefined || first === '--help' || first === '-h' || first === '--json') {
			await help(ctx);
			return 0;
		}
		if (first === '--version' || first === '-v') {
			ctx.print(json ? JSON.stringify({ version: VERSION }) : VERSION);
			return 0;
		}
		const command = await load(first);
		if (rest.includes('--help')) {
			ctx.print(command.usage);
			return 0;
		}
		const args = rest.map((a, i) =>
			command.optionalValues?.some((o) => a === `--${o}`) &&
			(i + 1 === rest.length || rest[i + 1].startsWith('--'))
				? `${a}=`
				: a
		);
		let parsed;
		try {
			parsed = parseArgs({
				args,
				options: { ...command.options, json: { type: 'boolean' } },
				allowPositionals: true,
				strict: true
			});
		} catch (e) {
			// Node's own hint stays (for "-5" after a flag: write --steps=-5), on the same line.
			throw new UsageError((e as Error).message.split('\n').join(' '));
		}
		await command.run(parsed.values, parsed.positionals, { ...ctx, args });
		return 0;
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		process.stderr.write(`error: ${printable(msg.split('\n')[0])}\n`);
		if (!(e instanceof UsageError) && process.env.DEBUG) console.error(e);
		return 1;
	}
}

// Run when started as the program; tests import `main` and call it themselves.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(resolve(process.argv[1]))).href)
	main(process.argv.slice(2)).then((code) => {
		process.exitCode = code;
	});
