/**
 * @nabla/onnx — Nabla networks in and out of ONNX, the format trained networks travel in between
 * frameworks (Matlab's importONNXNetwork / exportONNXNetwork): exportOnnx writes opset 13,
 * importOnnx reads opsets 7 … 18, both checked against ONNX Runtime and PyTorch's exporter.
 */
export { type ExportOnnxOptions, exportOnnx, META_CLASSES, META_OUTPUT_KIND } from './export.js';
export { type ImportOnnxOptions, importOnnx, SUPPORTED_OPS } from './import.js';
export { EXPORT_OPSET, IMPORT_OPSET_MAX, IMPORT_OPSET_MIN } from './proto.js';
export { MAX_INITIALIZER_BYTES } from './tensor-proto.js';
export { formatUnsupported, LIST_LIMIT, type Unsupported } from './unsupported.js';
