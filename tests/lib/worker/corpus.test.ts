/**
 * Corpus import in the worker: the same songs read the same way are stored once (the answer names the
 * corpus already there), and loose files are named after their songs' region.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handlers } from '../../../src/lib/worker/handlers/corpus';
import type { Request, Response } from '../../../src/lib/worker/protocol';
import { listCorpora } from '../../../src/lib/storage/corpora';
import { repoRoot } from '../../shared';

async function call(request: Request): Promise<Response[]> {
	const out: Response[] = [];
	const handler = handlers[request.type as 'corpus/ingest'] as (
		r: Request,
		post: (r: Response) => void,
		s: AbortSignal
	) => Promise<void>;
	await handler(request, (r) => out.push(r), new AbortController().signal);
	return out;
}

/** The demo corpus's kinder songs, as files the page hands over. */
const dir = join(repoRoot, 'static/demo/deutschl/kinder');
const files = readdirSync(dir)
	.sort()
	.map((f) => ({ path: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
const options = { keepKey: false, quantizeTuplets: false };

describe('corpus import in the worker', () => {
	it('names loose files after their region, and stores the same songs only once', async () => {
		const first = await call({ type: 'corpus/ingest', id: 'i1', files, options });
		const stored = first.find((r) => r.type === 'corpus/ingested');
		if (stored?.type !== 'corpus/ingested') throw new Error('no corpus');
		expect(stored.duplicate).toBeUndefined();
		expect(stored.corpus.name).toBe(`Deutschland, ${files.length} songs`);

		const again = await call({ type: 'corpus/ingest', id: 'i2', name: 'kinder again', files, options });
		const answer = again.find((r) => r.type === 'corpus/ingested');
		if (answer?.type !== 'corpus/ingested') throw new Error('no answer');
		expect(answer.duplicate).toBe(true);
		expect(answer.corpus.id).toBe(stored.corpus.id);
		expect(answer.report).toHaveLength(files.length);
		expect((await listCorpora()).map((c) => c.id)).toEqual([stored.corpus.id]);

		// Read another way (original keys kept), the same files are other data: a second corpus.
		const kept = await call({
			type: 'corpus/ingest',
			id: 'i3',
			name: 'kinder, own keys',
			files,
			options: { ...options, keepKey: true }
		});
		expect(kept.find((r) => r.type === 'corpus/ingested')).not.toHaveProperty('duplicate');
		expect(await listCorpora()).toHaveLength(2);
	});
});
