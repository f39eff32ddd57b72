/** The part of Verovio (the engraver, shipped without types) that the score view uses. */
declare module 'verovio/wasm-hum' {
	/** Compiles the WebAssembly build that reads Humdrum (the wasm is inlined in the script). */
	export default function createVerovioModule(options?: object): Promise<object>;
}
declare module 'verovio/esm' {
	/** One entry of a rendered timemap: which notes start and end at a time. */
	export interface TimemapEntry {
		/** Time in quarter notes from the start. */
		qstamp: number;
		/** Time in milliseconds at the encoded tempo. */
		tstamp: number;
		on?: string[];
		off?: string[];
	}
	/** The toolkit: load data, then render pages, MIDI or a timemap. */
	export class VerovioToolkit {
		constructor(module: object);
		setOptions(options: Record<string, unknown>): void;
		loadData(data: string): boolean;
		getPageCount(): number;
		getLog(): string;
		getVersion(): string;
		renderToSVG(page?: number, xmlDeclaration?: boolean): string;
		renderToTimemap(options?: Record<string, unknown>): TimemapEntry[];
		destroy(): void;
	}
	export const LOG_OFF: number;
	export const LOG_ERROR: number;
	export function enableLog(level: number, module: object): void;
	export function enableLogToBuffer(value: boolean, module: object): void;
}
