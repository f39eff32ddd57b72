/**
 * The one message protocol between the page and the studio worker. Every request carries an `id`;
 * every response names the request it answers. Each domain declares its messages in `messages/`
 * (types prefixed with the domain: `corpus/…`, `train/…`, `generate/…`).
 */
import type { CorpusRequest, CorpusResponse } from './messages/corpus';
import type { TrainRequest, TrainResponse } from './messages/train';
import type { GenerateRequest, GenerateResponse } from './messages/generate';
import type { ModelsRequest, ModelsResponse } from './messages/models';

/** Sent by the page. */
export type Request =
	| { type: 'ping'; id: string }
	| { type: 'cancel'; id: string }
	| CorpusRequest
	| TrainRequest
	| GenerateRequest
	| ModelsRequest;

/** Sent by the worker. */
export type Response =
	| { type: 'pong'; id: string }
	/** A sentence for the user: what happened and what to do. Never a stack trace. */
	| { type: 'error'; id: string; message: string }
	| { type: 'done'; id: string }
	| CorpusResponse
	| TrainResponse
	| GenerateResponse
	| ModelsResponse;

/** Handles one request; `post` sends responses, `signal` aborts on a `cancel` for the same id. */
export type Handler<R extends Request = Request> = (
	request: R,
	post: (response: Response, transfer?: Transferable[]) => void,
	signal: AbortSignal
) => Promise<void>;

/** What a file in `handlers/` exports: handlers by request type. */
export type HandlerTable = Partial<{ [T in Request['type']]: Handler<Extract<Request, { type: T }>> }>;
