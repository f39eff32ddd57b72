/**
 * Training runs in IndexedDB: one checkpoint per run, overwritten after every epoch and on pause/stop.
 * A light list record (id `meta:` + run id) lets the Train stage list runs without loading weights.
 * A write that does not fit the quota fails as a whole, so the previous checkpoint stays intact.
 */
import { db, guardQuota, storageEstimate } from './db';
import type { Checkpoint } from '../model/checkpoint';
import { META, type RunListItem, type RunRow, type StoredRun } from './records';

export type { RunListItem, StoredRun } from './records';

/** A fresh run id. */
export function newRunId(): string {
	return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Joins the ids of a run over several corpora (one style each) into its corpus id. */
const CORPUS_JOIN = '+';

/** The corpus id of a run over `ids` (one id: that corpus's own id). */
export function runCorpusId(ids: readonly string[]): string {
	return ids.join(CORPUS_JOIN);
}

/** The stored corpora a run's corpus id names (corpus ids never hold `+`). */
export function runCorpusIds(corpusId: string): string[] {
	return corpusId.split(CORPUS_JOIN);
}

/** The list record of a checkpoint. */
export function runItem(
	id: string,
	name: string,
	createdAt: number,
	checkpoint: Checkpoint,
	extra: { modelId?: string } = {}
): RunListItem {
	const last = checkpoint.history[checkpoint.history.length - 1];
	return {
		id,
		name,
		createdAt,
		updatedAt: Date.now(),
		status: checkpoint.status,
		corpusId: checkpoint.corpus.id,
		corpusName: checkpoint.corpus.name,
		...(checkpoint.weights.styles?.length ? { styles: [...checkpoint.weights.styles] } : {}),
		epoch: checkpoint.epoch,
		epochs: checkpoint.config.epochs,
		batch: checkpoint.position?.batch ?? 0,
		lastLoss: last ? (last.valLoss ?? last.trainLoss) : null,
		...(extra.modelId ? { modelId: extra.modelId } : {}),
		...(checkpoint.message ? { message: checkpoint.message } : {})
	};
}

/**
 * Writes a run's checkpoint and list record in one transaction; QuotaError leaves the previous one intact
 * (if there is one: the caller knows, and says so).
 */
export async function saveCheckpoint(item: RunListItem, checkpoint: Checkpoint): Promise<void> {
	const d = await db();
	await guardQuota(`the checkpoint of “${item.name}” after epoch ${checkpoint.epoch}`, async () => {
		const tx = d.transaction('checkpoints', 'readwrite');
		await Promise.all([
			tx.store.put({ ...item, checkpoint }),
			tx.store.put({ ...item, id: META + item.id, runId: item.id }),
			tx.done
		]);
	});
}

/** Every run, newest first, without checkpoints. */
export async function listRuns(): Promise<RunListItem[]> {
	const rows = await (await db()).getAll('checkpoints', IDBKeyRange.bound(META, META + '\uffff'));
	return rows
		.filter((r): r is RunRow => 'runId' in r)
		.map(({ runId, ...r }) => ({ ...r, id: runId }))
		.sort((a, b) => b.updatedAt - a.updatedAt);
}

/** One run with its checkpoint, or undefined. */
export async function getRun(id: string): Promise<StoredRun | undefined> {
	const row = await (await db()).get('checkpoints', id);
	return row && 'checkpoint' in row ? row : undefined;
}

/** Deletes a run and its checkpoint. */
export async function deleteRun(id: string): Promise<void> {
	const d = await db();
	const tx = d.transaction('checkpoints', 'readwrite');
	await Promise.all([tx.store.delete(id), tx.store.delete(META + id), tx.done]);
}

/** Runs that can be resumed: not finished. */
export function isUnfinished(r: RunListItem): boolean {
	return r.status === 'running' || r.status === 'paused' || r.status === 'stopped' || r.status === 'failed';
}

/**
 * Asks the browser to keep this site's data (not evicted under storage pressure); returns whether it is
 * persisted, with usage and quota.
 */
export async function requestPersistence(): Promise<{ persisted: boolean; usage: number; quota: number }> {
	const storage = (
		globalThis as {
			navigator?: { storage?: { persisted?(): Promise<boolean>; persist?(): Promise<boolean> } };
		}
	).navigator?.storage;
	let persisted = false;
	try {
		persisted = (await storage?.persisted?.()) ?? false;
		if (!persisted && storage?.persist) persisted = await storage.persist();
	} catch {
		persisted = false;
	}
	const e = await storageEstimate();
	return { persisted: persisted || e.persisted, usage: e.usage, quota: e.quota };
}
