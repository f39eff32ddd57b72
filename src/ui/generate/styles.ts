/** Names the page shows for the bundled model's style ids; a corpus-named style shows as it is. */
const LABELS: Record<string, string> = {
	germany: 'German',
	china: 'Chinese',
	romania: 'Romanian',
	england: 'English',
	india: 'Indian'
};

export function styleLabel(id: string): string {
	return LABELS[id] ?? id;
}
