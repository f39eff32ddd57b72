/**
 * The command line run in this process, as a user would call it: exit code and what it wrote. Starting a
 * process per call costs seconds on a shared machine; `main` is the same code either way.
 */
import { main } from '../../src/cli/main';

export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	let stdout = '';
	let stderr = '';
	const out = process.stdout.write;
	const err = process.stderr.write;
	process.stdout.write = ((chunk: string | Uint8Array) => {
		stdout += String(chunk);
		return true;
	}) as typeof process.stdout.write;
	process.stderr.write = ((chunk: string | Uint8Array) => {
		stderr += String(chunk);
		return true;
	}) as typeof process.stderr.write;
	try {
		const code = await main(args);
		return { code, stdout, stderr };
	} finally {
		process.stdout.write = out;
		process.stderr.write = err;
	}
}
