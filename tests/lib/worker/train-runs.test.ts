/**
 * A run is an object with an id, and each worker's train handlers keep their own: two tables made by
 * `createTrainHandlers()` share no run and no held model, and `train/control` changes only the run it
 * names. Controls are sent from inside the run's own progress messages (the trainer reads them between
 * batches), so what they hit never depends on machine speed.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { createTrainHandlers } from '../../../src/lib/worker/handlers/train';
import type { HandlerTable, Request, Response } from '../../../src/lib/worker/protocol';
import * as dbModule from '../../../src/lib/storage/db';
import { demoFiles, storeCorpus as storeFiles } from './demo-corpus';

type Call = (request: Request, post?: (r: Response) => void) => Promise<void>;

/** How a request sent during a run ended: its error sentence, or null (done); settled at once, so no rejection waits unhandled. */
function outcome(p: Promise<void>): Promise<string | null> {
	return p.then(
		() => null,
		(e: Error) => e.message
	);
}

/** Calls the handler of a request in `table`, as the dispatcher would. */
function caller(table: HandlerTable): Call {
	return (request, post = () => {}) => {
		const handler = table[request.type as 'train/start'] as (
			r: Request,
			post: (r: Response) => void,
			s: AbortSignal
		) => Promise<void>;
		return handler(request, post, new AbortController().signal);
	};
}

/** Stores four demo songs as a corpus; returns its id. */
function storeCorpus(): Promise<string> {
	return storeFiles(
		demoFiles('kinder', ['kindr001.krn', 'kindr006.krn', 'kindr011.krn', 'kindr013.krn']),
		'kinder'
	);
}

/** Two epochs of two batches: a pause after the first batch leaves the run short of both epochs. */
const small = { epochs: 2, units: 4, layers: 1, maxBatchesPerEpoch: 2, validation: 0, meterInput: false };

function start(id: string, corpusId: string): Request {
	return { type: 'train/start', id, corpusId, config: small, backend: 'cpu' };
}

function finished(out: Response[]) {
	const f = out.find((r) => r.type === 'train/finished');
	if (f?.type !== 'train/finished') throw new Error('the run did not finish');
	return f;
}

function runIdOf(out: Response[]): string {
	const s = out.find((r) => r.type === 'train/started');
	if (s?.type !== 'train/started') throw new Error('the run did not start');
	return s.runId;
}

describe('train/control names its run', () => {
	it('a control naming another run is refused with a sentence and the running one trains on', async () => {
		const call = caller(createTrainHandlers());
		const corpusId = await storeCorpus();
		const out: Response[] = [];
		let refused: Promise<string | null> | null = null;
		await call(start('t-other', corpusId), (r) => {
			out.push(r);
			if (r.type === 'train/progress' && !refused)
				refused = outcome(
					call({ type: 'train/control', id: 'c1', runId: 'run-not-this-one', action: 'pause' })
				);
		});
		expect(refused).not.toBeNull();
		expect(await refused).toMatch(/pause was meant for is not going any more .* nothing was changed/);
		const end = finished(out);
		expect(end.status).toBe('finished');
		expect(out.filter((r) => r.type === 'train/progress')).toHaveLength(4);
		expect(out.filter((r) => r.type === 'train/epoch')).toHaveLength(2);

		// Once the run has ended, a control that names it finds nothing to change either.
		await expect(call({ type: 'train/control', id: 'c2', runId: end.runId, action: 'stop' })).rejects.toThrow(
			/stop was meant for is not going any more/
		);
	});

	it('a control naming the running run pauses it', async () => {
		const call = caller(createTrainHandlers());
		const corpusId = await storeCorpus();
		const out: Response[] = [];
		let sent: Promise<string | null> | null = null;
		await call(start('t-own', corpusId), (r) => {
			out.push(r);
			if (r.type === 'train/progress' && !sent)
				sent = outcome(call({ type: 'train/control', id: 'c3', runId: runIdOf(out), action: 'pause' }));
		});
		expect(await sent).toBeNull();
		expect(finished(out)).toMatchObject({ status: 'paused', stored: { model: 'none', checkpoint: true } });
		expect(out.filter((r) => r.type === 'train/progress')).toHaveLength(1);
	});
});

describe('two train handler tables', () => {
	it('share no run and no held model', async () => {
		const a = caller(createTrainHandlers());
		const b = caller(createTrainHandlers());
		const corpusId = await storeCorpus();
		const out: Response[] = [];
		let fromB: Promise<string | null> | null = null;
		// The model's save (the one `put` of a run) finds the disk full: table A holds it.
		const spy = vi.spyOn(dbModule, 'put').mockRejectedValueOnce(new dbModule.QuotaError('the model'));
		try {
			await a(start('t-a', corpusId), (r) => {
				out.push(r);
				if (r.type === 'train/progress' && !fromB) {
					// B has no run going: a control for A's run is not B's to apply.
					fromB = outcome(b({ type: 'train/control', id: 'c4', runId: runIdOf(out), action: 'stop' }));
				}
			});
		} finally {
			spy.mockRestore();
		}
		expect(await fromB).toMatch(/stop was meant for is not going any more/);
		expect(finished(out)).toMatchObject({ status: 'finished', stored: { model: 'held' } });
		const runId = runIdOf(out);

		// Held by A only: B does not know it, A downloads it.
		await expect(b({ type: 'train/export-model', id: 'b-file', runId })).rejects.toThrow(/no longer held/);
		const file: Response[] = [];
		await a({ type: 'train/export-model', id: 'a-file', runId }, (r) => file.push(r));
		expect(file[0]).toMatchObject({ type: 'train/model-file', runId });
	});
});
