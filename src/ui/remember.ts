/**
 * What the page remembers between visits in localStorage (the choices and the last melody, never the
 * data itself, which lives in IndexedDB), so a returning user lands where they left off.
 */
const PREFIX = 'folk-studio:';

/** The value stored under `name`, merged over `fallback`; the fallback when nothing (readable) is stored. */
export function recall<T extends object>(name: string, fallback: T): T {
	try {
		const text = localStorage.getItem(PREFIX + name);
		return text ? { ...fallback, ...(JSON.parse(text) as Partial<T>) } : fallback;
	} catch {
		return fallback;
	}
}

/** Stores `value` under `name`; a full or blocked storage only means it is not remembered. */
export function remember(name: string, value: unknown): void {
	try {
		localStorage.setItem(PREFIX + name, JSON.stringify(value));
	} catch {
		// Private mode or a full quota: the page still works, it just forgets.
	}
}
