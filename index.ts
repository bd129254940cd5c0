// The public API of jsonlm: the only module users import. Browser-safe: no Node built-ins here.
export { Kernels } from './kernels/kernels.js';
