/**
 * Kept melodies in IndexedDB, each with everything needed to make it again: the model, the seed and the
 * settings (with the melody's own random seed, so regenerating one variation reproduces it exactly).
 */
import { db, put } from './db';

/** A melody as stored. */
export interface StoredMelody {
	id: string;
	name: string;
	createdAt: number;
	/** Id of the model that made it (stored model id, or `default` for the bundled one). */
	modelId: string;
	/** The model's name when it was made, shown if the model is later deleted. */
	modelName: string;
	/** Seed symbols (possibly empty). */
	seed: string[];
	temperature: number;
	/** Nucleus (top-p) it was drawn with; absent for melodies kept before top-p existed (= 1). */
	topP?: number;
	/** A whole tune's length in bars (GenerateSettings.bars); absent when it was made by steps. */
	bars?: number;
	/** New symbols asked for (when made by steps). */
	steps: number;
	stopAtEnd: boolean;
	/** This melody's own random seed (its variation's). */
	randomSeed: number;
	/** The generated melody: seed then new symbols. */
	symbols: string[];
	/** Meter for bar lines and export, e.g. `3/4`. */
	meter: string;
	/** Playback tempo in quarter notes per minute. */
	bpm: number;
}

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
	await put(
		'melodies',
		record as unknown as StoredMelody & Record<string, unknown>,
		`the melody “${record.name}”`
	);
	return record;
}

/** Every kept melody, newest first. */
export async function listMelodies(): Promise<StoredMelody[]> {
	const all = (await (await db()).getAll('melodies')) as unknown as StoredMelody[];
	return all.sort((a, b) => b.createdAt - a.createdAt);
}

/** One kept melody, or undefined. */
export async function getMelody(id: string): Promise<StoredMelody | undefined> {
	return (await (await db()).get('melodies', id)) as unknown as StoredMelody | undefined;
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
