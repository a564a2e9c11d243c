import onnxProto from 'onnx-proto';
import { FormatError } from '@nabla/tensor';

/**
 * The ONNX schema (onnx.proto of ONNX 1.10, IR version 8) as protobufjs classes, from the
 * `onnx-proto` package: Nabla does not hand-write a protobuf codec.
 */
export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const DataType = onnxProto.onnx.TensorProto.DataType;
export const AttributeType = onnxProto.onnx.AttributeProto.AttributeType;

/**
 * The opsets this package reads and writes. Export writes opset 13 (Softmax over the last axis,
 * Dropout's ratio as an input, Unsqueeze's axes as an input). Import reads 7 … 18: every operator
 * it supports has the same meaning there for the attributes it accepts (checked per operator in
 * import.ts); older files (the zoo's bvlcalexnet-3 and -6) use the pre-7 BatchNormalization and
 * Dropout forms with `is_test`/`spatial` and are refused by opset.
 */
export const EXPORT_OPSET = 13;
/** The oldest ai.onnx opset importOnnx reads (older files use the pre-7 BatchNormalization form). */
export const IMPORT_OPSET_MIN = 7;
/** The newest ai.onnx opset importOnnx reads. */
export const IMPORT_OPSET_MAX = 18;
/** IR version 7 (ONNX 1.8): what opset 13 needs; ONNX Runtime 1.x reads it. */
export const EXPORT_IR_VERSION = 7;

/** An int64 from protobufjs (a number, or a Long when the value needs it) as a safe JS number. */
export function toNumber(
  v: number | { toNumber(): number; toString(): string } | null | undefined,
  what: string,
): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : v.toNumber();
  if (!Number.isSafeInteger(n) && !Number.isFinite(n))
    throw new FormatError('importOnnx', `${what}: ${String(v)} is not a usable integer`);
  if (typeof v !== 'number' && !Number.isSafeInteger(n))
    throw new FormatError('importOnnx', `${what}: ${v.toString()} is beyond 2^53`);
  return n;
}

/** Decodes a model, refusing bytes that are not a protobuf ModelProto with a FormatError. */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new FormatError(
      'importOnnx',
      `not an ONNX model (protobuf decoding failed: ${(e as Error).message})`,
    );
  }
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
