/**
 * What the Train stage says when a run ends, from what the worker reports was stored (`RunStored`), never
 * from what the run hoped to store: a user who trusts "saved" and closes the tab must not lose the model.
 * Plain TS (no Svelte), so Node tests read the same sentences the page shows.
 */
import type { RunStatus } from '$lib/model/checkpoint';
import type { RunStored, TrainResponse } from '$lib/worker/messages/train';

/** A warning of a run, as the worker sent it. */
export type TrainWarning = Omit<Extract<TrainResponse, { type: 'train/warning' }>, 'type' | 'id'>;

/**
 * The warnings with `w` added: one per topic (a later checkpoint warning says the newer truth about which
 * checkpoint is stored, so it replaces the earlier one); warnings of other topics are all kept.
 */
export function addWarning(list: readonly TrainWarning[], w: TrainWarning): TrainWarning[] {
	return [...list.filter((x) => x.topic !== w.topic), w];
}

/** What is said about a run's checkpoint when the run can be resumed. */
function resumeWords(stored: RunStored): string {
	if (stored.checkpoint) return 'the run can be resumed from the list below';
	if (stored.checkpointEpoch !== null)
		return `its last checkpoint did not fit in the browser's storage, so it resumes from epoch ${stored.checkpointEpoch}`;
	return 'no checkpoint of it could be stored, so it cannot be resumed once the tab is closed';
}

/** What is said about the model a run ended with. */
function modelWords(stored: RunStored, status: RunStatus): string {
	const which =
		status === 'stopped' ? 'the model so far' : status === 'early-stopped' ? 'the best model' : 'the model';
	if (stored.model === 'saved') return `${which} is saved and chosen for generation`;
	return (
		`${which} is NOT saved: the browser's storage is full. It is kept in this tab only — ` +
		'free some space and try saving again, or download it'
	);
}

/** The sentence the Train stage shows when the run `name` ends with `status`, having stored `stored`. */
export function statusSentence(name: string, status: RunStatus, stored: RunStored): string {
	const run = `“${name}”`;
	switch (status) {
		case 'running':
			return `${run} is running.`;
		case 'failed':
			return `${run} failed.`;
		case 'paused':
			return `${run} paused; ${resumeWords(stored)}.`;
		case 'stopped':
			if (stored.model === 'none')
				return `${run} stopped before its first epoch ended; ${resumeWords(stored)}.`;
			return `${run} stopped; ${modelWords(stored, status)}; ${resumeWords(stored)}.`;
		case 'finished':
		case 'early-stopped': {
			const how =
				status === 'finished' ? 'finished' : 'stopped early (the validation loss stopped improving)';
			if (stored.model === 'none') return `${run} ${how}, but it made no model.`;
			return `${run} ${how}; ${modelWords(stored, status)}.`;
		}
	}
}
