/**
 * Rebuilds `BINARY` in src/lib/model/matvec.ts from src/lib/model/matvec.wat with wabt (a devDependency;
 * its version goes in the comment above the constant):
 *
 *   npx tsx scripts/matvec-binary.ts           rewrites the constant when the source changed
 *   npx tsx scripts/matvec-binary.ts --check   exits 1 when the two disagree
 *
 * tests/lib/model/matvec.test.ts checks the same agreement in every test run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import wabtInit from 'wabt';

const source = new URL('../src/lib/model/matvec.wat', import.meta.url);
const target = new URL('../src/lib/model/matvec.ts', import.meta.url);
const CONSTANT = /(\/\*\* matvec\.wat [^\n]*\*\/\nconst BINARY =\n\t')([A-Za-z0-9+/=]*)(';)/;

const wabt = await wabtInit();
const module = wabt.parseWat('matvec.wat', readFileSync(source, 'utf8'), { simd: true });
const { buffer } = module.toBinary({});
module.destroy();
const base64 = Buffer.from(buffer).toString('base64');
const version = (createRequire(import.meta.url)('wabt/package.json') as { version: string }).version;

const text = readFileSync(target, 'utf8');
const found = CONSTANT.exec(text);
if (!found) throw new Error('matvec.ts has no `const BINARY = ...` under its matvec.wat comment');
if (found[2] === base64) {
	console.log(`matvec.ts holds matvec.wat as compiled (${buffer.length} bytes)`);
} else if (process.argv.includes('--check')) {
	console.error('matvec.ts does not hold matvec.wat as compiled: run npx tsx scripts/matvec-binary.ts');
	process.exitCode = 1;
} else {
	const comment = `/** matvec.wat (the product and the LSTM gates), compiled (wabt ${version}, \`--enable-simd\`). */`;
	writeFileSync(target, text.replace(CONSTANT, `${comment}\nconst BINARY =\n\t'${base64}';`));
	console.log(`matvec.ts rewritten from matvec.wat (${buffer.length} bytes)`);
}
