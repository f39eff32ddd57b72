/**
 * Fuzzing zip reading with archives of real kern files, mutated (bytes flipped, cut short, sizes and CRCs
 * lied about, methods changed, names repeated, data swapped for a bomb): the import always finishes within
 * a time bound, never inflates more than its limits, gives every file a status and a sentence, and a song it
 * keeps is exactly one of the songs that went into the archive. The same for model exports.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, processFile } from '../../src/lib/corpus/ingest';
import { openZip, zipBudget, ZipEntryError, type ZipLimits } from '../../src/lib/zip/reader';
import {
	MODEL_FILES,
	ModelFormatError,
	openModel,
	packModel,
	toModelFiles,
	unpackModel
} from '../../src/lib/model/format';
import { repoRoot } from '../shared';
import { buildZip, entry, zeroBomb, type RawEntry } from '../lib/zip/zip-build';
import {
	bounded,
	describe as show,
	expectSentence,
	fuzzParameters,
	fuzzTimeout,
	mutate,
	mutation,
	type Mutation
} from './fuzz';

const demo = join(repoRoot, 'static/demo/deutschl');
const songs = readdirSync(demo, { recursive: true, encoding: 'utf8' })
	.filter((f) => f.endsWith('.krn'))
	.sort()
	.slice(0, 12)
	.map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(demo, f))) }));
const encodings = new Set(songs.map((s) => processFile(s.name, s.bytes).song!.symbols.join(' ')));

/** A lie or change to one entry of the archive, applied before it is written. */
type EntryChange =
	| { kind: 'size'; index: number; size: number }
	| { kind: 'crc'; index: number; crc: number }
	| { kind: 'method'; index: number; method: number }
	| { kind: 'stored'; index: number }
	| { kind: 'repeat'; index: number }
	| { kind: 'bomb'; index: number; inflated: number }
	| { kind: 'encrypted'; index: number };

const index = fc.nat(64);
const entryChange: fc.Arbitrary<EntryChange> = fc.oneof(
	fc.record({
		kind: fc.constant('size' as const),
		index,
		size: fc.oneof(fc.nat(20_000), fc.constantFrom(0, 0xffffffff, 5 * 1024 * 1024, 5 * 1024 * 1024 + 1))
	}),
	fc.record({ kind: fc.constant('crc' as const), index, crc: fc.nat() }),
	fc.record({ kind: fc.constant('method' as const), index, method: fc.constantFrom(1, 6, 9, 12, 14, 99) }),
	fc.record({ kind: fc.constant('stored' as const), index }),
	fc.record({ kind: fc.constant('repeat' as const), index }),
	fc.record({
		kind: fc.constant('bomb' as const),
		index,
		inflated: fc.constantFrom(10_000, 1 << 20, 6 << 20, 64 << 20)
	}),
	fc.record({ kind: fc.constant('encrypted' as const), index })
);

function archive(chosen: number[], changes: EntryChange[]): Uint8Array {
	const entries: RawEntry[] = chosen.map((i) =>
		entry(`dir/${songs[i % songs.length].name}`, songs[i % songs.length].bytes)
	);
	for (const c of changes) {
		if (entries.length === 0) break;
		const k = c.index % entries.length;
		const e = entries[k];
		switch (c.kind) {
			case 'size':
				entries[k] = { ...e, size: c.size };
				break;
			case 'crc':
				entries[k] = { ...e, crc: c.crc };
				break;
			case 'method':
				entries[k] = { ...e, method: c.method };
				break;
			case 'stored': {
				// The entry's own song, found by name: a repeated entry has no place in `chosen`.
				const song = songs.find((s) => e.name === `dir/${s.name}`)!.bytes;
				entries[k] = { ...e, method: 0, data: song, size: song.length };
				break;
			}
			case 'repeat':
				entries.push({ ...e });
				break;
			case 'bomb':
				entries[k] = { ...e, data: zeroBomb(c.inflated) };
				break;
			case 'encrypted':
				entries[k] = { ...e, flags: (e.flags ?? 0) | 1 };
				break;
		}
	}
	return buildZip(entries);
}

