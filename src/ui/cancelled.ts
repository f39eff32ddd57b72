/**
 * A request to a worker that ended because it was cancelled: the studio worker's `cancelled` answer
 * (`worker-client.ts`) or a score whose signal was aborted (`score/score-client.ts`). Test with
 * `instanceof`, not by the words; the message says what was left undone, where the worker said so.
 */
export class RequestCancelled extends Error {
	constructor(message = 'The request was cancelled.') {
		super(message);
		this.name = 'RequestCancelled';
	}
}
