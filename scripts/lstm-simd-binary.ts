/**
 * Rebuilds `BINARY` in src/lib/train/lstm-simd.ts from src/lib/train/lstm-simd.wat with wabt (as
 * scripts/matvec-binary.ts does for the step model):
 *
 *   npx tsx scripts/lstm-simd-binary.ts           rewrites the constant when the source changed
 *   npx tsx scripts/lstm-simd-binary.ts --check   exits 1 when the two disagree
 *
 * tests/lib/train/lstm-simd.test.ts checks the same agreement in every test run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import wabtInit from 'wabt';

const source = new URL('../src/lib/train/lstm-simd.wat', import.meta.url);
const target = new URL('../src/lib/train/lstm-simd.ts', import.meta.url);
const CONSTANT = /(\/\*\* lstm-simd\.wat [^\n]*\*\/\nconst BINARY =\n\t')([A-Za-z0-9+/=]*)(';)/;

const wabt = await wabtInit();
const module = wabt.parseWat('lstm-simd.wat', readFileSync(source, 'utf8'), { simd: true });
const { buffer } = module.toBinary({});
module.destroy();
const base64 = Buffer.from(buffer).toString('base64');
const version = (createRequire(import.meta.url)('wabt/package.json') as { version: string }).version;

const text = readFileSync(target, 'utf8');
const found = CONSTANT.exec(text);
if (!found) throw new Error('lstm-simd.ts has no `const BINARY = ...` under its lstm-simd.wat comment');
if (found[2] === base64) {
	console.log(`lstm-simd.ts holds lstm-simd.wat as compiled (${buffer.length} bytes)`);
} else if (process.argv.includes('--check')) {
	console.error(
		'lstm-simd.ts does not hold lstm-simd.wat as compiled: run npx tsx scripts/lstm-simd-binary.ts'
	);
	process.exitCode = 1;
} else {
	const comment = `/** lstm-simd.wat (the training kernels), compiled (wabt ${version}, \`--enable-simd\`). */`;
	writeFileSync(target, text.replace(CONSTANT, `${comment}\nconst BINARY =\n\t'${base64}';`));
	console.log(`lstm-simd.ts rewritten from lstm-simd.wat (${buffer.length} bytes)`);
}
