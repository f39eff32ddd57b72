/**
 * `--style` for `eval` and `generate`: the style a model writes or is scored in, checked against the
 * model's styles before any work. Generation applies it in the core (the settings' `style`), so only the
 * id is returned, never a styled model.
 */
import { UsageError } from './command';
import { LstmStepModel, unknownStyleMessage } from '../lib/model/lstm-step';
import type { StepModel } from '../lib/model/types';

/** What `--style` says about a model's styles, for a message. */
function theStyles(styles: readonly string[]): string {
	return styles.length
		? `this model's styles are ${styles.join(', ')}`
		: 'this model has no styles (it was trained on one corpus)';
}

/**
 * The style `--style` names (null without the flag). A flag with no value, a style the model lacks, or a
 * model without styles is a usage error naming the styles it has.
 */
export function chooseStyle(model: StepModel, value: unknown): { style: string | null } {
	if (value === undefined) return { style: null };
	const styles = model instanceof LstmStepModel ? model.styles : [];
	const id = String(value);
	if (!id) throw new UsageError(`--style needs a style id: ${theStyles(styles)}`);
	if (!styles.includes(id)) throw new UsageError(unknownStyleMessage(id, styles));
	return { style: id };
}
