/** Corpus import in the worker: read, encode, summarize and store, with progress and cancel. */
import type { HandlerTable } from '../protocol';
import { ingest, type DroppedFile } from '../../corpus/ingest';
import { contentHash } from '../../corpus/summary';
import type { StoredCorpus } from '../../corpus/types';
import { listCorpora, newCorpusId, saveCorpus } from '../../storage/corpora';
import { regionName } from '../../corpus/naming';

export const handlers: HandlerTable = {
	'corpus/ingest': async (request, post, signal) => {
		const files: DroppedFile[] = request.files.map((f) => ({
			path: f.path,
			size: f.blob ? f.blob.size : (f.bytes?.length ?? 0),
			read: async () => (f.blob ? new Uint8Array(await f.blob.arrayBuffer()) : (f.bytes ?? new Uint8Array(0)))
		}));
		const result = await ingest(
			files,
			request.options,
			(p) => post({ type: 'corpus/progress', id: request.id, ...p }),
			signal
		);
		const hash = await contentHash(result.songs, result.options);
		if (signal.aborted) throw new Error('The import was cancelled; nothing was saved.');
		// The same songs read the same way are stored once: the page offers the corpus already there.
		const existing = (await listCorpora()).find((c) => c.hash === hash);
		if (existing) {
			post({
				type: 'corpus/ingested',
				id: request.id,
				corpus: existing,
				report: result.report,
				duplicate: true
			});
			return;
		}
		const corpus: StoredCorpus = {
			id: newCorpusId(),
			name: request.name ?? regionName(result.songs) ?? 'Corpus',
			createdAt: Date.now(),
			hash,
			options: result.options,
			songs: result.songs,
			report: result.report,
			summary: result.summary
		};
		if (signal.aborted) throw new Error('The import was cancelled; nothing was saved.');
		await saveCorpus(corpus);
		const { songs: _songs, report, ...item } = corpus;
		post({ type: 'corpus/ingested', id: request.id, corpus: item, report });
	}
};
