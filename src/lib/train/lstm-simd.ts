/**
 * The wasm backend's training kernels in WebAssembly SIMD (`lstm-simd.wat`): the row sums of the first
 * layer's input and their gradient, a blocked transpose, one LSTM step forward and backward, and on the
 * single-threaded build the products (`pack`, `gemm`). The plain-JS loops of lstm-kernels-cpu.ts did the
 * first two at about 3 ns a float (27 of a recipe batch's 65 ms); the backend's own transpose took 50 of
 * LSTM(256)'s 445 ms a batch (Node, wasm, 1 thread); its products ran at about 15 billion multiply-adds
 * a second against 19–23 here, 27 with relaxed SIMD (docs/speed.md).
 *
 * The module imports its memory and runs on the backend's own heap, so tensors are read and written in
 * place: `BINARY` imports a plain memory (the single-threaded build), `BINARY_SHARED` a shared one (the
 * threaded build), `BINARY_RELAXED` a plain one with the product's multiply-adds fused (used where the
 * engine validates it). Where the heap cannot be found, on a memory of its own, inputs and outputs copied.
 * `lstm-simd.wat` is the source of all three, rebuilt by `npx tsx scripts/lstm-simd-binary.ts`; the unit
 * test checks that they agree.
 */
import type * as tf from '#tf';

