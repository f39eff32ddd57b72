/** The Kneser-Ney n-gram baseline over symbol ids. */
export { KneserNeyModel, estimateDiscounts, ngramVocabulary } from './kneser-ney';
export type { NgramOptions, NgramState } from './kneser-ney';
