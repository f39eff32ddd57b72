/**
 * The generation settings a new melody gets unless the user picks others: one table, shared by the app's
 * Generate stage, its worker and `cli generate` / `cli melody-stats`, so what the command line measures
 * is what a visitor hears. Chosen from measurements, not by ear: `cli melody-stats` on German songs the
 * bundled model never saw (docs/model-card.md, "Melodies against real songs"). What each setting means and
 * the range it may take are its row of `GENERATE_SETTINGS` (generate/settings.ts).
 */

export const GENERATE_DEFAULTS = {
	/**
	 * Softmax temperature, chosen by songs as wholes (docs/model-card.md, G): with the members' mixture,
	 * 1.05 writes as many notes a bar as real German songs in 4/4, 3/4 and 2/4 (within 2 %), 1.0 writes them
	 * 3–6 % too long, the old 0.9 (on the geometric mean) 15–21 %; the classifier is as accurate at either (82–83 %).
	 */
	temperature: 1.05,
	/** Nucleus: the share of probability the drawn symbol comes from. Off (1): cutting the tail (0.98)
	 * cuts the short notes first (notes per bar 4–10 % fewer) and makes the pitches less like real songs. */
	topP: 1,
	/** A merged model draws from its members' mixture (the mean of their probabilities), not from the
	 * sharper geometric mean its averaged logits give, which wrote notes 10–15 % too long at T 1. */
	mixture: true,
	/** Length of a whole tune in bars, the seed included. */
	bars: 8,
	meter: '4/4',
	variations: 1,
	/** Candidate endings for a whole tune; the one the model most expects to end is kept. 8 ended on the
	 * tonic less often than real songs, 32 added final rests. */
	endings: 16,
	/** Bars before the end that each candidate ending rewrites. */
	endingBars: 2,
	/**
	 * The tune's form (generate/form.ts; `through`: as the model goes, without planned repeats). ABAC in
	 * phrases of two bars repeats bars and two-bar phrases as often as real German songs do (erk held out:
	 * 25.5 % and 15.5 % against 25.8 % and 15.0 %; through-composed 13.6 % and 6.4 %) and ends on the tonic
	 * (99 % against 76 %): docs/model-card.md, "Form".
	 */
	form: 'ABAC',
	/** Bars in a phrase of a form. */
	phraseBars: 2
} as const;