/** lstm-simd.wat (the training kernels), compiled (wabt 1.0.39, `--enable-simd --enable-threads`). */
const BINARY =
	'AGFzbQEAAAABPwZgB39/f39/f38AYAR/f39/AGAKf39/f39/f39/fwBgDH9/f39/f39/f39/fwBgBn9/f39/fwBgBX9/f39/AAIPAQNlbnYGbWVtb3J5AgABAwgHAAABAgMEBQdABwZnYXRoZXIAAAdzY2F0dGVyAAEJdHJhbnNwb3NlAAIEY2VsbAADCGNlbGxHcmFkAAQEZ2VtbQAFBHBhY2sABgqrJwfOAQEHfyAGQQJ0IQwCQANAIAcgBE8NASADIAcgDGxqIQlBACELAkADQCALIAxPDQEgCSALaiABIAtq/QAEAP0LBAAgC0EQaiELDAALC0EAIQgCQANAIAggBU8NASACIAcgBWwgCGpBAnRqKAIAIQ0gDUEATgRAIAAgDSAMbGohCkEAIQsCQANAIAsgDE8NASAJIAtqIAkgC2r9AAQAIAogC2r9AAQA/eQB/QsEACALQRBqIQsMAAsLCyAIQQFqIQgMAAsLIAdBAWohBwwACwsL2gEBB38gBkECdCEMAkADQCAHIARPDQEgACAHIAxsaiEJQQAhCwJAA0AgCyAMTw0BIAMgC2ogAyALav0ABAAgCSALav0ABAD95AH9CwQAIAtBEGohCwwACwtBACEIAkADQCAIIAVPDQEgASAHIAVsIAhqQQJ0aigCACENIA1BAE4EQCACIA0gDGxqIQpBACELAkADQCALIAxPDQEgCiALaiAKIAtq/QAEACAJIAtq/QAEAP3kAf0LBAAgC0EQaiELDAALCwsgCEEBaiEIDAALCyAHQQFqIQcMAAsLC4YFAwp/CHsCfyACQXxxIQYgA0F8cSEHIANBAnQhCCACQQJ0IQkCQANAIAogBk8NASAKQSBqIAYgCkEgaiAGSRshDEEAIQsCQANAIAsgB08NASALQSBqIAcgC0EgaiAHSRshDSAKIQQCQANAIAQgDE8NASALIQUCQANAIAUgDU8NASAAIAQgCGwgBUECdGpqIRcgF/0ABAAhDiAXIAhq/QAEACEPIBcgCEEBdGr9AAQAIRAgFyAIQQNsav0ABAAhESAOIA/9DQABAgMQERITBAUGBxQVFhchEiAOIA/9DQgJCgsYGRobDA0ODxwdHh8hEyAQIBH9DQABAgMQERITBAUGBxQVFhchFCAQIBH9DQgJCgsYGRobDA0ODxwdHh8hFSABIAUgCWwgBEECdGpqIRYgFiASIBT9DQABAgMEBQYHEBESExQVFhf9CwQAIBYgCWogEiAU/Q0ICQoLDA0ODxgZGhscHR4f/QsEACAWIAlBAXRqIBMgFf0NAAECAwQFBgcQERITFBUWF/0LBAAgFiAJQQNsaiATIBX9DQgJCgsMDQ4PGBkaGxwdHh/9CwQAIAVBBGohBQwACwsgBEEEaiEEDAALCyALQSBqIQsMAAsLIAohBAJAA0AgBCAMTw0BIAchBQJAA0AgBSADTw0BIAEgBSACbCAEakECdGogACAEIANsIAVqQQJ0aioCADgCACAFQQFqIQUMAAsLIARBAWohBAwACwsgCkEgaiEKDAALCyAGIQQCQANAIAQgAk8NAUEAIQUCQANAIAUgA08NASABIAUgAmwgBGpBAnRqIAAgBCADbCAFakECdGoqAgA4AgAgBUEBaiEFDAALCyAEQQFqIQQMAAsLC7QTBAV/B3sDfwV7IAlBAnQhDAJAA0AgCiAITw0BIAMgCkECdGoqAgD9EyEPIAogDEECdGwhDSAKIAxsIQ5BACELAkADQCALIAxPDQEgASANIAtqaiEWIAAgDSALamohFyAW/QAEACAPIBf9AAQA/eYB/eQB/eEBIRkgGf0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEZIBn9DDuquD87qrg/O6q4PzuquD/95gH9aiEaIBkgGv0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASAa/QyDgF65g4BeuYOAXrmDgF65/eYB/eUBIRv9DGdpUDlnaVA5Z2lQOWdpUDkgG/3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEcIBwgG/3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEcIBwgG/3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEcIBwgG/3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEcIBwgG/3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEcIBwgGyAb/eYB/eYBIBv95AH9DAAAgD8AAIA/AACAPwAAgD/95AEgGv34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBIR39DAAAgD8AAIA/AACAPwAAgD/9DAAAgD8AAIA/AACAPwAAgD8gHf3kAf3nASEQIBYgDGr9AAQAIA8gFyAMav0ABAD95gH95AH94QEhGSAZ/Qyama7CmpmuwpqZrsKama7C/ekB/QyambBCmpmwQpqZsEKambBC/egBIRkgGf0MO6q4PzuquD87qrg/O6q4P/3mAf1qIRogGSAa/QwAgDE/AIAxPwCAMT8AgDE//eYB/eUBIBr9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhG/0MZ2lQOWdpUDlnaVA5Z2lQOSAb/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIRwgHCAb/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIRwgHCAb/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIRwgHCAb/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIRwgHCAb/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIRwgHCAbIBv95gH95gEgG/3kAf0MAACAPwAAgD8AAIA/AACAP/3kASAa/fgB/Qx/AAAAfwAAAH8AAAB/AAAA/a4BQRf9qwH95gEhHf0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAd/eQB/ecBIREgFiAMQQF0av0ABAAgDyAXIAxBAXRq/QAEAP3mAf3kASEZIBkgGf3kASEZIBn9DJqZrsKama7CmpmuwpqZrsL96QH9DJqZsEKambBCmpmwQpqZsEL96AEhGSAZ/Qw7qrg/O6q4PzuquD87qrg//eYB/WohGiAZIBr9DACAMT8AgDE/AIAxPwCAMT/95gH95QEgGv0Mg4BeuYOAXrmDgF65g4Beuf3mAf3lASEb/QxnaVA5Z2lQOWdpUDlnaVA5IBv95gH9DM5DtzrOQ7c6zkO3Os5Dtzr95AEhHCAcIBv95gH9DAiJCDwIiQg8CIkIPAiJCDz95AEhHCAcIBv95gH9DMGpKj3BqSo9wakqPcGpKj395AEhHCAcIBv95gH9DKqqKj6qqio+qqoqPqqqKj795AEhHCAcIBv95gH9DAAAAD8AAAA/AAAAPwAAAD/95AEhHCAcIBsgG/3mAf3mASAb/eQB/QwAAIA/AACAPwAAgD8AAIA//eQBIBr9+AH9DH8AAAB/AAAAfwAAAH8AAAD9rgFBF/2rAf3mASEdIB39DAAAgD8AAIA/AACAPwAAgD/95QEgHf0MAACAPwAAgD8AAIA/AACAP/3kAf3nASESIBYgDEEDbGr9AAQAIA8gFyAMQQNsav0ABAD95gH95AH94QEhGSAZ/Qyama7CmpmuwpqZrsKama7C/ekB/QyambBCmpmwQpqZsEKambBC/egBIRkgGf0MO6q4PzuquD87qrg/O6q4P/3mAf1qIRogGSAa/QwAgDE/AIAxPwCAMT8AgDE//eYB/eUBIBr9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhG/0MZ2lQOWdpUDlnaVA5Z2lQOSAb/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIRwgHCAb/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIRwgHCAb/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIRwgHCAb/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIRwgHCAb/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIRwgHCAbIBv95gH95gEgG/3kAf0MAACAPwAAgD8AAIA/AACAP/3kASAa/fgB/Qx/AAAAfwAAAH8AAAB/AAAA/a4BQRf9qwH95gEhHf0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAd/eQB/ecBIRMgDiALaiEYIBEgD/3mASACIBhq/QAEAP3mASAQIBL95gH95AEhFCAUIRkgGSAZ/eQBIRkgGf0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEZIBn9DDuquD87qrg/O6q4PzuquD/95gH9aiEaIBkgGv0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASAa/QyDgF65g4BeuYOAXrmDgF65/eYB/eUBIRv9DGdpUDlnaVA5Z2lQOWdpUDkgG/3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEcIBwgG/3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEcIBwgG/3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEcIBwgG/3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEcIBwgG/3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEcIBwgGyAb/eYB/eYBIBv95AH9DAAAgD8AAIA/AACAPwAAgD/95AEgGv34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBIR0gHf0MAACAPwAAgD8AAIA/AACAP/3lASAd/QwAAIA/AACAPwAAgD8AAIA//eQB/ecBIRUgBiANIAtqaiEWIBYgEP0LBAAgFiAMaiAR/QsEACAWIAxBAXRqIBL9CwQAIBYgDEEDbGogE/0LBAAgBSAYaiAU/QsEACAHIBhqIBX9CwQAIAQgGGogEyAV/eYB/QsEACALQRBqIQsMAAsLIApBAWohCgwACwsLtgMCBn8Ke/0MAACAPwAAgD8AAIA/AACAPyEbIAtBAnQhDgJAA0AgDCAKTw0BIAcgDEECdGoqAgD9EyESIAMgDEECdGoqAgD9EyETIAwgDkECdGwhD0EAIQ0CQANAIA0gDk8NASAMIA5sIA1qIRAgBCAPIA1qaiERIBH9AAQAIRQgESAOav0ABAAhFSARIA5BAXRq/QAEACEWIBEgDkEDbGr9AAQAIRcgBSAQav0ABAAhGCAAIBBq/QAEACATIAEgEGr9AAQA/eYB/eQBIRkgEyACIBBq/QAEAP3mASAZIBf95gEgGyAYIBj95gH95QH95gH95AEhGiAIIA8gDWpqIREgESAaIBb95gEgFP3mASAbIBT95QH95gH9CwQAIBEgDmogGiAS/eYBIAYgEGr9AAQA/eYBIBX95gEgGyAV/eUB/eYB/QsEACARIA5BAXRqIBogFP3mASAbIBYgFv3mAf3lAf3mAf0LBAAgESAOQQNsaiAZIBj95gEgF/3mASAbIBf95QH95gH9CwQAIAkgEGogGiAV/eYBIBL95gH9CwQAIA1BEGohDQwACwsgDEEBaiEMDAALCwupBgINfwt7IARBAnQhDSAFQQJ0IQ4gDSEQIA1BAXQhESANQQNsIRIgA0F8cSEPAkADQCAHIAVBA3ZPDQEgASAHIARBBXRsaiEKQQAhBgJAA0AgBiAPTw0B/QwAAAAAAAAAAAAAAAAAAAAAIRb9DAAAAAAAAAAAAAAAAAAAAAAhF/0MAAAAAAAAAAAAAAAAAAAAACEY/QwAAAAAAAAAAAAAAAAAAAAAIRn9DAAAAAAAAAAAAAAAAAAAAAAhGv0MAAAAAAAAAAAAAAAAAAAAACEb/QwAAAAAAAAAAAAAAAAAAAAAIRz9DAAAAAAAAAAAAAAAAAAAAAAhHSAAIAYgDWxqIQkgCiELQQAhCAJAA0AgCCANTw0BIAv9AAQAIRQgC/0ABBAhFSAJIAhq/QkCACETIBYgEyAU/eYB/eQBIRYgFyATIBX95gH95AEhFyAJIAhqIBBq/QkCACETIBggEyAU/eYB/eQBIRggGSATIBX95gH95AEhGSAJIAhqIBFq/QkCACETIBogEyAU/eYB/eQBIRogGyATIBX95gH95AEhGyAJIAhqIBJq/QkCACETIBwgEyAU/eYB/eQBIRwgHSATIBX95gH95AEhHSALQSBqIQsgCEEEaiEIDAALCyACIAYgDmwgB0EFdGpqIQwgDCAW/QsEACAMIBf9CwQQIAxBASAObGogGP0LBAAgDEEBIA5saiAZ/QsEECAMQQIgDmxqIBr9CwQAIAxBAiAObGogG/0LBBAgDEEDIA5saiAc/QsEACAMQQMgDmxqIB39CwQQIAZBBGohBgwACwsCQANAIAYgA08NAf0MAAAAAAAAAAAAAAAAAAAAACEW/QwAAAAAAAAAAAAAAAAAAAAAIRcgACAGIA1saiEJIAohC0EAIQgCQANAIAggDU8NASAL/QAEACEUIAv9AAQQIRUgCSAIav0JAgAhEyAWIBMgFP3mAf3kASEWIBcgEyAV/eYB/eQBIRcgC0EgaiELIAhBBGohCAwACwsgAiAGIA5sIAdBBXRqaiEMIAwgFv0LBAAgDCAX/QsEECAGQQFqIQYMAAsLIAdBAWohBwwACwsL2wEBBX8gASEIAkADQCAFQQN0IANPDQFBACEGAkADQCAGIAJPDQEgBCAFQQFqQQN0IANLcgRAQQAhBwJAA0AgB0EITw0BIAVBA3QgB2ohCSAIIAdBAnRqIAkgA08EfUMAAAAABSAAIAQEfyAJIAJsIAZqBSAGIANsIAlqC0ECdGoqAgALOAIAIAdBAWohBwwACwsFIAAgBiADbCAFQQN0akECdGohCSAIIAn9AAQA/QsEACAIIAn9AAQQ/QsEEAsgCEEgaiEIIAZBAWohBgwACwsgBUEBaiEFDAALCws=';

