/**
 * Cuts the recogniser's output layer down to the plate classes, in memory, before the
 * runtime sees the model. PP-OCRv4's CTC head projects every frame onto 6,625 classes and
 * takes their softmax, but decoding only ever reads the blank and the 36 plate classes: the
 * projection's weight and bias are sliced to those columns (in compact order, blank first),
 * so the runtime computes and hands over 37 columns a frame instead of 6,625. The softmax
 * then renormalises over the plate alphabet, which decoding did anyway (`ctc.ts`).
 *
 * The file on disk is untouched: the loader verifies it as shipped (sha256, manifest) and
 * only the verified bytes are rewritten here.
 */
import onnxProto from 'onnx-proto';
import { ErrModelAltered } from '../errors.js';

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
type Graph = onnxProto.onnx.IGraphProto;
type Dim = number | { toNumber(): number };

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** The model with its final projection sliced to `classIndex` (model class of each compact column). */
export function compactHead(model: Uint8Array, classIndex: Int32Array): Uint8Array {
  let proto: onnxProto.onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(model);
  } catch (e) {
    throw new ErrModelAltered(`OCR model is not a readable ONNX file: ${(e as Error).message}`);
  }
  const graph = proto.graph;
  if (graph?.output?.length !== 1) throw headError('the graph has no single output');
  const softmax = producer(graph, graph.output[0]!.name ?? '');
  const add = softmax?.opType === 'Softmax' ? producer(graph, softmax.input?.[0] ?? '') : undefined;
  const matmul = add?.opType === 'Add' ? add.input?.map((name) => producer(graph, name)).find((n) => n?.opType === 'MatMul') : undefined;
  if (!softmax?.output || !add?.input || !add.output || !matmul?.input || !matmul.output) throw headError('its output is not Softmax(MatMul + Add)');
  const weight = constant(graph, matmul.input[1] ?? '');
  const bias = constant(graph, add.input.find((name) => name !== matmul.output![0]) ?? '');
  const [rows, classes] = dims(weight);
  if (dims(bias).length !== 1 || dims(bias)[0] !== classes || rows === undefined || classes === undefined) {
    throw headError(`projection weight ${dims(weight).join('×')} and bias ${dims(bias).join('×')} do not fit`);
  }
  for (const k of classIndex) if (k < 0 || k >= classes) throw headError(`class ${k} is outside its ${classes} classes`);
  sliceColumns(weight, rows, classes, classIndex);
  sliceColumns(bias, 1, classes, classIndex);
  narrowShapes(graph, new Set([...matmul.output, ...add.output, ...softmax.output]), classes, classIndex.length);
  return onnx.ModelProto.encode(proto).finish();
}

function headError(why: string): Error {
  return new ErrModelAltered(`OCR model's output layer cannot be cut to the plate classes: ${why}`);
}

function producer(graph: Graph, name: string): Node | undefined {
  return graph.node?.find((n) => n.output?.includes(name));
}

/** A float tensor held in the graph: an initializer or the value of a Constant node. */
function constant(graph: Graph, name: string): Tensor {
  const init = graph.initializer?.find((t) => t.name === name);
  const node = init ? undefined : producer(graph, name);
  const tensor = init ?? (node?.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined);
  if (!tensor || tensor.dataType !== FLOAT) throw headError(`${name} is not a float constant`);
  return tensor;
}

function dims(t: Tensor): number[] {
  return (t.dims ?? []).map(toNumber);
}

/** protobufjs reads int64 fields as Long objects. */
function toNumber(d: Dim): number {
  return typeof d === 'number' ? d : d.toNumber();
}

/** Keep the columns `index` of a rows × classes float tensor, stored back as raw little-endian data. */
function sliceColumns(t: Tensor, rows: number, classes: number, index: Int32Array): void {
  // raw_data may sit at any offset of the file's buffer: copy it to an aligned one first.
  const src = t.rawData?.length ? new Float32Array(new Uint8Array(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
  if (src.length !== rows * classes) throw headError(`${t.name} holds ${src.length} values, its shape says ${rows * classes}`);
  const out = new Float32Array(rows * index.length);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < index.length; k++) out[r * index.length + k] = src[r * classes + index[k]!]!;
  }
  t.rawData = new Uint8Array(out.buffer);
  t.floatData = [];
  t.dims = rows === 1 && t.dims?.length === 1 ? [index.length] : [rows, index.length];
}

/** The declared shapes of the head's outputs: their last axis is the class count. */
function narrowShapes(graph: Graph, names: Set<string>, from: number, to: number): void {
  for (const info of [...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    if (!names.has(info.name ?? '')) continue;
    const dim = info.type?.tensorType?.shape?.dim;
    const last = dim?.[dim.length - 1];
    if (last?.dimValue != null && toNumber(last.dimValue) === from) last.dimValue = to;
  }
}
