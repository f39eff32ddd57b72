/**
 * Rebuilds `BINARY` and `BINARY_SHARED` in src/lib/train/lstm-simd.ts from src/lib/train/lstm-simd.wat
 * with wabt (as scripts/matvec-binary.ts does for the step model). `BINARY_SHARED` is the same module
 * importing a shared memory (the wasm backend's threaded build), its one difference from the source:
 *
 *   npx tsx scripts/lstm-simd-binary.ts           rewrites the constants when the source changed
 *   npx tsx scripts/lstm-simd-binary.ts --check   exits 1 when they disagree
 *
 * tests/lib/train/lstm-simd.test.ts checks the same agreement in every test run (`compileLstmSimd`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import wabtInit from 'wabt';

const source = new URL('../src/lib/train/lstm-simd.wat', import.meta.url);
const target = new URL('../src/lib/train/lstm-simd.ts', import.meta.url);

/** The import line of the source, and the shared memory's that replaces it in `BINARY_SHARED`. */
export const MEMORY_IMPORT = '(import "env" "memory" (memory 1))';
export const SHARED_MEMORY_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';

/** Both binaries as base64, compiled from the source's text. */
export async function compileLstmSimd(text: string): Promise<{ plain: string; shared: string }> {
	if (!text.includes(MEMORY_IMPORT)) throw new Error(`lstm-simd.wat has no line ${MEMORY_IMPORT}`);
	const wabt = await wabtInit();
	const compile = (wat: string) => {
		const module = wabt.parseWat('lstm-simd.wat', wat, { simd: true, threads: true });
		const { buffer } = module.toBinary({});
		module.destroy();
		return Buffer.from(buffer).toString('base64');
	};
	return { plain: compile(text), shared: compile(text.replace(MEMORY_IMPORT, SHARED_MEMORY_IMPORT)) };
}

const constant = (name: string) =>
	new RegExp(`(/\\*\\* lstm-simd\\.wat [^\\n]*\\*/\\nconst ${name} =\\n\\t')([A-Za-z0-9+/=]*)(';)`);

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
	const built = await compileLstmSimd(readFileSync(source, 'utf8'));
	const version = (createRequire(import.meta.url)('wabt/package.json') as { version: string }).version;
	let text = readFileSync(target, 'utf8');
	let same = true;
	for (const [name, base64, what] of [
		['BINARY', built.plain, 'the training kernels'],
		['BINARY_SHARED', built.shared, 'the same on a shared memory']
	] as const) {
		const found = constant(name).exec(text);
		if (!found)
			throw new Error(`lstm-simd.ts has no \`const ${name} = ...\` under its lstm-simd.wat comment`);
		if (found[2] === base64) continue;
		same = false;
		const comment = `/** lstm-simd.wat (${what}), compiled (wabt ${version}, \`--enable-simd --enable-threads\`). */`;
		text = text.replace(constant(name), `${comment}\nconst ${name} =\n\t'${base64}';`);
	}
	if (same) console.log('lstm-simd.ts holds lstm-simd.wat as compiled');
	else if (process.argv.includes('--check')) {
		console.error(
			'lstm-simd.ts does not hold lstm-simd.wat as compiled: run npx tsx scripts/lstm-simd-binary.ts'
		);
		process.exitCode = 1;
	} else {
		writeFileSync(target, text);
		console.log('lstm-simd.ts rewritten from lstm-simd.wat');
	}
}