/** lstm-simd.wat (the same on a shared memory), compiled (wabt 1.0.39, `--enable-simd --enable-threads`). */
const BINARY_SHARED =
	'AGFzbQEAAAABPwZgB39/f39/f38AYAR/f39/AGAKf39/f39/f39/fwBgDH9/f39/f39/f39/fwBgBn9/f39/fwBgBX9/f39/AAISAQNlbnYGbWVtb3J5AgMBgIAEAwgHAAABAgMEBQdABwZnYXRoZXIAAAdzY2F0dGVyAAEJdHJhbnNwb3NlAAIEY2VsbAADCGNlbGxHcmFkAAQEZ2VtbQAFBHBhY2sABgqrJwfOAQEHfyAGQQJ0IQwCQANAIAcgBE8NASADIAcgDGxqIQlBACELAkADQCALIAxPDQEgCSALaiABIAtq/QAEAP0LBAAgC0EQaiELDAALC0EAIQgCQANAIAggBU8NASACIAcgBWwgCGpBAnRqKAIAIQ0gDUEATgRAIAAgDSAMbGohCkEAIQsCQANAIAsgDE8NASAJIAtqIAkgC2r9AAQAIAogC2r9AAQA/eQB/QsEACALQRBqIQsMAAsLCyAIQQFqIQgMAAsLIAdBAWohBwwACwsL2gEBB38gBkECdCEMAkADQCAHIARPDQEgACAHIAxsaiEJQQAhCwJAA0AgCyAMTw0BIAMgC2ogAyALav0ABAAgCSALav0ABAD95AH9CwQAIAtBEGohCwwACwtBACEIAkADQCAIIAVPDQEgASAHIAVsIAhqQQJ0aigCACENIA1BAE4EQCACIA0gDGxqIQpBACELAkADQCALIAxPDQEgCiALaiAKIAtq/QAEACAJIAtq/QAEAP3kAf0LBAAgC0EQaiELDAALCwsgCEEBaiEIDAALCyAHQQFqIQcMAAsLC4YFAwp/CHsCfyACQXxxIQYgA0F8cSEHIANBAnQhCCACQQJ0IQkCQANAIAogBk8NASAKQSBqIAYgCkEgaiAGSRshDEEAIQsCQANAIAsgB08NASALQSBqIAcgC0EgaiAHSRshDSAKIQQCQANAIAQgDE8NASALIQUCQANAIAUgDU8NASAAIAQgCGwgBUECdGpqIRcgF/0ABAAhDiAXIAhq/QAEACEPIBcgCEEBdGr9AAQAIRAgFyAIQQNsav0ABAAhESAOIA/9DQABAgMQERITBAUGBxQVFhchEiAOIA/9DQgJCgsYGRobDA0ODxwdHh8hEyAQIBH9DQABAgMQERITBAUGBxQVFhchFCAQIBH9DQgJCgsYGRobDA0ODxwdHh8hFSABIAUgCWwgBEECdGpqIRYgFiASIBT9DQABAgMEBQYHEBESExQVFhf9CwQAIBYgCWogEiAU/Q0ICQoLDA0ODxgZGhscHR4f/QsEACAWIAlBAXRqIBMgFf0NAAECAwQFBgcQERITFBUWF/0LBAAgFiAJQQNsaiATIBX9DQgJCgsMDQ4PGBkaGxwdHh/9CwQAIAVBBGohBQwACwsgBEEEaiEEDAALCyALQSBqIQsMAAsLIAohBAJAA0AgBCAMTw0BIAchBQJAA0AgBSADTw0BIAEgBSACbCAEakECdGogACAEIANsIAVqQQJ0aioCADgCACAFQQFqIQUMAAsLIARBAWohBAwACwsgCkEgaiEKDAALCyAGIQQCQANAIAQgAk8NAUEAIQUCQANAIAUgA08NASABIAUgAmwgBGpBAnRqIAAgBCADbCAFakECdGoqAgA4AgAgBUEBaiEFDAALCyAEQQFqIQQMAAsLC7QTBAV/B3sDfwV7IAlBAnQhDAJAA0AgCiAITw0BIAMgCkECdGoqAgD9EyEPIAogDEECdGwhDSAKIAxsIQ5BACELAkADQCALIAxPDQEgASANIAtqaiEWIAAgDSALamohFyAW/QAEACAPIBf9AAQA/eYB/eQB/eEBIRkgGf0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEZIBn9DDuquD87qrg/O6q4PzuquD/95gH9aiEaIBkgGv0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASAa/QyDgF65g4BeuYOAXrmDgF65/eYB/eUBIRv9DGdpUDlnaVA5Z2lQOWdpUDkgG/3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEcIBwgG/3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEcIBwgG/3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEcIBwgG/3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEcIBwgG/3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEcIBwgGyAb/eYB/eYBIBv95AH9DAAAgD8AAIA/AACAPwAAgD/95AEgGv34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBIR39DAAAgD8AAIA/AACAPwAAgD/9DAAAgD8AAIA/AACAPwAAgD8gHf3kAf3nASEQIBYgDGr9AAQAIA8gFyAMav0ABAD95gH95AH94QEhGSAZ/Qyama7CmpmuwpqZrsKama7C/ekB/QyambBCmpmwQpqZsEKambBC/egBIRkgGf0MO6q4PzuquD87qrg/O6q4P/3mAf1qIRogGSAa/QwAgDE/AIAxPwCAMT8AgDE//eYB/eUBIBr9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhG/0MZ2lQOWdpUDlnaVA5Z2lQOSAb/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIRwgHCAb/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIRwgHCAb/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIRwgHCAb/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIRwgHCAb/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIRwgHCAbIBv95gH95gEgG/3kAf0MAACAPwAAgD8AAIA/AACAP/3kASAa/fgB/Qx/AAAAfwAAAH8AAAB/AAAA/a4BQRf9qwH95gEhHf0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAd/eQB/ecBIREgFiAMQQF0av0ABAAgDyAXIAxBAXRq/QAEAP3mAf3kASEZIBkgGf3kASEZIBn9DJqZrsKama7CmpmuwpqZrsL96QH9DJqZsEKambBCmpmwQpqZsEL96AEhGSAZ/Qw7qrg/O6q4PzuquD87qrg//eYB/WohGiAZIBr9DACAMT8AgDE/AIAxPwCAMT/95gH95QEgGv0Mg4BeuYOAXrmDgF65g4Beuf3mAf3lASEb/QxnaVA5Z2lQOWdpUDlnaVA5IBv95gH9DM5DtzrOQ7c6zkO3Os5Dtzr95AEhHCAcIBv95gH9DAiJCDwIiQg8CIkIPAiJCDz95AEhHCAcIBv95gH9DMGpKj3BqSo9wakqPcGpKj395AEhHCAcIBv95gH9DKqqKj6qqio+qqoqPqqqKj795AEhHCAcIBv95gH9DAAAAD8AAAA/AAAAPwAAAD/95AEhHCAcIBsgG/3mAf3mASAb/eQB/QwAAIA/AACAPwAAgD8AAIA//eQBIBr9+AH9DH8AAAB/AAAAfwAAAH8AAAD9rgFBF/2rAf3mASEdIB39DAAAgD8AAIA/AACAPwAAgD/95QEgHf0MAACAPwAAgD8AAIA/AACAP/3kAf3nASESIBYgDEEDbGr9AAQAIA8gFyAMQQNsav0ABAD95gH95AH94QEhGSAZ/Qyama7CmpmuwpqZrsKama7C/ekB/QyambBCmpmwQpqZsEKambBC/egBIRkgGf0MO6q4PzuquD87qrg/O6q4P/3mAf1qIRogGSAa/QwAgDE/AIAxPwCAMT8AgDE//eYB/eUBIBr9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhG/0MZ2lQOWdpUDlnaVA5Z2lQOSAb/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIRwgHCAb/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIRwgHCAb/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIRwgHCAb/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIRwgHCAb/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIRwgHCAbIBv95gH95gEgG/3kAf0MAACAPwAAgD8AAIA/AACAP/3kASAa/fgB/Qx/AAAAfwAAAH8AAAB/AAAA/a4BQRf9qwH95gEhHf0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAd/eQB/ecBIRMgDiALaiEYIBEgD/3mASACIBhq/QAEAP3mASAQIBL95gH95AEhFCAUIRkgGSAZ/eQBIRkgGf0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEZIBn9DDuquD87qrg/O6q4PzuquD/95gH9aiEaIBkgGv0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASAa/QyDgF65g4BeuYOAXrmDgF65/eYB/eUBIRv9DGdpUDlnaVA5Z2lQOWdpUDkgG/3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEcIBwgG/3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEcIBwgG/3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEcIBwgG/3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEcIBwgG/3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEcIBwgGyAb/eYB/eYBIBv95AH9DAAAgD8AAIA/AACAPwAAgD/95AEgGv34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBIR0gHf0MAACAPwAAgD8AAIA/AACAP/3lASAd/QwAAIA/AACAPwAAgD8AAIA//eQB/ecBIRUgBiANIAtqaiEWIBYgEP0LBAAgFiAMaiAR/QsEACAWIAxBAXRqIBL9CwQAIBYgDEEDbGogE/0LBAAgBSAYaiAU/QsEACAHIBhqIBX9CwQAIAQgGGogEyAV/eYB/QsEACALQRBqIQsMAAsLIApBAWohCgwACwsLtgMCBn8Ke/0MAACAPwAAgD8AAIA/AACAPyEbIAtBAnQhDgJAA0AgDCAKTw0BIAcgDEECdGoqAgD9EyESIAMgDEECdGoqAgD9EyETIAwgDkECdGwhD0EAIQ0CQANAIA0gDk8NASAMIA5sIA1qIRAgBCAPIA1qaiERIBH9AAQAIRQgESAOav0ABAAhFSARIA5BAXRq/QAEACEWIBEgDkEDbGr9AAQAIRcgBSAQav0ABAAhGCAAIBBq/QAEACATIAEgEGr9AAQA/eYB/eQBIRkgEyACIBBq/QAEAP3mASAZIBf95gEgGyAYIBj95gH95QH95gH95AEhGiAIIA8gDWpqIREgESAaIBb95gEgFP3mASAbIBT95QH95gH9CwQAIBEgDmogGiAS/eYBIAYgEGr9AAQA/eYBIBX95gEgGyAV/eUB/eYB/QsEACARIA5BAXRqIBogFP3mASAbIBYgFv3mAf3lAf3mAf0LBAAgESAOQQNsaiAZIBj95gEgF/3mASAbIBf95QH95gH9CwQAIAkgEGogGiAV/eYBIBL95gH9CwQAIA1BEGohDQwACwsgDEEBaiEMDAALCwupBgINfwt7IARBAnQhDSAFQQJ0IQ4gDSEQIA1BAXQhESANQQNsIRIgA0F8cSEPAkADQCAHIAVBA3ZPDQEgASAHIARBBXRsaiEKQQAhBgJAA0AgBiAPTw0B/QwAAAAAAAAAAAAAAAAAAAAAIRb9DAAAAAAAAAAAAAAAAAAAAAAhF/0MAAAAAAAAAAAAAAAAAAAAACEY/QwAAAAAAAAAAAAAAAAAAAAAIRn9DAAAAAAAAAAAAAAAAAAAAAAhGv0MAAAAAAAAAAAAAAAAAAAAACEb/QwAAAAAAAAAAAAAAAAAAAAAIRz9DAAAAAAAAAAAAAAAAAAAAAAhHSAAIAYgDWxqIQkgCiELQQAhCAJAA0AgCCANTw0BIAv9AAQAIRQgC/0ABBAhFSAJIAhq/QkCACETIBYgEyAU/eYB/eQBIRYgFyATIBX95gH95AEhFyAJIAhqIBBq/QkCACETIBggEyAU/eYB/eQBIRggGSATIBX95gH95AEhGSAJIAhqIBFq/QkCACETIBogEyAU/eYB/eQBIRogGyATIBX95gH95AEhGyAJIAhqIBJq/QkCACETIBwgEyAU/eYB/eQBIRwgHSATIBX95gH95AEhHSALQSBqIQsgCEEEaiEIDAALCyACIAYgDmwgB0EFdGpqIQwgDCAW/QsEACAMIBf9CwQQIAxBASAObGogGP0LBAAgDEEBIA5saiAZ/QsEECAMQQIgDmxqIBr9CwQAIAxBAiAObGogG/0LBBAgDEEDIA5saiAc/QsEACAMQQMgDmxqIB39CwQQIAZBBGohBgwACwsCQANAIAYgA08NAf0MAAAAAAAAAAAAAAAAAAAAACEW/QwAAAAAAAAAAAAAAAAAAAAAIRcgACAGIA1saiEJIAohC0EAIQgCQANAIAggDU8NASAL/QAEACEUIAv9AAQQIRUgCSAIav0JAgAhEyAWIBMgFP3mAf3kASEWIBcgEyAV/eYB/eQBIRcgC0EgaiELIAhBBGohCAwACwsgAiAGIA5sIAdBBXRqaiEMIAwgFv0LBAAgDCAX/QsEECAGQQFqIQYMAAsLIAdBAWohBwwACwsL2wEBBX8gASEIAkADQCAFQQN0IANPDQFBACEGAkADQCAGIAJPDQEgBCAFQQFqQQN0IANLcgRAQQAhBwJAA0AgB0EITw0BIAVBA3QgB2ohCSAIIAdBAnRqIAkgA08EfUMAAAAABSAAIAQEfyAJIAJsIAZqBSAGIANsIAlqC0ECdGoqAgALOAIAIAdBAWohBwwACwsFIAAgBiADbCAFQQN0akECdGohCSAIIAn9AAQA/QsEACAIIAn9AAQQ/QsEEAsgCEEgaiEIIAZBAWohBgwACwsgBUEBaiEFDAALCws=';

