/**
 * Rebuilds `BINARY`, `BINARY_SHARED` and `BINARY_RELAXED` in src/lib/train/lstm-simd.ts from
 * src/lib/train/lstm-simd.wat with wabt (as scripts/matvec-binary.ts does for the step model).
 * `BINARY_SHARED` is the same module importing a shared memory (the wasm backend's threaded build), its
 * one difference from the source; `BINARY_RELAXED` the product's multiply-adds fused (`relaxedSource`):
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

/** The product's multiply-add in the source, `c += x · b`, a register of the 4 × 8 tile at a time. */
const MULTIPLY_ADD =
	/\(f32x4\.add \(local\.get (\$c\d\d)\) \(f32x4\.mul \(local\.get \$x\) \(local\.get (\$b\d)\)\)\)/g;

/**
 * The source with the product's multiply-adds fused (relaxed SIMD's `f32x4.relaxed_madd`, where the
 * engine has it: 27 against 23 billion multiply-adds a second at LSTM(256)'s shapes in Chromium 156).
 */
export function relaxedSource(text: string): string {
	const out = text.replace(MULTIPLY_ADD, '(f32x4.relaxed_madd (local.get $x) (local.get $2) (local.get $1))');
	if (out === text) throw new Error('lstm-simd.wat has no multiply-add of the product to fuse');
	return out;
}

/** The binaries as base64, compiled from the source's text. */
export async function compileLstmSimd(
	text: string
): Promise<{ plain: string; shared: string; relaxed: string }> {
	if (!text.includes(MEMORY_IMPORT)) throw new Error(`lstm-simd.wat has no line ${MEMORY_IMPORT}`);
	const wabt = await wabtInit();
	const compile = (wat: string) => {
		const module = wabt.parseWat('lstm-simd.wat', wat, { simd: true, threads: true, relaxed_simd: true });
		const { buffer } = module.toBinary({});
		module.destroy();
		return Buffer.from(buffer).toString('base64');
	};
	return {
		plain: compile(text),
		shared: compile(text.replace(MEMORY_IMPORT, SHARED_MEMORY_IMPORT)),
		relaxed: compile(relaxedSource(text))
	};
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
		['BINARY_SHARED', built.shared, 'the same on a shared memory'],
		['BINARY_RELAXED', built.relaxed, 'on a plain memory, the product with relaxed SIMD']
	] as const) {
		const found = constant(name).exec(text);
		if (!found)
			throw new Error(`lstm-simd.ts has no \`const ${name} = ...\` under its lstm-simd.wat comment`);
		if (found[2] === base64) continue;
		same = false;
		const flags =
			name === 'BINARY_RELAXED' ? '--enable-simd --enable-relaxed-simd' : '--enable-simd --enable-threads';
		const comment = `/** lstm-simd.wat (${what}), compiled (wabt ${version}, \`${flags}\`). */`;
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
