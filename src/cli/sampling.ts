/**
 * The sampling flags `generate` and `melody-stats` share, read against the app's defaults
 * (generate/defaults.ts), so an unset flag means what the app does.
 */
import { UsageError } from './command';
import { GENERATE_DEFAULTS, SETTING_HELP } from '../lib/generate/defaults';
import { MAX_TEMPERATURE, MIN_TEMPERATURE, MIN_TOP_P } from '../lib/generate/sample';
import { FORMS, formName, parseForm } from '../lib/generate/form';
import { MAX_PHRASE_BARS } from '../lib/generate/settings';

/** A number flag within bounds, or undefined when absent. */
export function numberFlag(
	value: unknown,
	flag: string,
	min: number,
	max: number,
	integer = false
): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
		throw new UsageError(
			`--${flag} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`
		);
	return n;
}

export const SAMPLING_OPTIONS = {
	temperature: { type: 'string' },
	'top-p': { type: 'string' },
	endings: { type: 'string' },
	form: { type: 'string' },
	'phrase-bars': { type: 'string' }
} as const;

/** Usage lines for the sampling flags, with their defaults. */
export const SAMPLING_USAGE = [
	`  --temperature T  (default ${GENERATE_DEFAULTS.temperature}) ${SETTING_HELP.temperature}`,
	`  --top-p P        (default ${GENERATE_DEFAULTS.topP}) ${SETTING_HELP.topP}`,
	`  --endings K      (default ${GENERATE_DEFAULTS.endings}) ${SETTING_HELP.endings}`,
	`  --form F         (default ${GENERATE_DEFAULTS.form}) ${SETTING_HELP.form} One of ${FORMS.join(', ')} (A' for A′).`,
	`  --phrase-bars N  (default ${GENERATE_DEFAULTS.phraseBars}) Bars in a phrase of the form.`
];

/** Temperature, top-p and candidate endings from the flags, the app's defaults where unset. */
export function samplingFlags(values: Record<string, unknown>): {
	temperature: number;
	topP: number;
	endings: number;
	form: string;
	phraseBars: number;
} {
	const form = parseForm(String(values.form ?? GENERATE_DEFAULTS.form));
	if (!form)
		throw new UsageError(
			`--form must be phrase letters A–H with ' for a varied phrase (like AABA or "AA'BA'"), or through; not "${values.form}"`
		);
	return {
		temperature:
			numberFlag(values.temperature, 'temperature', MIN_TEMPERATURE, MAX_TEMPERATURE) ??
			GENERATE_DEFAULTS.temperature,
		topP: numberFlag(values['top-p'], 'top-p', MIN_TOP_P, 1) ?? GENERATE_DEFAULTS.topP,
		endings: numberFlag(values.endings, 'endings', 1, 64, true) ?? GENERATE_DEFAULTS.endings,
		form: formName(form),
		phraseBars:
			numberFlag(values['phrase-bars'], 'phrase-bars', 1, MAX_PHRASE_BARS, true) ??
			GENERATE_DEFAULTS.phraseBars
	};
}
