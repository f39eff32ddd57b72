/**
 * Names the page shows for the bundled model's style ids; a corpus-named style shows as it is. The `india`
 * slot learned the only readable songs of the reference's "india" folder, which come from Java, Japan and
 * Turkey (docs/model-card.md, section D), so the page says so rather than promise Indian songs.
 */
const LABELS: Record<string, string> = {
	germany: 'German',
	kinder: 'German children’s songs',
	altdeu: 'Old German songs',
	dva: 'German (folk song archive)',
	china: 'Chinese',
	romania: 'Romanian',
	england: 'English',
	india: 'Java, Japan, Turkey (the “india” set)'
};

export function styleLabel(id: string): string {
	return LABELS[id] ?? id;
}