const LIMITS: ZipLimits = { maxUnpackedBytes: 8 << 20, maxEntries: 1000, maxArchiveBytes: 64 << 20 };

describe('fuzz: zip archives', () => {
	it(
		'a mutated archive of real songs: every file gets a status and a sentence, kept songs are the originals, limits hold',
		async () => {
			await fc.assert(
				fc.asyncProperty(
					fc.array(fc.nat(songs.length - 1), { minLength: 1, maxLength: 8 }),
					fc.array(entryChange, { maxLength: 4 }),
					fc.array(mutation, { maxLength: 3 }),
					async (chosen, changes, mutations) => {
						const zip = mutate(archive(chosen, changes), mutations);
						const context = show({ chosen, changes, mutations });
						// The reader alone: what comes out never exceeds the limits.
						const budget = zipBudget(LIMITS);
						await bounded(
							async () => {
								for (const f of openZip(zip, 'f.zip', { budget, maxEntryBytes: 5 << 20 }))
									await f.read().catch((e) => {
										if (!(e instanceof ZipEntryError)) throw e;
										expectSentence(e.message, context);
									});
							},
							{ ms: 5000, mb: 128, context }
						).then(({ error }) => {
							if (error) expect((error as Error).constructor.name, context).toBe('ZipError');
						});
						expect(budget.unpacked, context).toBeLessThanOrEqual(LIMITS.maxUnpackedBytes);
						// The whole import.
						const { value: r, error } = await bounded(
							() =>
								ingest(
									[{ path: 'f.zip', size: zip.length, read: () => zip }],
									undefined,
									undefined,
									undefined,
									LIMITS
								),
							{ ms: 5000, mb: 128, context }
						);
						expect(error, context).toBeUndefined();
						const { report, songs: kept, summary } = r!;
						expect(new Set(report.map((x) => x.path)).size, context).toBe(report.length);
						expect(summary.kept + summary.skipped + summary.unreadable, context).toBe(report.length);
						for (const x of report) if (x.status !== 'kept') expectSentence(x.reason, `${context} ${x.path}`);
						for (const s of kept) expect(encodings.has(s.symbols.join(' ')), context).toBe(true);
					}
				),
				{
					...fuzzParameters<[number[], EntryChange[], Mutation[]]>(120),
					// Found by a long run: a stored copy of a repeated entry.
					examples: [
						[
							[0, 0, 0, 0],
							[
								{ kind: 'repeat', index: 0 },
								{ kind: 'stored', index: 24 }
							],
							[]
						]
					]
				}
			);
		},
		fuzzTimeout(60_000)
	);

	it(
		'a mutated model export is refused with a sentence or read back exactly',
		async () => {
			const dir = join(repoRoot, 'static/models/default');
			const original = openModel({
				model: readFileSync(join(dir, MODEL_FILES.model), 'utf8'),
				weights: new Uint8Array(readFileSync(join(dir, MODEL_FILES.weights))),
				metadata: readFileSync(join(dir, MODEL_FILES.metadata), 'utf8')
			});
			const zip = packModel(toModelFiles(original.weights, original.metadata));
			await fc.assert(
				fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
					const context = show(mutations);
					const { value, error } = await bounded(async () => unpackModel(mutate(zip, mutations), 'm.zip'), {
						ms: 5000,
						mb: 128,
						context
					});
					if (error) {
						expect(error, context).toBeInstanceOf(ModelFormatError);
						expectSentence((error as Error).message, context);
						return;
					}
					expect(value!.metadata, context).toEqual(original.metadata);
					expect(value!.weights.denseBias, context).toEqual(original.weights.denseBias);
					expect(value!.weights.layers[0].kernel, context).toEqual(original.weights.layers[0].kernel);
				}),
				fuzzParameters(60)
			);
		},
		fuzzTimeout(60_000)
	);
});
