/**
 * The generation flags `generate` and `melody-stats` share, derived from `GENERATE_SETTINGS`
 * (generate/settings.ts): each row's flag, its usage line and its range, so the command line refuses what
 * the core and the page refuse, in the same words. Unset flags mean the app's defaults (generate/defaults.ts).
 */
import { UsageError } from './command';
import { GENERATE_DEFAULTS } from '../lib/generate/defaults';
import {
	GENERATE_SETTING,
	generateSettingProblem,
	readGenerateSetting,
	type GenerateSettingKey
} from '../lib/generate/settings';
import { FORMS, formName, parseForm, SONGS } from '../lib/generate/form';

/** A number flag within bounds, or undefined when absent (for flags that are no generation setting). */
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

/** The flag of a setting's row (every row named here has one). */
export function flagOf(key: GenerateSettingKey): string {
	const flag = GENERATE_SETTING[key].flag;
	if (!flag) throw new Error(`The setting ${key} has no flag.`);
	return flag;
}

/**
 * The value of a setting's flag, read and checked against its row; undefined when the flag is absent. A
 * value outside the row's range is a usage error saying the range (“--top-p must be a number from 0.05 to
 * 1, not "0"”). A style is checked against the model's styles later (cli/style.ts).
 */
export function settingFlag(values: Record<string, unknown>, key: GenerateSettingKey): unknown {
	const setting = GENERATE_SETTING[key];
	const flag = flagOf(key);
	const text = values[flag];
	if (text === undefined) return undefined;
	const value = readGenerateSetting(setting, String(text));
	const problem = generateSettingProblem(setting, value);
	if (problem) throw new UsageError(`--${flag} ${problem}, not "${text}"`);
	return value;
}

/** A number setting's flag (see `settingFlag`). */
export function numberSetting(values: Record<string, unknown>, key: GenerateSettingKey): number | undefined {
	return settingFlag(values, key) as number | undefined;
}

/** `parseArgs` options for the flags of `keys`. */
export function settingOptions<K extends GenerateSettingKey>(
	keys: readonly K[]
): Record<string, { type: 'string' }> {
	return Object.fromEntries(keys.map((k) => [flagOf(k), { type: 'string' as const }]));
}

/** What a flag's value looks like in usage: `N` for whole numbers, `X` for numbers, the choices. */
function placeholder(key: GenerateSettingKey): string {
	const s = GENERATE_SETTING[key];
	// The page picks the tonic from a list; the flag reads a key by name (cli generate, formats/key.ts).
	if (key === 'tonic') return '"G major"';
	if (s.kind === 'integer') return 'N';
	if (s.kind === 'number') return 'X';
	if (s.kind === 'choice') return (s.choices ?? []).map((c) => c.value).join('|');
	if (s.kind === 'meter') return '3/4';
	if (s.kind === 'form') return 'AABA';
	if (s.kind === 'style') return '<id>';
	return 'on|off';
}

/** The defaults usage names; a setting without one says what happens without the flag. */
const SHOWN_DEFAULT: Partial<Record<GenerateSettingKey, string>> = {
	randomSeed: 'a fresh one, shown on stderr',
	mode: 'major or minor, as the model goes',
	tonic: 'C major or A minor',
	style: 'none'
};

/** One usage line per flag of `keys`: the flag, its range, default and help, from the table. */
export function settingUsage(keys: readonly GenerateSettingKey[]): string[] {
	return keys.map((key) => {
		const s = GENERATE_SETTING[key];
		const given = (GENERATE_DEFAULTS as Record<string, unknown>)[key];
		const shown = SHOWN_DEFAULT[key] ?? (given === undefined ? null : String(given));
		const range =
			(s.kind === 'integer' || s.kind === 'number') && key !== 'tonic'
				? ` ${s.min}–${s.max}`
				: s.kind === 'form'
					? ` (${FORMS.join(', ')}; A' for A′)`
					: '';
		return `  --${`${s.flag} ${placeholder(key)}`.padEnd(26)} ${s.label}${range}${shown ? ` (default ${shown})` : ''}: ${s.help}`;
	});
}

/** The sampling settings `generate` and `melody-stats` share. */
const SAMPLING_KEYS = ['temperature', 'topP', 'endings', 'form', 'phraseBars'] as const;

export const SAMPLING_OPTIONS = settingOptions(SAMPLING_KEYS);

/** Usage lines for the sampling flags, with their ranges and defaults. */
export const SAMPLING_USAGE = settingUsage(SAMPLING_KEYS);

/** Temperature, top-p, candidate endings and the form from the flags, the app's defaults where unset. */
export function samplingFlags(values: Record<string, unknown>): {
	temperature: number;
	topP: number;
	endings: number;
	form: string;
	phraseBars: number;
} {
	const form = (settingFlag(values, 'form') as string | undefined) ?? GENERATE_DEFAULTS.form;
	return {
		temperature: numberSetting(values, 'temperature') ?? GENERATE_DEFAULTS.temperature,
		topP: numberSetting(values, 'topP') ?? GENERATE_DEFAULTS.topP,
		endings: numberSetting(values, 'endings') ?? GENERATE_DEFAULTS.endings,
		// In its usual spelling: "AA'BA'" is AA′BA′.
		form: form.trim().toLowerCase() === SONGS ? SONGS : formName(parseForm(form)!),
		phraseBars: numberSetting(values, 'phraseBars') ?? GENERATE_DEFAULTS.phraseBars
	};
}
