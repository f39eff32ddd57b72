/**
 * The generation settings a new melody gets unless the user picks others: one table, shared by the app's
 * Generate stage, its worker and `cli generate` / `cli melody-stats`, so what the command line measures
 * is what a visitor hears. Chosen from measurements, not by ear: `cli melody-stats` on German songs the
 * bundled model never saw (docs/model-card.md, "Melodies against real songs"). What each setting means and
 * the range it may take are its row of `GENERATE_SETTINGS` (generate/settings.ts).
 */

export const GENERATE_DEFAULTS = {
	/**
	 * Softmax temperature, chosen by songs as wholes (docs/model-card.md, G and "Forms as the songs go"):
	 * with the members' mixture and tunes that start as the songs do (an upbeat in 3 of 4 German songs),
	 * 1.0 writes as many notes a bar as real German songs (4/4 −3 %, 2/4 +4 %, 6/8 −1 % on erk, 2/4 −0 % on
	 * kinder); 1.05, right for tunes that all started on the downbeat, wrote 3–11 % too many with upbeats.
	 * The pitch among the notes is drawn cooler (PITCH_TEMPERATURE, generate.ts).
	 */
	temperature: 1,
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
	 * The tune's form (generate/form.ts; `songs`: the form of one of the model's training songs of the
	 * meter and nearest length, templates.ts; `through`: as the model goes, without planned repeats). As
	 * the songs go, bars and two-bar phrases repeat as often as in real German songs and not always in the
	 * same places: the classifier tells the tunes from real ones 58 % of the time on erk and 64 % on kinder,
	 * against 79 % and 66 % for ABAC in two-bar phrases (docs/model-card.md, "Forms as the songs go").
	 */
	form: 'songs',
	/** Bars in a phrase of a form. */
	phraseBars: 2,
	/** Where a seedless tune starts in its bar: `songs`, as the model's training songs start (an upbeat as
	 * often as theirs), or `given` (the page's / the flag's bar phase, the downbeat by default). */
	upbeat: 'songs'
} as const;
