/** Names of the custom LSTM kernels (lstm-kernels-cpu.ts, lstm-kernels-webgpu.ts); ops in lstm-kernels.ts. */

export const CELL = 'FolkLstmCell';
export const CELL_GRAD = 'FolkLstmCellGrad';
export const CELL_REST = 'FolkLstmCellRest';
export const UNSTACK = 'FolkUnstack';
export const SPLIT4 = 'FolkSplit4';
export const GATHER_STEPS = 'FolkGatherSteps';
export const IDS_GRAD = 'FolkIdsGrad';
export const COL_SUM = 'FolkColSum';
export const TRANSPOSE = 'FolkTranspose';
export const PACK_RIGHT = 'FolkPackRight';
export const GEMM = 'FolkGemm';
