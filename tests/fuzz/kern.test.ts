/**
 * Fuzzing the kern reader and encoder with real files mutated: every input ends kept (with a well-formed
 * song), skipped or unreadable with a sentence, within a time and memory bound; changes that do not touch
 * the music (line endings, byte-order marks, UTF-16, comments) keep exactly the same melody.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processFile } from '../../src/lib/corpus/ingest';
import { decodeBytes } from '../../src/lib/kern/decode';
import { hasShared, repoRoot, shared } from '../shared';
import {
	bounded,
	describe as show,
	expectSentence,
	fuzzParameters,
	fuzzTimeout,
	lineMutation,
	mutate,
	mutateLines,
	mutation
} from './fuzz';

function walk(dir: string): string[] {
	return readdirSync(dir)
		.sort()
		.flatMap((n) => {
			const p = join(dir, n);
			return statSync(p).isDirectory() ? walk(p) : [p];
		});
}

/** The demo corpus the repository ships, plus from ../shared the robustness sets and every 25th Essen file. */
function sources(): { path: string; bytes: Uint8Array }[] {
	const files = walk(join(repoRoot, 'static/demo')).filter((f) => f.endsWith('.krn'));
	if (hasShared()) {
		files.push(...walk(shared('corpus/robustness')).filter((f) => f.endsWith('.krn')));
		files.push(...walk(shared('corpus/essen')).filter((f, i) => f.endsWith('.krn') && i % 25 === 0));
	}
	return files.map((f) => ({
		path: f.slice(f.lastIndexOf('/') + 1),
		bytes: new Uint8Array(readFileSync(f))
	}));
}

const SYMBOL = /^(\d{1,3}|r|_)$/;

/** What every report of processFile must be, whatever the input. */
function checkOutcome(r: ReturnType<typeof processFile>, context: string): void {
	const { report, song } = r;
	expect(['kept', 'skipped', 'unreadable'], context).toContain(report.status);
	if (report.status !== 'kept') {
		expect(song, context).toBeUndefined();
		expectSentence(report.reason, context);
		expect(report.reason, context).not.toMatch(/^The reader failed/);
		return;
	}
	expect(song, context).toBeDefined();
	const s = song!.symbols;
	expect(s.length, context).toBeGreaterThan(0);
	expect(report.steps, context).toBe(s.length);
	expect(s[0], context).not.toBe('_');
	for (const x of s) {
		expect(x, context).toMatch(SYMBOL);
		if (x !== 'r' && x !== '_') expect(Number(x), context).toBeLessThanOrEqual(127);
	}
	expect(Number.isInteger(song!.transposition), context).toBe(true);
	expect(Math.abs(song!.transposition), context).toBeLessThan(12);
	const bars = song!.bars ?? [];
	bars.forEach((b, i) => {
		expect(b, context).toBeGreaterThan(i === 0 ? 0 : bars[i - 1]);
		expect(b, context).toBeLessThan(s.length);
	});
	if (song!.barPhase !== undefined) expect(song!.barPhase, context).toBeGreaterThanOrEqual(0);
}

describe('fuzz: kern files', () => {
	const files = sources();
	const originals = new Map(files.map((f) => [f.path, processFile(f.path, f.bytes)]));

	it(
		'a mutated file (bytes flipped, cut, inserted, repeated; lines shuffled, repeated, dropped; odd tokens) is kept, skipped or refused with a sentence',
		async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.constantFrom(...files),
					fc.array(mutation, { maxLength: 4 }),
					fc.array(lineMutation, { maxLength: 3 }),
					async (file, bytesMutations, lineMutations) => {
						const text = decodeBytes(file.bytes).text;
						const lines = new TextEncoder().encode(mutateLines(text, lineMutations));
						const input = mutate(lines, bytesMutations);
						const context = `${file.path} ${show({ bytesMutations, lineMutations })}`;
						const { value, error } = await bounded(() => processFile(file.path, input), {
							ms: 2000,
							mb: 64,
							context
						});
						expect(error, context).toBeUndefined();
						checkOutcome(value!, context);
					}
				),
				fuzzParameters(300)
			);
		},
		fuzzTimeout(60_000)
	);

	it(
		'changes that leave the music alone (line endings, byte-order marks, UTF-16, comments) keep the same melody',
		async () => {
			const neutral = fc.oneof(
				fc.constant('crlf' as const),
				fc.constant('utf8-bom' as const),
				fc.constant('utf16le' as const),
				fc.constant('utf16be' as const),
				fc.record({
					comment: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
					text: fc.string()
				})
			);
			await fc.assert(
				fc.asyncProperty(
					fc.constantFrom(...files),
					fc.array(neutral, { maxLength: 3 }),
					async (file, changes) => {
						let text = decodeBytes(file.bytes).text;
						let encoding: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' = 'utf8';
						for (const c of changes) {
							if (c === 'crlf') text = text.replace(/\r?\n/g, '\r\n');
							else if (typeof c === 'string') encoding = c;
							else {
								const lines = text.split('\n');
								const at = Math.floor(c.comment * lines.length);
								lines.splice(at, 0, `!! ${c.text.replace(/[\r\n]/g, ' ')}`);
								text = lines.join('\n');
							}
						}
						const input = encodeAs(text, encoding);
						const context = `${file.path} ${show(changes)}`;
						const r = processFile(file.path, input);
						checkOutcome(r, context);
						const o = originals.get(file.path)!;
						expect(r.report.status, context).toBe(o.report.status);
						expect(r.song?.symbols, context).toEqual(o.song?.symbols);
						expect(r.song?.title, context).toEqual(o.song?.title);
					}
				),
				fuzzParameters(150)
			);
		},
		fuzzTimeout(60_000)
	);
});

function encodeAs(text: string, encoding: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be'): Uint8Array {
	if (encoding === 'utf8') return new TextEncoder().encode(text);
	if (encoding === 'utf8-bom') return new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
	const out = new Uint8Array(2 + 2 * text.length);
	const big = encoding === 'utf16be';
	out.set(big ? [0xfe, 0xff] : [0xff, 0xfe]);
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		out[2 + 2 * i + (big ? 1 : 0)] = c & 0xff;
		out[2 + 2 * i + (big ? 0 : 1)] = c >> 8;
	}
	return out;
}