/** lstm-simd.wat (on a plain memory, the product with relaxed SIMD), compiled (wabt 1.0.39, `--enable-simd --enable-relaxed-simd`). */
const BINARY_RELAXED =
	'AGFzbQEAAAABPwZgB39/f39/f38AYAR/f39/AGAKf39/f39/f39/fwBgDH9/f39/f39/f39/fwBgBn9/f39/fwBgBX9/f39/AAIPAQNlbnYGbWVtb3J5AgABAwgHAAABAgMEBQdABwZnYXRoZXIAAAdzY2F0dGVyAAEJdHJhbnNwb3NlAAIEY2VsbAADCGNlbGxHcmFkAAQEZ2VtbQAFBHBhY2sABgqNJwfOAQEHfyAGQQJ0IQwCQANAIAcgBE8NASADIAcgDGxqIQlBACELAkADQCALIAxPDQEgCSALaiABIAtq/QAEAP0LBAAgC0EQaiELDAALC0EAIQgCQANAIAggBU8NASACIAcgBWwgCGpBAnRqKAIAIQ0gDUEATgRAIAAgDSAMbGohCkEAIQsCQANAIAsgDE8NASAJIAtqIAkgC2r9AAQAIAogC2r9AAQA/eQB/QsEACALQRBqIQsMAAsLCyAIQQFqIQgMAAsLIAdBAWohBwwACwsL2gEBB38gBkECdCEMAkADQCAHIARPDQEgACAHIAxsaiEJQQAhCwJAA0AgCyAMTw0BIAMgC2ogAyALav0ABAAgCSALav0ABAD95AH9CwQAIAtBEGohCwwACwtBACEIAkADQCAIIAVPDQEgASAHIAVsIAhqQQJ0aigCACENIA1BAE4EQCACIA0gDGxqIQpBACELAkADQCALIAxPDQEgCiALaiAKIAtq/QAEACAJIAtq/QAEAP3kAf0LBAAgC0EQaiELDAALCwsgCEEBaiEIDAALCyAHQQFqIQcMAAsLC4YFAwp/CHsCfyACQXxxIQYgA0F8cSEHIANBAnQhCCACQQJ0IQkCQANAIAogBk8NASAKQSBqIAYgCkEgaiAGSRshDEEAIQsCQANAIAsgB08NASALQSBqIAcgC0EgaiAHSRshDSAKIQQCQANAIAQgDE8NASALIQUCQANAIAUgDU8NASAAIAQgCGwgBUECdGpqIRcgF/0ABAAhDiAXIAhq/QAEACEPIBcgCEEBdGr9AAQAIRAgFyAIQQNsav0ABAAhESAOIA/9DQABAgMQERITBAUGBxQVFhchEiAOIA/9DQgJCgsYGRobDA0ODxwdHh8hEyAQIBH9DQABAgMQERITBAUGBxQVFhchFCAQIBH9DQgJCgsYGRobDA0ODxwdHh8hFSABIAUgCWwgBEECdGpqIRYgFiASIBT9DQABAgMEBQYHEBESExQVFhf9CwQAIBYgCWogEiAU/Q0ICQoLDA0ODxgZGhscHR4f/QsEACAWIAlBAXRqIBMgFf0NAAECAwQFBgcQERITFBUWF/0LBAAgFiAJQQNsaiATIBX9DQgJCgsMDQ4PGBkaGxwdHh/9CwQAIAVBBGohBQwACwsgBEEEaiEEDAALCyALQSBqIQsMAAsLIAohBAJAA0AgBCAMTw0BIAchBQJAA0AgBSADTw0BIAEgBSACbCAEakECdGogACAEIANsIAVqQQJ0aioCADgCACAFQQFqIQUMAAsLIARBAWohBAwACwsgCkEgaiEKDAALCyAGIQQCQANAIAQgAk8NAUEAIQUCQANAIAUgA08NASABIAUgAmwgBGpBAnRqIAAgBCADbCAFakECdGoqAgA4AgAgBUEBaiEFDAALCyAEQQFqIQQMAAsLC7QTBAV/B3sDfwV7IAlBAnQhDAJAA0AgCiAITw0BIAMgCkECdGoqAgD9EyEPIAogDEECdGwhDSAKIAxsIQ5BACELAkADQCALIAxPDQEgASANIAtqaiEWIAAgDSALamohFyAW/QAEACAPIBf9AAQA/eYB/eQB/eEBIRkgGf0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEZIBn9DDuquD87qrg/O6q4PzuquD/95gH9aiEaIBkgGv0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASAa/QyDgF65g4BeuYOAXrmDgF65/eYB/eUBIRv9DGdpUDlnaVA5Z2lQOWdpUDkgG/3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEcIBwgG/3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEcIBwgG/3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEcIBwgG/3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEcIBwgG/3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEcIBwgGyAb/eYB/eYBIBv95AH9DAAAgD8AAIA/AACAPwAAgD/95AEgGv34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBIR39DAAAgD8AAIA/AACAPwAAgD/9DAAAgD8AAIA/AACAPwAAgD8gHf3kAf3nASEQIBYgDGr9AAQAIA8gFyAMav0ABAD95gH95AH94QEhGSAZ/Qyama7CmpmuwpqZrsKama7C/ekB/QyambBCmpmwQpqZsEKambBC/egBIRkgGf0MO6q4PzuquD87qrg/O6q4P/3mAf1qIRogGSAa/QwAgDE/AIAxPwCAMT8AgDE//eYB/eUBIBr9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhG/0MZ2lQOWdpUDlnaVA5Z2lQOSAb/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIRwgHCAb/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIRwgHCAb/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIRwgHCAb/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIRwgHCAb/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIRwgHCAbIBv95gH95gEgG/3kAf0MAACAPwAAgD8AAIA/AACAP/3kASAa/fgB/Qx/AAAAfwAAAH8AAAB/AAAA/a4BQRf9qwH95gEhHf0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAd/eQB/ecBIREgFiAMQQF0av0ABAAgDyAXIAxBAXRq/QAEAP3mAf3kASEZIBkgGf3kASEZIBn9DJqZrsKama7CmpmuwpqZrsL96QH9DJqZsEKambBCmpmwQpqZsEL96AEhGSAZ/Qw7qrg/O6q4PzuquD87qrg//eYB/WohGiAZIBr9DACAMT8AgDE/AIAxPwCAMT/95gH95QEgGv0Mg4BeuYOAXrmDgF65g4Beuf3mAf3lASEb/QxnaVA5Z2lQOWdpUDlnaVA5IBv95gH9DM5DtzrOQ7c6zkO3Os5Dtzr95AEhHCAcIBv95gH9DAiJCDwIiQg8CIkIPAiJCDz95AEhHCAcIBv95gH9DMGpKj3BqSo9wakqPcGpKj395AEhHCAcIBv95gH9DKqqKj6qqio+qqoqPqqqKj795AEhHCAcIBv95gH9DAAAAD8AAAA/AAAAPwAAAD/95AEhHCAcIBsgG/3mAf3mASAb/eQB/QwAAIA/AACAPwAAgD8AAIA//eQBIBr9+AH9DH8AAAB/AAAAfwAAAH8AAAD9rgFBF/2rAf3mASEdIB39DAAAgD8AAIA/AACAPwAAgD/95QEgHf0MAACAPwAAgD8AAIA/AACAP/3kAf3nASESIBYgDEEDbGr9AAQAIA8gFyAMQQNsav0ABAD95gH95AH94QEhGSAZ/Qyama7CmpmuwpqZrsKama7C/ekB/QyambBCmpmwQpqZsEKambBC/egBIRkgGf0MO6q4PzuquD87qrg/O6q4P/3mAf1qIRogGSAa/QwAgDE/AIAxPwCAMT8AgDE//eYB/eUBIBr9DIOAXrmDgF65g4BeuYOAXrn95gH95QEhG/0MZ2lQOWdpUDlnaVA5Z2lQOSAb/eYB/QzOQ7c6zkO3Os5DtzrOQ7c6/eQBIRwgHCAb/eYB/QwIiQg8CIkIPAiJCDwIiQg8/eQBIRwgHCAb/eYB/QzBqSo9wakqPcGpKj3BqSo9/eQBIRwgHCAb/eYB/Qyqqio+qqoqPqqqKj6qqio+/eQBIRwgHCAb/eYB/QwAAAA/AAAAPwAAAD8AAAA//eQBIRwgHCAbIBv95gH95gEgG/3kAf0MAACAPwAAgD8AAIA/AACAP/3kASAa/fgB/Qx/AAAAfwAAAH8AAAB/AAAA/a4BQRf9qwH95gEhHf0MAACAPwAAgD8AAIA/AACAP/0MAACAPwAAgD8AAIA/AACAPyAd/eQB/ecBIRMgDiALaiEYIBEgD/3mASACIBhq/QAEAP3mASAQIBL95gH95AEhFCAUIRkgGSAZ/eQBIRkgGf0MmpmuwpqZrsKama7Cmpmuwv3pAf0MmpmwQpqZsEKambBCmpmwQv3oASEZIBn9DDuquD87qrg/O6q4PzuquD/95gH9aiEaIBkgGv0MAIAxPwCAMT8AgDE/AIAxP/3mAf3lASAa/QyDgF65g4BeuYOAXrmDgF65/eYB/eUBIRv9DGdpUDlnaVA5Z2lQOWdpUDkgG/3mAf0MzkO3Os5DtzrOQ7c6zkO3Ov3kASEcIBwgG/3mAf0MCIkIPAiJCDwIiQg8CIkIPP3kASEcIBwgG/3mAf0MwakqPcGpKj3BqSo9wakqPf3kASEcIBwgG/3mAf0MqqoqPqqqKj6qqio+qqoqPv3kASEcIBwgG/3mAf0MAAAAPwAAAD8AAAA/AAAAP/3kASEcIBwgGyAb/eYB/eYBIBv95AH9DAAAgD8AAIA/AACAPwAAgD/95AEgGv34Af0MfwAAAH8AAAB/AAAAfwAAAP2uAUEX/asB/eYBIR0gHf0MAACAPwAAgD8AAIA/AACAP/3lASAd/QwAAIA/AACAPwAAgD8AAIA//eQB/ecBIRUgBiANIAtqaiEWIBYgEP0LBAAgFiAMaiAR/QsEACAWIAxBAXRqIBL9CwQAIBYgDEEDbGogE/0LBAAgBSAYaiAU/QsEACAHIBhqIBX9CwQAIAQgGGogEyAV/eYB/QsEACALQRBqIQsMAAsLIApBAWohCgwACwsLtgMCBn8Ke/0MAACAPwAAgD8AAIA/AACAPyEbIAtBAnQhDgJAA0AgDCAKTw0BIAcgDEECdGoqAgD9EyESIAMgDEECdGoqAgD9EyETIAwgDkECdGwhD0EAIQ0CQANAIA0gDk8NASAMIA5sIA1qIRAgBCAPIA1qaiERIBH9AAQAIRQgESAOav0ABAAhFSARIA5BAXRq/QAEACEWIBEgDkEDbGr9AAQAIRcgBSAQav0ABAAhGCAAIBBq/QAEACATIAEgEGr9AAQA/eYB/eQBIRkgEyACIBBq/QAEAP3mASAZIBf95gEgGyAYIBj95gH95QH95gH95AEhGiAIIA8gDWpqIREgESAaIBb95gEgFP3mASAbIBT95QH95gH9CwQAIBEgDmogGiAS/eYBIAYgEGr9AAQA/eYBIBX95gEgGyAV/eUB/eYB/QsEACARIA5BAXRqIBogFP3mASAbIBYgFv3mAf3lAf3mAf0LBAAgESAOQQNsaiAZIBj95gEgF/3mASAbIBf95QH95gH9CwQAIAkgEGogGiAV/eYBIBL95gH9CwQAIA1BEGohDQwACwsgDEEBaiEMDAALCwuLBgINfwt7IARBAnQhDSAFQQJ0IQ4gDSEQIA1BAXQhESANQQNsIRIgA0F8cSEPAkADQCAHIAVBA3ZPDQEgASAHIARBBXRsaiEKQQAhBgJAA0AgBiAPTw0B/QwAAAAAAAAAAAAAAAAAAAAAIRb9DAAAAAAAAAAAAAAAAAAAAAAhF/0MAAAAAAAAAAAAAAAAAAAAACEY/QwAAAAAAAAAAAAAAAAAAAAAIRn9DAAAAAAAAAAAAAAAAAAAAAAhGv0MAAAAAAAAAAAAAAAAAAAAACEb/QwAAAAAAAAAAAAAAAAAAAAAIRz9DAAAAAAAAAAAAAAAAAAAAAAhHSAAIAYgDWxqIQkgCiELQQAhCAJAA0AgCCANTw0BIAv9AAQAIRQgC/0ABBAhFSAJIAhq/QkCACETIBMgFCAW/YUCIRYgEyAVIBf9hQIhFyAJIAhqIBBq/QkCACETIBMgFCAY/YUCIRggEyAVIBn9hQIhGSAJIAhqIBFq/QkCACETIBMgFCAa/YUCIRogEyAVIBv9hQIhGyAJIAhqIBJq/QkCACETIBMgFCAc/YUCIRwgEyAVIB39hQIhHSALQSBqIQsgCEEEaiEIDAALCyACIAYgDmwgB0EFdGpqIQwgDCAW/QsEACAMIBf9CwQQIAxBASAObGogGP0LBAAgDEEBIA5saiAZ/QsEECAMQQIgDmxqIBr9CwQAIAxBAiAObGogG/0LBBAgDEEDIA5saiAc/QsEACAMQQMgDmxqIB39CwQQIAZBBGohBgwACwsCQANAIAYgA08NAf0MAAAAAAAAAAAAAAAAAAAAACEW/QwAAAAAAAAAAAAAAAAAAAAAIRcgACAGIA1saiEJIAohC0EAIQgCQANAIAggDU8NASAL/QAEACEUIAv9AAQQIRUgCSAIav0JAgAhEyATIBQgFv2FAiEWIBMgFSAX/YUCIRcgC0EgaiELIAhBBGohCAwACwsgAiAGIA5sIAdBBXRqaiEMIAwgFv0LBAAgDCAX/QsEECAGQQFqIQYMAAsLIAdBAWohBwwACwsL2wEBBX8gASEIAkADQCAFQQN0IANPDQFBACEGAkADQCAGIAJPDQEgBCAFQQFqQQN0IANLcgRAQQAhBwJAA0AgB0EITw0BIAVBA3QgB2ohCSAIIAdBAnRqIAkgA08EfUMAAAAABSAAIAQEfyAJIAJsIAZqBSAGIANsIAlqC0ECdGoqAgALOAIAIAdBAWohBwwACwsFIAAgBiADbCAFQQN0akECdGohCSAIIAn9AAQA/QsEACAIIAn9AAQQ/QsEEAsgCEEgaiEIIAZBAWohBgwACwsgBUEBaiEFDAALCws=';

