/**
 * Shared parts of the fuzz suite: seeded fast-check settings, byte and line mutations, and the checks every
 * call must pass (no exception escapes, a memory bound, a time bound in long runs, a sentence for every
 * refusal).
 *
 * In `npm test` each target runs a fixed number of cases from a fixed seed, so a failure replays. `npm run
 * fuzz` runs each target for a while with a fresh seed (FUZZ_SECONDS per target, FUZZ_SEED to replay): a
 * failure prints its seed and path, which `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run tests/fuzz`
 * replays.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

const seconds = Number(process.env.FUZZ_SECONDS ?? 0);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : seconds > 0 ? Date.now() % 2 ** 31 : 17;

/** fast-check settings for a target: `runs` cases in `npm test`; time-bound cases in a long run. */
export function fuzzParameters<T>(runs: number): fc.Parameters<T> {
	const path = process.env.FUZZ_PATH;
	if (seconds > 0)
		return {
			seed,
			numRuns: Number.MAX_SAFE_INTEGER,
			interruptAfterTimeLimit: seconds * 1000,
			markInterruptAsFailure: false,
			...(path ? { path } : {})
		};
	return { seed, numRuns: runs, ...(path ? { path } : {}) };
}

/** Vitest timeout for a target: its long-run time plus room, or `ms` in `npm test`. */
export function fuzzTimeout(ms: number): number {
	return seconds > 0 ? seconds * 1000 + 120_000 : ms;
}

/** One change to a file's bytes. Positions are fractions of the length, so they fit any file. */
export type Mutation =
	| { kind: 'flip'; at: number; mask: number }
	| { kind: 'truncate'; at: number }
	| { kind: 'insert'; at: number; bytes: Uint8Array }
	| { kind: 'delete'; at: number; length: number }
	| { kind: 'repeat'; at: number; length: number; times: number }
	| { kind: 'set'; at: number; value: number };

const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Byte-level mutations: bits flipped, cut short, bytes inserted, removed, repeated, set to edge values. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{
		arbitrary: fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
		weight: 4
	},
	fc.record({ kind: fc.constant('truncate' as const), at }),
	fc.record({
		kind: fc.constant('insert' as const),
		at,
		bytes: fc.uint8Array({ minLength: 1, maxLength: 16 })
	}),
	fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
	fc.record({
		kind: fc.constant('repeat' as const),
		at,
		length: fc.integer({ min: 1, max: 64 }),
		times: fc.integer({ min: 2, max: 50 })
	}),
	fc.record({
		kind: fc.constant('set' as const),
		at,
		value: fc.constantFrom(0, 0x7f, 0x80, 0xff, 0x09, 0x0a, 0x0d)
	})
);

/** Applies mutations in order. */
export function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
	let b = bytes;
	for (const m of mutations) {
		const i = Math.floor(m.at * b.length);
		switch (m.kind) {
			case 'flip':
				if (b.length === 0) break;
				b = b.slice();
				b[i] ^= m.mask;
				break;
			case 'set':
				if (b.length === 0) break;
				b = b.slice();
				b[i] = m.value;
				break;
			case 'truncate':
				b = b.slice(0, i);
				break;
			case 'insert':
				b = concat([b.subarray(0, i), m.bytes, b.subarray(i)]);
				break;
			case 'delete':
				b = concat([b.subarray(0, i), b.subarray(i + m.length)]);
				break;
			case 'repeat': {
				const part = b.subarray(i, i + m.length);
				b = concat([
					b.subarray(0, i),
					...Array.from({ length: m.times }, () => part),
					b.subarray(i + m.length)
				]);
				break;
			}
		}
	}
	return b;
}

export function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

/** A line-level change to a text file: lines shuffled, swapped, repeated, dropped, or a field added. */
export type LineMutation =
	| { kind: 'shuffle'; seed: number }
	| { kind: 'swap'; a: number; b: number }
	| { kind: 'repeat'; a: number; times: number }
	| { kind: 'drop'; a: number }
	| { kind: 'tab'; a: number }
	| { kind: 'token'; a: number; token: string };

const line = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** Tokens a hostile or careless file may hold where a note belongs. */
const oddToken = fc.oneof(
	fc.constantFrom(
		'=13||',
		'*^',
		'*v',
		'*-',
		'*x',
		'*+',
		'**kern',
		'0c',
		'000c',
		'3%0c',
		'0%3c',
		'99999999999999999999c',
		'4cccccccccccccccccccccccc',
		'4CCCCCCCCCCCCCCCCCCCCCCCC',
		'4c################',
		'4q',
		'.',
		'',
		'!',
		'4c 4d 4e',
		'<script>alert(1)</script>',
		'*M1000/1',
		'*M0/0',
		'*MX',
		'*k[f#c#g#d#a#e#b#]',
		'*Z:',
		'\u0000',
		'\u202e4c'
	),
	fc.string({ maxLength: 12 })
);

