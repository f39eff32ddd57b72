/** Numbers as the page shows them: bits, durations, sizes. */

/** Losses arrive in nats per step; the page shows bits. */
export const bitsOf = (nats: number) => nats / Math.LN2;

/** A duration for people: "1 h 5 min", "3 min 20 s", "42 s"; "–" when unknown. */
export function clock(seconds: number | null): string {
	if (seconds === null || !Number.isFinite(seconds)) return '–';
	const s = Math.round(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const r = s % 60;
	return h ? `${h} h ${m} min` : m ? `${m} min ${r} s` : `${r} s`;
}

/** Bytes as "12.3 MB" or "1.2 GB". */
export function megabytes(bytes: number): string {
	return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
