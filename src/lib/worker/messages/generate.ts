/** Messages of the generate domain. Request types start with 'generate/'. */
export type GenerateRequest = never;
export type GenerateResponse = never;
