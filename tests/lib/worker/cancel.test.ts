/**
 * One kind of cancellation for every request: after a `cancel` for its id, each request the worker knows
 * ends with `cancelled` (never `done` or `error`), however its handler stops — by throwing, by returning
 * early, or by not looking at the signal at all. The cancel is sent right after the request, before any of
 * its handler's work can resume, so the outcome never depends on machine speed.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatcher } from '../../../src/lib/worker/dispatch';
import type { HandlerTable, WorkerRequest, WorkerResponse } from '../../../src/lib/worker/protocol';
import { handlers as corpus } from '../../../src/lib/worker/handlers/corpus';
import { handlers as generate } from '../../../src/lib/worker/handlers/generate';
import { handlers as models } from '../../../src/lib/worker/handlers/models';
import { handlers as seed } from '../../../src/lib/worker/handlers/seed';
import { createTrainHandlers } from '../../../src/lib/worker/handlers/train';
import { listCorpora } from '../../../src/lib/storage/corpora';
import { repoRoot } from '../../shared';

/** Every handler file the worker loads, eagerly or on demand: each must appear above or be named here. */
const TABLES: Record<string, HandlerTable> = { corpus, generate, models, seed, train: createTrainHandlers() };
const ON_DEMAND = ['diagnostics'];

async function cancelled(tables: HandlerTable[], request: WorkerRequest): Promise<WorkerResponse[]> {
	const out: WorkerResponse[] = [];
	const dispatch = dispatcher(tables, (r) => out.push(r));
	const pending = dispatch(request);
	void dispatch({ type: 'cancel', id: request.id });
	await pending;
	return out;
}

describe('cancelling a worker request', () => {
	it('covers every handler file', () => {
		const files = readdirSync(join(repoRoot, 'src/lib/worker/handlers')).map((f) => f.replace(/\.ts$/, ''));
		expect(files.sort()).toEqual([...Object.keys(TABLES), ...ON_DEMAND].sort());
	});

	for (const [domain, table] of Object.entries(TABLES))
		for (const type of Object.keys(table))
			it(`ends ${type} with "cancelled"`, async () => {
				// The bare request: whatever its handler does with it, the cancel decides the ending.
				const request = { type, id: `${domain}-1` } as WorkerRequest;
				const out = await cancelled([table], request);
				const last = out.at(-1)!;
				expect(last).toMatchObject({ type: 'cancelled', id: request.id });
				expect(out.filter((r) => r.type === 'done' || r.type === 'error')).toEqual([]);
			});

	it('ends the same way whether the handler throws, returns early or ignores the signal', async () => {
		const ways: HandlerTable = {
			'generate/run': async (_r, _p, signal) => {
				await Promise.resolve();
				if (signal.aborted) throw new Error('Generation was cancelled.');
			},
			'train/estimate': async (_r, _p, signal) => {
				await Promise.resolve();
				if (signal.aborted) return;
			},
			'corpus/ingest': async () => {
				await Promise.resolve();
			}
		};
		const ends = [];
		for (const type of Object.keys(ways))
			ends.push((await cancelled([ways], { type, id: type } as WorkerRequest)).at(-1));
		expect(ends).toEqual([
			{ type: 'cancelled', id: 'generate/run', message: 'Generation was cancelled.' },
			{ type: 'cancelled', id: 'train/estimate' },
			{ type: 'cancelled', id: 'corpus/ingest' }
		]);
		// Without a cancel the same handlers end as before.
		const out: WorkerResponse[] = [];
		await dispatcher([ways], (r) => out.push(r))({ type: 'train/estimate', id: 'e' } as WorkerRequest);
		expect(out).toEqual([{ type: 'done', id: 'e' }]);
	});

	it('a corpus import of real files, cancelled, stores nothing and says so', async () => {
		const dir = join(repoRoot, 'static/demo/deutschl/kinder');
		const files = readdirSync(dir)
			.sort()
			.map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
		const out = await cancelled([corpus], {
			type: 'corpus/ingest',
			id: 'c',
			files,
			options: { keepKey: false, quantizeTuplets: false }
		} as WorkerRequest);
		expect(out.map((r) => r.type)).not.toContain('corpus/ingested');
		expect(out.at(-1)).toEqual({ type: 'cancelled', id: 'c', message: expect.stringMatching(/cancelled/) });
		expect(await listCorpora()).toEqual([]);
	});
});
