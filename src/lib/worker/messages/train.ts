/** Messages of the train domain. Request types start with 'train/'. */
export type TrainRequest = never;
export type TrainResponse = never;
