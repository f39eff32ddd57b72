/** Messages of the corpus domain. Request types start with 'corpus/'. */
export type CorpusRequest = never;
export type CorpusResponse = never;