export const lineMutation: fc.Arbitrary<LineMutation> = fc.oneof(
	fc.record({ kind: fc.constant('shuffle' as const), seed: fc.integer() }),
	fc.record({ kind: fc.constant('swap' as const), a: line, b: line }),
	fc.record({ kind: fc.constant('repeat' as const), a: line, times: fc.integer({ min: 2, max: 200 }) }),
	fc.record({ kind: fc.constant('drop' as const), a: line }),
	fc.record({ kind: fc.constant('tab' as const), a: line }),
	fc.record({ kind: fc.constant('token' as const), a: line, token: oddToken })
);

/** Applies line mutations to text (lines split on \n). */
export function mutateLines(text: string, mutations: LineMutation[]): string {
	let lines = text.split('\n');
	const pick = (f: number) => Math.floor(f * lines.length);
	for (const m of mutations) {
		switch (m.kind) {
			case 'shuffle': {
				let s = m.seed | 0;
				const next = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
				lines = lines.slice();
				for (let i = lines.length - 1; i > 0; i--) {
					const j = Math.floor(next() * (i + 1));
					[lines[i], lines[j]] = [lines[j], lines[i]];
				}
				break;
			}
			case 'swap': {
				const [a, b] = [pick(m.a), pick(m.b)];
				lines = lines.slice();
				[lines[a], lines[b]] = [lines[b], lines[a]];
				break;
			}
			case 'repeat':
				lines = [
					...lines.slice(0, pick(m.a)),
					...Array(m.times).fill(lines[pick(m.a)]),
					...lines.slice(pick(m.a) + 1)
				];
				break;
			case 'drop':
				lines = lines.filter((_, i) => i !== pick(m.a));
				break;
			case 'tab':
				lines = lines.map((l, i) => (i === pick(m.a) ? `${l}\t${l}` : l));
				break;
			case 'token':
				lines = [...lines.slice(0, pick(m.a)), m.token, ...lines.slice(pick(m.a))];
				break;
		}
	}
	return lines.join('\n');
}

/** Words that mean an internal error leaked into a message meant for a person. */
const LEAK =
	/undefined|NaN(?! or infinity)|\[object|TypeError|RangeError|is not a function|Cannot read propert|DataView|\n\s+at |\.[jt]s:\d+:\d+/;

/** A message for a person: a sentence of some length with no internal error text in it. */
export function expectSentence(message: string | undefined, context: string): void {
	expect(message, context).toBeTypeOf('string');
	expect(message!.length, context).toBeGreaterThan(12);
	expect(message, context).not.toMatch(LEAK);
}

/** Memory the process holds beyond `base`, in MB (heap and array buffers). */
export function memoryMb(): number {
	const m = process.memoryUsage();
	return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

/**
 * Runs `fn`, failing when it throws something other than an accepted refusal, takes longer than `ms` (in
 * long runs only), or leaves more than `mb` MB more memory held than before. Returns its result or the refusal.
 */
export async function bounded<T>(
	fn: () => T | Promise<T>,
	{ ms, mb, context }: { ms: number; mb: number; context: string }
): Promise<{ value?: T; error?: unknown }> {
	const before = memoryMb();
	const start = performance.now();
	let out: { value?: T; error?: unknown };
	try {
		out = { value: await fn() };
	} catch (error) {
		out = { error };
	}
	const elapsed = performance.now() - start;
	// A wall-clock bound depends on how busy the machine is, so only the long runs (`npm run fuzz`, started
	// by hand) hold each call to it; in `npm test` the fixed cases are held to their outcome and memory, and a
	// hang still fails at the target's vitest timeout.
	if (seconds > 0) expect(elapsed, `${context}: took ${Math.round(elapsed)} ms`).toBeLessThan(ms);
	expect(memoryMb() - before, `${context}: memory held`).toBeLessThan(mb);
	return out;
}

/** A short description of the mutations, for failure messages. */
export function describe(mutations: unknown): string {
	return JSON.stringify(mutations, (_, v) => (v instanceof Uint8Array ? `[${v.length} bytes]` : v)).slice(
		0,
		300
	);
}
