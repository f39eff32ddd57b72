/**
 * `--style` for `eval` and `generate`: the style a model writes or is scored in.
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
 * The model in the style `--style` names; unchanged (no style) without the flag. A flag with no value,
 * a style the model lacks, or a model without styles is a usage error naming the styles it has.
 */
export function chooseStyle<M extends StepModel>(
	model: M,
	value: unknown
): { model: M | LstmStepModel; style: string | null } {
	if (value === undefined) return { model, style: null };
	const styles = model instanceof LstmStepModel ? model.styles : [];
	const id = String(value);
	if (!id) throw new UsageError(`--style needs a style id: ${theStyles(styles)}`);
	if (!(model instanceof LstmStepModel) || !styles.includes(id))
		throw new UsageError(unknownStyleMessage(id, styles));
	return { model: model.withStyle(id), style: id };
}
