/**
 * What every visitor's worker carries: the import graph from the worker's entry, as the bundler follows it
 * (static imports, `export … from`, eager `import.meta.glob`; not `import()`, not type-only imports), must
 * reach no `lab/` module and no tf.layers code. Read from the sources, so it holds before any build.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../../shared';

const src = join(repoRoot, 'src');
const entry = join(src, 'lib/worker/studio.worker.ts');

function resolveFile(from: string, spec: string): string {
	let base = spec.startsWith('$lib/') ? join(src, 'lib', spec.slice(5)) : resolve(dirname(from), spec);
	base = base.replace(/\?.*$/, '');
	for (const c of [base, `${base}.ts`, join(base, 'index.ts')])
		if (existsSync(c) && statSync(c).isFile()) return c;
	throw new Error(`${relative(repoRoot, from)}: cannot resolve "${spec}"`);
}

/** Files of a glob pattern in the forms the worker uses (`./dir/*.ts`, with `!` exclusions). */
function expandGlob(from: string, patterns: string[]): string[] {
	const excluded = new Set(
		patterns.filter((p) => p.startsWith('!')).map((p) => resolve(dirname(from), p.slice(1)))
	);
	return patterns
		.filter((p) => !p.startsWith('!'))
		.flatMap((p) => {
			const m = /^(.*)\/\*(\.\w+)$/.exec(p);
			if (!m) throw new Error(`${relative(repoRoot, from)}: glob "${p}" is not of the form dir/*.ext`);
			const dir = resolve(dirname(from), m[1]);
			return readdirSync(dir)
				.filter((n) => n.endsWith(m[2]))
				.map((n) => join(dir, n));
		})
		.filter((f) => !excluded.has(f));
}

const strings = (node: ts.Node): string[] =>
	ts.isStringLiteral(node)
		? [node.text]
		: ts.isArrayLiteralExpression(node)
			? node.elements.flatMap(strings)
			: [];

/** What a module loads when it loads: relative files and bare package names. */
function staticImports(file: string): { files: string[]; packages: string[] } {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const specs: string[] = [];
	const globbed: string[] = [];
	const visit = (node: ts.Node) => {
		if (ts.isImportDeclaration(node)) {
			const clause = node.importClause;
			const typeOnly =
				clause?.isTypeOnly ||
				(clause &&
					!clause.name &&
					clause.namedBindings &&
					ts.isNamedImports(clause.namedBindings) &&
					clause.namedBindings.elements.length > 0 &&
					clause.namedBindings.elements.every((e) => e.isTypeOnly));
			if (!typeOnly) specs.push((node.moduleSpecifier as ts.StringLiteral).text);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
			specs.push((node.moduleSpecifier as ts.StringLiteral).text);
		} else if (
			ts.isCallExpression(node) &&
			node.expression.getText(source) === 'import.meta.glob' &&
			node.arguments[1]?.getText(source).match(/eager\s*:\s*true/)
		) {
			globbed.push(...expandGlob(file, strings(node.arguments[0])));
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	// `#…` is package.json's `imports`, as the browser build resolves it (its `browser` condition).
	const files: string[] = [...globbed];
	const packages: string[] = [];
	for (const s of specs) {
		if (s.startsWith('#')) {
			const target = browserImport(s);
			if (target.startsWith('./')) files.push(resolveFile(join(repoRoot, 'package.json'), target));
			else packages.push(target);
		} else if (s.startsWith('.') || s.startsWith('$lib/')) files.push(resolveFile(file, s));
		else packages.push(s);
	}
	return { files, packages };
}

const imports =
	(
		JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
			imports?: Record<string, string | Record<string, string>>;
		}
	).imports ?? {};

function browserImport(spec: string): string {
	const entry = imports[spec];
	if (entry === undefined) throw new Error(`package.json has no imports entry "${spec}"`);
	if (typeof entry === 'string') return entry;
	const target = entry.browser ?? entry.default;
	if (!target) throw new Error(`package.json's "${spec}" names no browser or default target`);
	return target;
}

/** Every file and package the entry reaches without a dynamic import. */
function reachable(start: string): { files: Set<string>; packages: Set<string> } {
	const files = new Set<string>();
	const packages = new Set<string>();
	const queue = [start];
	while (queue.length) {
		const f = queue.pop()!;
		if (files.has(f)) continue;
		files.add(f);
		const next = staticImports(f);
		next.packages.forEach((p) => packages.add(p));
		queue.push(...next.files);
	}
	return { files, packages };
}

describe("the production worker's import graph", () => {
	const { files, packages } = reachable(entry);
	const names = [...files].map((f) => relative(src, f));

	it('reaches the handlers of every product domain (the walk follows the eager glob)', () => {
		for (const domain of ['corpus', 'generate', 'models', 'train'])
			expect(names).toContain(`lib/worker/handlers/${domain}.ts`);
		expect(names).toContain('lib/train/trainer.ts');
	});

	it('reaches no lab module and no diagnostics handler: those load on demand', () => {
		expect(names.filter((n) => n.startsWith('lib/lab/') || n.endsWith('handlers/diagnostics.ts'))).toEqual(
			[]
		);
		// The walk would have found them, had the worker loaded diagnostics eagerly.
		const diagnostics = reachable(join(src, 'lib/worker/handlers/diagnostics.ts')).files;
		expect([...diagnostics].some((f) => relative(src, f).startsWith('lib/lab/'))).toBe(true);
	});

	it('reaches no tf.layers code: not the umbrella @tensorflow/tfjs, no file that builds layers', () => {
		// The umbrella registers tf.layers, the converter and tf.data on import: no bundler can drop them.
		expect([...packages].filter((p) => /^@tensorflow\/tfjs(-layers|-converter|-data)?$/.test(p))).toEqual([]);
		expect(names).toContain('lib/train/tf.ts');
		const layered = names.filter((n) =>
			/\btf\.(layers|sequential|model|loadLayersModel)\b/.test(
				readFileSync(join(src, n), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
			)
		);
		expect(layered).toEqual([]);
	});
});
