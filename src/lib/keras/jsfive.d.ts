/** The part of jsfive (a pure-JS HDF5 reader, shipped without types) that the Keras import uses. */
declare module 'jsfive' {
	/** A dataset: an n-dimensional array with its attributes. */
	export class Dataset {
		readonly shape: number[];
		readonly dtype: string | unknown;
		readonly value: ArrayLike<number>;
		readonly attrs: Record<string, unknown>;
	}
	/** A group: named children and attributes. */
	export class Group {
		readonly keys: string[];
		readonly attrs: Record<string, unknown>;
		get(path: string): Group | Dataset;
	}
	/** An HDF5 file read from memory. */
	export class File extends Group {
		constructor(buffer: ArrayBuffer, filename?: string);
	}
}
