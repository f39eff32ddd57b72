import { describe, expect, it } from 'vitest';
import { handlers } from '../../../src/lib/worker/handlers/seed';
import type { Request, WorkerResponse } from '../../../src/lib/worker/protocol';
import { dispatcher } from '../../../src/lib/worker/dispatch';

async function run(request: Request): Promise<WorkerResponse[]> {
	const out: WorkerResponse[] = [];
	await dispatcher([handlers], (r) => out.push(r))(request);
	return out;
}

const KESH = 'X:3\nT:The Kesh\nM:6/8\nL:1/8\nK:G\n|:GAG GAB|ABA ABd|edd gdd|edB dBA:|\n';
const PITCHES = Array.from({ length: 25 }, (_, i) => String(55 + i));

describe('ABC seeds in the worker', () => {
	it('gives the first bars of the tune in the model’s key (G major moved to C), with its meter', async () => {
		const out = await run({
			type: 'seed/abc',
			id: 'a',
			text: KESH,
			bars: 1,
			vocabulary: ['_', 'r', ...PITCHES]
		});
		expect(out[1]).toEqual({ type: 'done', id: 'a' });
		const seed = out[0].type === 'seed/abc' ? out[0].seed : null;
		// GAG GAB down a fifth: C D C C D E, each an 8th.
		expect(seed?.symbols.join(' ')).toBe('60 _ 62 _ 60 _ 60 _ 62 _ 64 _');
		expect(seed).toMatchObject({ meter: '6/8', barPhase: 0, tune: 3, title: 'The Kesh', transposition: -7 });
		expect(seed?.summary).toMatch(
			/^X:3 “The Kesh”: its first bar; key G major, moved down 7 semitones; meter 6\/8/
		);
	});

	it('moves notes the model does not know by octaves into its range, and reads a tune without X:', async () => {
		const text = "T:High\nM:2/4\nL:1/8\nK:C\nc'd'e'f'|";
		const out = await run({ type: 'seed/abc', id: 'b', text, bars: 1, vocabulary: ['_', 'r', ...PITCHES] });
		const seed = out[0].type === 'seed/abc' ? out[0].seed : null;
		expect(seed?.symbols.join(' ')).toBe('72 _ 74 _ 76 _ 77 _');
		expect(seed?.refitted).toBe(4);
	});

	it('ends text that gives no seed with a sentence', async () => {
		const out = await run({ type: 'seed/abc', id: 'c', text: 'T:Nothing\nabc', bars: 2, vocabulary: [] });
		expect(out).toEqual([
			{
				type: 'error',
				id: 'c',
				message:
					'No tune in the pasted text gives a seed: The tune has no K: field, so its music cannot be told from its header.'
			}
		]);
	});
});
