/** The reference encoding's public API: one song to symbols, and a corpus to a vocabulary and sequence. */
export { encodeSong, describeDuration, ALLOWED_QUARTER_LENGTHS, HOLD, REST, DELIMITER } from './encode';
export type { EncodeResult } from './encode';
export { estimateKey, keyName, pitchClassHistogram, AARDEN_ESSEN_MAJOR, AARDEN_ESSEN_MINOR } from './key';
export type { EstimatedKey } from './key';
export { buildVocabulary, joinSongs, SEQUENCE_LENGTH } from './vocabulary';