/**
 * The compiled module's bytes: importing a plain memory, or with `shared` a shared one (threads); with
 * `relaxed`, on a plain memory, the product's multiply-adds fused (relaxed SIMD: Chromium since 114, not
 * Node 20).
 */
export function lstmSimdBinary(shared = false, relaxed = false): Uint8Array<ArrayBuffer> {
	const base64 = shared ? BINARY_SHARED : relaxed ? BINARY_RELAXED : BINARY;
	return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

type Info = tf.TensorInfo;

interface Exports {
	gather(kernel: number, bias: number, ids: number, out: number, rows: number, k: number, g: number): void;
	scatter(dz: number, ids: number, kg: number, bg: number, rows: number, k: number, g: number): void;
	transpose(src: number, dst: number, rows: number, cols: number): void;
	cell(
		mm: number,
		xp: number,
		cPrev: number,
		keep: number,
		h: number,
		c: number,
		gates: number,
		tc: number,
		b: number,
		n: number
	): void;
	gemm(a: number, bp: number, c: number, m: number, k: number, n: number): void;
	pack(src: number, dst: number, k: number, n: number, trans: number): void;
	cellGrad(
		dOut: number,
		dhNext: number,
		dcNext: number,
		keepNext: number,
		gates: number,
		tc: number,
		cPrev: number,
		keep: number,
		dz: number,
		dcPrev: number,
		b: number,
		n: number
	): void;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type WasmBackend = any;

const compiled = new Map<boolean, WebAssembly.Module | null>();
let enabled = true;
/** Where the kernels run: the backend's heap where they can, or (tests) a memory of their own. */
type Placement = 'heap' | 'own' | 'own-shared';
let placement: Placement = 'heap';

/**
 * Turns the SIMD kernels off (comparisons with the plain-JS kernels) or back on; `own` and `own-shared`
 * run them on a plain or shared memory of their own, copying, even where the backend's heap could be
 * used in place (tests of those paths).
 */
export function useSimdKernels(on: boolean, where: Placement = 'heap'): void {
	enabled = on;
	placement = where;
}

/** The module for a plain or a shared memory; on a plain one the relaxed-SIMD build where it validates. */
function simdModule(shared: boolean): WebAssembly.Module | null {
	if (compiled.has(shared)) return compiled.get(shared)!;
	let module: WebAssembly.Module | null = null;
	for (const bytes of shared ? [lstmSimdBinary(true)] : [lstmSimdBinary(false, true), lstmSimdBinary()]) {
		try {
			// A few kilobytes: compiling synchronously is fine in the worker.
			if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
		} catch {
			module = null;
		}
		if (module) break;
	}
	compiled.set(shared, module);
	return module;
}

/** Whether the engine runs relaxed SIMD, so that the plain-memory module fuses the product's multiply-adds. */
export function hasRelaxedSimd(): boolean {
	return WebAssembly.validate(lstmSimdBinary(false, true));
}

const isShared = (memory: WebAssembly.Memory) =>
	typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

/** The backend's heap as a WebAssembly memory (shared in the threaded build), or null where not found. */
function heapOf(backend: WasmBackend): WebAssembly.Memory | null {
	const memory = backend?.wasm?.asm?.memory ?? backend?.wasm?.wasmMemory;
	return memory instanceof WebAssembly.Memory ? memory : null;
}

/** An instance of the module on `memory`, or null where it does not load there. */
function instantiate(memory: WebAssembly.Memory): Exports | null {
	const module = simdModule(isShared(memory));
	if (!module) return null;
	try {
		return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
	} catch {
		return null;
	}
}

/** Runs one kernel: allocates its outputs in the backend, hands the module pointers to inputs and outputs. */
export class SimdKernels {
	private constructor(
		private readonly backend: WasmBackend,
		readonly exports: Exports,
		/** The module's memory when it is not the backend's heap (inputs and outputs are copied). */
		private readonly own: WebAssembly.Memory | null,
		/**
		 * Whether the products (`gemm`) should replace the backend's: in place on the single-threaded build's
		 * plain heap. The threaded build (a shared heap) runs its products on every thread of its pool.
		 */
		readonly products = false
	) {}

	/** The kernels for a wasm backend, or null where WebAssembly SIMD is missing or they are turned off. */
	static for(backend: WasmBackend): SimdKernels | null {
		if (!enabled) return null;
		let cache = caches.get(placement);
		if (!cache) caches.set(placement, (cache = new WeakMap()));
		const cached = cache.get(backend);
		if (cached !== undefined) return cached;
		let made: SimdKernels | null = null;
		const heap = placement === 'heap' ? heapOf(backend) : null;
		const onHeap = heap ? instantiate(heap) : null;
		if (onHeap) made = new SimdKernels(backend, onHeap, null, !isShared(heap!));
		else {
			const own = new WebAssembly.Memory(
				placement === 'own-shared'
					? ({ initial: 16, maximum: 65536, shared: true } as WebAssembly.MemoryDescriptor)
					: { initial: 16 }
			);
			const exports = instantiate(own);
			if (exports) made = new SimdKernels(backend, exports, own);
		}
		cache.set(backend, made);
		return made;
	}

	/** Whether tensors are used in place (the module shares the backend's heap). */
	get inPlace(): boolean {
		return this.own === null;
	}

	/**
	 * Allocates float32 outputs of `shapes` (zeroed with `zero`), then calls `fn` with the byte offsets of
	 * `inputs` and of the outputs, in that order.
	 */
	run(inputs: Info[], shapes: number[][], fn: (at: number[]) => void, zero = false): Info[] {
		const outs = shapes.map((s) => this.backend.makeOutput(s, 'float32') as Info);
		if (!this.own) {
			const at = [...inputs, ...outs].map((t) => this.backend.dataIdMap.get(t.dataId).memoryOffset as number);
			if (zero) {
				const heap = new Uint8Array(this.backend.wasm.HEAPU8.buffer);
				outs.forEach((o, i) =>
					heap.fill(0, at[inputs.length + i], at[inputs.length + i] + 4 * size(o.shape))
				);
			}
			fn(at);
			return outs;
		}
		// Copies: inputs in, outputs back, each block 16-byte aligned in the module's own memory.
		const blocks = [...inputs, ...outs].map((t) => 4 * size(t.shape));
		const at: number[] = [];
		let end = 0;
		for (const b of blocks) {
			at.push(end);
			end += Math.ceil(b / 16) * 16;
		}
		const have = this.own.buffer.byteLength;
		if (end > have) this.own.grow(Math.ceil((end - have) / 65536));
		const mem = new Uint8Array(this.own.buffer);
		inputs.forEach((t, i) => mem.set(bytesOf(this.backend.typedArrayFromHeap(t)), at[i]));
		if (zero)
			outs.forEach((_, i) =>
				mem.fill(0, at[inputs.length + i], at[inputs.length + i] + blocks[inputs.length + i])
			);
		fn(at);
		// Views of the backend's heap only now: its allocations above may have moved it.
		outs.forEach((o, i) => {
			const from = at[inputs.length + i];
			bytesOf(this.backend.typedArrayFromHeap(o)).set(
				new Uint8Array(this.own!.buffer, from, blocks[inputs.length + i])
			);
		});
		return outs;
	}
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const caches = new Map<Placement, WeakMap<object, SimdKernels | null>>();

function size(shape: readonly number[]): number {
	return shape.reduce((a, b) => a * b, 1);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
	return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
