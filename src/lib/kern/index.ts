/**
 * The Humdrum `**kern` reader's public API. `readKern(bytesOrText, path)` gives the melody of a file (the
 * top voice: rightmost `**kern` spine, first layer, highest chord note) or why it could not.
 */
export { readKern, parseKeyDesignation } from './reader';
export type { KernSong, KernResult, KernFailure, KeyDesignation } from './reader';
export { parseKernToken, scanKernToken } from './token';
export type { KernEvent, ParsedToken } from './token';
export { decodeBytes, looksBinary } from './decode';
