/**
 * The one message protocol between the page and the studio worker. Every request carries an `id`;
 * every response names the request it answers, and a request ends with `done` (posted by the
 * dispatcher when its handler returns), `error`, or `cancelled` (after a `cancel` for it, whatever its
 * handler did then). Each domain declares its messages in `messages/`
 * (types prefixed with the domain: `corpus/…`, `train/…`, `generate/…`) and its handlers in `handlers/`.
 */
import type { CorpusRequest, CorpusResponse } from './messages/corpus';
import type { TrainRequest, TrainResponse } from './messages/train';
import type { GenerateRequest, GenerateResponse } from './messages/generate';
import type { ModelsRequest, ModelsResponse } from './messages/models';
import type { SeedRequest, SeedResponse } from './messages/seed';
import type { DiagnosticsRequest, DiagnosticsResponse } from './messages/diagnostics';

/** Sent by the page. */
export type Request =
	| { type: 'ping'; id: string }
	| { type: 'cancel'; id: string }
	| CorpusRequest
	| TrainRequest
	| GenerateRequest
	| ModelsRequest
	| SeedRequest;

/** Sent by the worker. */
export type Response =
	| { type: 'pong'; id: string }
	/** A sentence for the user: what happened and what to do. Never a stack trace. */
	| { type: 'error'; id: string; message: string }
	| { type: 'done'; id: string }
	/**
	 * The request was stopped by a `cancel` for its id: every kind of request ends so when cancelled, posted
	 * by the dispatcher. `message`, where the handler stopped with one, says what was left undone.
	 */
	| { type: 'cancelled'; id: string; message?: string }
	| CorpusResponse
	| TrainResponse
	| GenerateResponse
	| ModelsResponse
	| SeedResponse;

/**
 * Everything the worker answers: the page's protocol plus diagnostics (kernel checks and timings for
 * the browser tests and benches, which post them to the worker directly; the page's client offers none).
 */
export type WorkerRequest = Request | DiagnosticsRequest;
export type WorkerResponse = Response | DiagnosticsResponse;

/** Sends responses; `transfer` hands buffers over without a copy. */
export type Post = (response: WorkerResponse, transfer?: Transferable[]) => void;

/**
 * Handles one request: posts its responses and returns (the dispatcher then posts `done`) or throws an
 * Error whose message is a sentence for the user. `signal` aborts on a `cancel` for the same id: the
 * handler stops as soon as it can (returning or throwing), and the dispatcher answers `cancelled`.
 */
export type Handler<R extends WorkerRequest = WorkerRequest> = (
	request: R,
	post: Post,
	signal: AbortSignal
) => Promise<void>;

/** What a file in `handlers/` exports: handlers by request type. */
export type HandlerTable = Partial<{
	[T in WorkerRequest['type']]: Handler<Extract<WorkerRequest, { type: T }>>;
}>;
