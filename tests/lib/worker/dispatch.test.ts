/** The dispatcher: `done` after a handler, the handler's sentence on error, tables loaded on demand. */
import { describe, expect, it } from 'vitest';
import { dispatcher } from '../../../src/lib/worker/dispatch';
import type { HandlerTable, WorkerRequest, WorkerResponse } from '../../../src/lib/worker/protocol';

const check = { type: 'diagnostics/lstm-check' as const, backend: 'cpu' as const, modes: [] };

describe('the worker dispatcher', () => {
	it('loads a domain’s handlers on its first request only, and answers the others at once', async () => {
		const out: WorkerResponse[] = [];
		let loads = 0;
		const onDemand: HandlerTable = {
			'diagnostics/lstm-check': async (request, post) =>
				post({ type: 'diagnostics/lstm-check-result', id: request.id, backend: 'cpu', error: 'none here' })
		};
		const dispatch = dispatcher([{}], (r) => out.push(r), {
			diagnostics: async () => {
				loads++;
				return { handlers: onDemand };
			}
		});
		await dispatch({ type: 'ping', id: 'p' });
		expect(loads).toBe(0);
		await Promise.all([dispatch({ ...check, id: 'a' }), dispatch({ ...check, id: 'b' })]);
		await dispatch({ ...check, id: 'c' });
		expect(loads).toBe(1);
		expect(out.filter((r) => r.type === 'done').map((r) => r.id)).toEqual(['a', 'b', 'c']);
		await dispatch({ type: 'nothing/here', id: 'x' } as unknown as WorkerRequest);
		expect(out.at(-1)).toEqual({
			type: 'error',
			id: 'x',
			message: 'The worker does not know "nothing/here".'
		});
	});

	it('answers a table that cannot load with a sentence, and tries again on the next request', async () => {
		const out: WorkerResponse[] = [];
		let tries = 0;
		const dispatch = dispatcher([], (r) => out.push(r), {
			diagnostics: async () => {
				if (++tries === 1) throw new Error('the network is down');
				return { handlers: { 'diagnostics/lstm-check': async () => {} } };
			}
		});
		await dispatch({ ...check, id: 'a' });
		expect(out.at(-1)).toEqual({
			type: 'error',
			id: 'a',
			message: 'The worker could not load "diagnostics/lstm-check": the network is down.'
		});
		await dispatch({ ...check, id: 'b' });
		expect(out.at(-1)).toEqual({ type: 'done', id: 'b' });
	});
});
