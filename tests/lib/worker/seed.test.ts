import { describe, expect, it } from 'vitest';
import { handlers } from '../../../src/lib/worker/handlers/seed';
import type { Request, WorkerResponse } from '../../../src/lib/worker/protocol';
import { dispatcher } from '../../../src/lib/worker/dispatch';
import { midiToSeed } from '../../../src/lib/formats/midi-in';
import { longNote, manyNotes, twelveNotes } from '../formats/midi-files';

async function run(request: Request): Promise<WorkerResponse[]> {
	const out: WorkerResponse[] = [];
	await dispatcher([handlers], (r) => out.push(r))(request);
	return out;
}

function ask(key: string, bytes: Uint8Array, bars = 2, track?: number): Request {
	return {
		type: 'seed/midi',
		id: `${key}-${bars}`,
		file: { key, name: `${key}.mid`, blob: new Blob([new Uint8Array(bytes)]) },
		track,
		bars,
		vocabulary: []
	};
}

describe('MIDI seeds in the worker', () => {
	it('answers the tracks and the seed the core gives, for the bars asked', async () => {
		const bytes = manyNotes(100_000);
		for (const bars of [2, 16]) {
			const out = await run(ask('piano', bytes, bars));
			expect(out).toHaveLength(2);
			expect(out[0]).toMatchObject({ type: 'seed/midi', tracks: [{ name: 'Piano', notes: 100_000 }] });
			expect(out[0].type === 'seed/midi' && out[0].seed).toEqual(midiToSeed(bytes, { bars }));
			expect(out[1]).toEqual({ type: 'done', id: `piano-${bars}` });
		}
		const long = await run(ask('long', longNote()));
		expect(long[0].type === 'seed/midi' && long[0].seed.symbols).toHaveLength(32);
	});

	it('keeps what it read under the file’s key, and ends a refused file with its sentence', async () => {
		const cut = twelveNotes().subarray(0, 60);
		const out = await run(ask('cut', cut));
		expect(out).toEqual([
			{ type: 'error', id: 'cut-2', message: '“cut.mid” ends in the middle of a track: it seems cut short.' }
		]);
		// The same key is not read again: these bytes would give a seed.
		expect((await run(ask('cut', twelveNotes(), 3)))[0]).toMatchObject({ type: 'error' });
		const big = await run(ask('big', new Uint8Array(2 * 1024 * 1024)));
		expect(big[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/^“big\.mid” is 2\.0 MB/) });
	});
});
