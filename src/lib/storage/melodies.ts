/**
 * Kept melodies in IndexedDB, each with everything needed to make it again: the model, the seed and the
 * settings (with the melody's own random seed, so regenerating one variation reproduces it exactly).
 */
import { db, put } from './db';
import type { StoredMelody } from './records';

export type { StoredMelody } from './records';

/** What to give when keeping a melody: id and date are filled in. */
export type NewMelody = Omit<StoredMelody, 'id' | 'createdAt'> &
	Partial<Pick<StoredMelody, 'id' | 'createdAt'>>;

function newId(): string {
	return `melody-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Keeps a melody; returns it as stored. Throws QuotaError when the browser's storage is full. */
export async function saveMelody(melody: NewMelody): Promise<StoredMelody> {
	const record: StoredMelody = {
		...melody,
		id: melody.id ?? newId(),
		createdAt: melody.createdAt ?? Date.now()
	};
	await put('melodies', [record], `the melody “${record.name}”`);
	return record;
}

/** Every kept melody, newest first. */
export async function listMelodies(): Promise<StoredMelody[]> {
	const all = await (await db()).getAll('melodies');
	return all.sort((a, b) => b.createdAt - a.createdAt);
}

/** One kept melody, or undefined. */
export async function getMelody(id: string): Promise<StoredMelody | undefined> {
	return (await db()).get('melodies', id);
}

/** Gives a kept melody a new name (trimmed; an empty name is refused). */
export async function renameMelody(id: string, name: string): Promise<StoredMelody> {
	const trimmed = name.trim();
	if (!trimmed) throw new Error('A melody needs a name: type at least one character.');
	const melody = await getMelody(id);
	if (!melody) throw new Error('That melody is no longer stored (it may have been deleted in another tab).');
	return saveMelody({ ...melody, name: trimmed });
}

/** Forgets a kept melody. */
export async function deleteMelody(id: string): Promise<void> {
	await (await db()).delete('melodies', id);
}
