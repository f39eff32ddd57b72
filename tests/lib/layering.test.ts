import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../shared';

/**
 * The levels of the core, lowest first (docs/architecture.md). A domain imports from its own folder and
 * from lower levels only: never sideways within a level, never back up. Top-level files of src/lib sit
 * on the floor with `music`.
 */
export const LEVELS: readonly (readonly string[])[] = [
	['music', 'version.ts'],
	['kern'],
	['encoding', 'notation', 'zip'],
	['corpus'],
	['model'],
	['ngram', 'train'],
	['eval', 'generate', 'keras', 'formats'],
	['playback', 'score'],
	['storage'],
	['lab'],
	['worker'],
	['cli']
];

const src = join(repoRoot, 'src');

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((n) => {
		const p = join(dir, n);
		return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
	});
}

/** `lib/model/x.ts` → `model`; `lib/version.ts` → `version.ts`; `cli/…` → `cli`. */
function domainOf(file: string): string {
	const parts = relative(src, file).split('/');
	if (parts[0] === 'cli') return 'cli';
	return parts[1];
}

function resolveImport(from: string, spec: string): string | null {
	let base: string;
	if (spec.startsWith('$lib/')) base = join(src, 'lib', spec.slice(5));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null;
	base = base.replace(/\?.*$/, '');
	for (const c of [base, `${base}.ts`, join(base, 'index.ts')])
		if (existsSync(c) && statSync(c).isFile()) return c;
	throw new Error(`${relative(repoRoot, from)}: cannot resolve "${spec}"`);
}

/** Every import of a file (static, `export … from`, dynamic), type-only ones included. */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
	const out: string[] = [];
	for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
		const target = resolveImport(file, m[1]);
		if (target) out.push(target);
	}
	return out;
}

/** Imports that load code when the file loads: static, not type-only, not `import()`. */
function valueImportsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
	const out: string[] = [];
	for (const m of text.matchAll(
		/^\s*(?:import|export)\s+([^;]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm
	)) {
		const what = m[1] ?? '';
		if (/^type\s/.test(what)) continue;
		const names = /^\{([\s\S]*)\}$/
			.exec(what)?.[1]
			.split(',')
			.map((n) => n.trim())
			.filter(Boolean);
		if (names && names.length && names.every((n) => n.startsWith('type '))) continue;
		const target = resolveImport(file, m[2] ?? m[3]);
		if (target) out.push(target);
	}
	return out;
}

const levelOf = new Map(LEVELS.flatMap((names, level) => names.map((n) => [n, level] as const)));
const sources = [...files(join(src, 'lib')), ...files(join(src, 'cli'))];
const graph = new Map(sources.map((f) => [f, importsOf(f)]));

describe('the layering of src/lib and src/cli', () => {
	it('names every domain in exactly one level', () => {
		const domains = new Set(sources.map(domainOf));
		expect([...domains].filter((d) => !levelOf.has(d)).sort()).toEqual([]);
		expect([...levelOf.keys()].filter((d) => !domains.has(d)).sort()).toEqual([]);
	});

	it('has no import that runs sideways or back up a level', () => {
		const bad: string[] = [];
		for (const [file, targets] of graph) {
			const from = domainOf(file);
			for (const t of targets) {
				const to = domainOf(t);
				if (to === from) continue;
				if (levelOf.get(to)! >= levelOf.get(from)!)
					bad.push(`${relative(src, file)} (${from}) imports ${relative(src, t)} (${to})`);
			}
		}
		expect(bad).toEqual([]);
	});

	it('lets worker/ load lab/ code only through the diagnostics handler, which the worker loads on demand', () => {
		// Types may be named anywhere (they vanish from the bundle); code is loaded by handlers/diagnostics.ts
		// alone, and the worker's entry imports that handler with import() only (tests/lib/worker/bundle.test.ts
		// walks the whole graph from the entry).
		const bad: string[] = [];
		for (const file of sources.filter((f) => domainOf(f) === 'worker'))
			for (const t of valueImportsOf(file))
				if (domainOf(t) === 'lab' && relative(src, file) !== 'lib/worker/handlers/diagnostics.ts')
					bad.push(`${relative(src, file)} imports ${relative(src, t)}`);
		expect(bad).toEqual([]);
		// The check sees lab imports where they are (the handler's), and not where only types are named.
		const handler = valueImportsOf(join(src, 'lib/worker/handlers/diagnostics.ts'));
		expect(handler.some((t) => domainOf(t) === 'lab')).toBe(true);
		const messages = valueImportsOf(join(src, 'lib/worker/messages/diagnostics.ts'));
		expect(messages.some((t) => domainOf(t) === 'lab')).toBe(false);
		const entry = join(src, 'lib/worker/studio.worker.ts');
		expect(valueImportsOf(entry).map((t) => relative(src, t))).not.toContain(
			'lib/worker/handlers/diagnostics.ts'
		);
		expect(readFileSync(entry, 'utf8')).toMatch(/!\.\/handlers\/diagnostics\.ts/);
	});

	it('has no import cycle between files', () => {
		const state = new Map<string, 'open' | 'done'>();
		const cycles: string[] = [];
		const visit = (f: string, path: string[]) => {
			if (state.get(f) === 'done') return;
			if (state.get(f) === 'open') {
				cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(src, p)).join(' → '));
				return;
			}
			state.set(f, 'open');
			for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
			state.set(f, 'done');
		};
		for (const f of graph.keys()) visit(f, []);
		expect(cycles).toEqual([]);
	});
});
