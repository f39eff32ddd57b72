/**
 * The app's one IndexedDB database. Each domain keeps its records in its own object store and its own
 * module (`corpora.ts`, `models.ts`, `melodies.ts`); this file only owns the schema and its upgrades.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { StoredCorpus } from '../corpus/types';
import type {
	CorpusRow,
	PackedCorpus,
	ModelRow,
	RunRow,
	StoredMelody,
	StoredModel,
	StoredRun
} from './records';

export const DB_NAME = 'folk-studio';
export const DB_VERSION = 1;

/** The database's stores and their records (records.ts). */
export interface StudioSchema extends DBSchema {
	/** Imported corpora: songs, report and summary (packed since format 2), and their list rows. */
	corpora: { key: string; value: PackedCorpus | StoredCorpus | CorpusRow };
	/** Finished or imported models in the app's model format, and their list rows. */
	models: { key: string; value: StoredModel | ModelRow };
	/** Training checkpoints, one per run, overwritten every epoch, and their list rows. */
	checkpoints: { key: string; value: StoredRun | RunRow };
	/** Generated melodies with everything needed to make them again. */
	melodies: { key: string; value: StoredMelody };
}

export type StoreName = 'corpora' | 'models' | 'checkpoints' | 'melodies';

let opening: Promise<IDBPDatabase<StudioSchema>> | null = null;

/** Opens (once) the database; works in the page, in workers and in Node with fake-indexeddb. */
export function db(): Promise<IDBPDatabase<StudioSchema>> {
	opening ??= openDB<StudioSchema>(DB_NAME, DB_VERSION, {
		upgrade(database) {
			for (const name of ['corpora', 'models', 'checkpoints', 'melodies'] as const) {
				if (!database.objectStoreNames.contains(name)) database.createObjectStore(name, { keyPath: 'id' });
			}
		},
		blocking() {
			// Another tab wants a newer schema: let it have the database.
			void opening?.then((d) => d.close());
			opening = null;
		}
	}).catch((e) => {
		opening = null;
		throw new StorageUnavailableError(e);
	});
	return opening;
}

/** IndexedDB cannot be opened (private mode, blocked by settings): the app keeps working without saving. */
export class StorageUnavailableError extends Error {
	constructor(cause: unknown) {
		super(
			'The browser refused local storage (IndexedDB), so corpora, models and melodies cannot be saved. ' +
				'Check that site data is allowed, or leave private browsing; everything else still works.',
			{ cause }
		);
	}
}

/** The quota is full: nothing was written, the previous data is intact. */
export class QuotaError extends Error {
	constructor(what: string, cause?: unknown) {
		super(
			`There is no room left in the browser's storage to save ${what}. Delete old models, checkpoints or ` +
				'corpora (or free disk space) and try again; nothing already saved was lost.',
			{ cause }
		);
	}
}

/** True for the errors browsers throw when a write exceeds the quota. */
export function isQuotaError(e: unknown): boolean {
	const name = (e as { name?: string } | null)?.name;
	return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/**
 * Runs a write, turning a full quota into a QuotaError that names what could not be saved. Every write of
 * the app goes through here; a transaction that fails is rolled back, so the previous data stays.
 */
export async function guardQuota<T>(what: string, write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (e) {
		if (isQuotaError(e) || isQuotaError((e as { cause?: unknown }).cause)) throw new QuotaError(what, e);
		throw e;
	}
}

/**
 * Writes records of one store in one transaction; a full quota gives a QuotaError naming `what` (then
 * nothing was written).
 */
export async function put<S extends StoreName>(
	store: S,
	values: StudioSchema[S]['value'][],
	what: string
): Promise<void> {
	const tx = (await db()).transaction(store, 'readwrite');
	await guardQuota(what, () => Promise.all([...values.map((v) => tx.store.put(v)), tx.done]));
}

/** Storage used and available, and whether the browser granted persistence. */
export async function storageEstimate(): Promise<{ usage: number; quota: number; persisted: boolean }> {
	const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
	if (!storage?.estimate) return { usage: 0, quota: 0, persisted: false };
	const [{ usage = 0, quota = 0 }, persisted] = await Promise.all([
		storage.estimate(),
		storage.persisted ? storage.persisted() : Promise.resolve(false)
	]);
	return { usage, quota, persisted };
}
