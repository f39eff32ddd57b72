/**
 * A name for a corpus from its songs when the drop itself gives none (loose files): the region most of
 * its songs come from, at the country level of Essen's `!!!ARE` (continent, region, country, place:
 * `Europa, Mitteleuropa, Deutschland, Schlesien` → "Deutschland"), with the count.
 */
import type { EncodedSong } from '../encoding/song';

/** "Deutschland, 91 songs", or null when no song names its region. */
export function regionName(songs: readonly Pick<EncodedSong, 'region'>[]): string | null {
	const counts = new Map<string, number>();
	for (const s of songs) {
		const parts = s.region
			?.split(/[,;]/)
			.map((p) => p.trim())
			.filter(Boolean);
		const place = parts?.[2] ?? parts?.at(-1);
		if (place) counts.set(place, (counts.get(place) ?? 0) + 1);
	}
	if (counts.size === 0) return null;
	const [place] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
	const others = counts.size > 1 ? ' and more' : '';
	return `${place}${others}, ${songs.length} ${songs.length === 1 ? 'song' : 'songs'}`;
}
