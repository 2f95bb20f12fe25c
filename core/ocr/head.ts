/**
 * Cuts the recogniser's output layer down to the plate classes, in memory, before the
 * runtime sees the model. PP-OCRv4's CTC head projects every frame onto 6,625 classes and
 * takes their softmax, but decoding only ever reads the blank and the 36 plate classes: the
 * projection's weight and bias are sliced to those columns (in compact order, blank first),
 * so the runtime computes and hands over 37 columns a frame instead of 6,625. The softmax
 * then renormalises over the plate alphabet, which decoding did anyway (`ctc.ts`).
 *
 * Those 37 columns can be replaced by a plate head fitted to plate crops (`head-fit.ts`,
 * `models/plate-head.f32`): the shipped projection was trained on Chinese and Latin text and
 * reads a condensed, blurred plate `8` as `S` or `M` as `H` more often than a head fitted on
 * the recogniser's own features of plate crops.
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

/**
 * The output layer decoding reads: `rows` features a frame projected onto the blank and the
 * plate classes (`COMPACT_CLASSES` columns, compact order), weight row-major, then bias.
 */
export interface PlateHead {
  readonly rows: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** The head's parts in the graph: the final Softmax(MatMul + Add) and its constants. */
interface Projection {
  readonly proto: onnxProto.onnx.ModelProto;
  readonly graph: Graph;
  readonly names: ReadonlySet<string>;
  /** Names of its weight and bias. */
  readonly constants: ReadonlySet<string>;
  /** Name of the projection's input: the features of every frame. */
  readonly input: string;
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly rows: number;
  readonly classes: number;
}

/**
 * The model with its final projection cut to `classIndex` (model class of each compact
 * column): the shipped columns sliced, or `fitted`'s weight and bias when given (an output
 * layer fitted to plate crops, `head-fit.ts`).
 */
export function compactHead(model: Uint8Array, classIndex: Int32Array, fitted?: PlateHead): Uint8Array {
  const p = projection(model);
  for (const k of classIndex) if (k < 0 || k >= p.classes) throw headError(`class ${k} is outside its ${p.classes} classes`);
  const head = fitted ?? sliceHead(p, classIndex);
  if (head.rows !== p.rows || head.bias.length !== classIndex.length || head.weight.length !== head.rows * classIndex.length) {
    throw headError(`a fitted layer of ${head.rows} × ${head.bias.length} does not fit the model's ${p.rows} features`);
  }
  store(p.weight, head.weight, [head.rows, classIndex.length]);
  store(p.bias, head.bias, [classIndex.length]);
  narrowShapes(p.graph, p.names, p.classes, classIndex.length);
  return onnx.ModelProto.encode(p.proto).finish();
}

/** The shipped projection's columns `classIndex`: where fitting a plate head starts. */
export function shippedHead(model: Uint8Array, classIndex: Int32Array): PlateHead {
  return sliceHead(projection(model), classIndex);
}

/**
 * The model without its output layer: each frame comes out as the features the projection
 * reads (`rows` of them), for fitting a plate head on them.
 */
export function featureModel(model: Uint8Array): Uint8Array {
  const p = projection(model);
  const dropped = new Set([...p.names, ...p.constants]);
  p.graph.node = (p.graph.node ?? []).filter((n) => !n.output?.some((o) => dropped.has(o)));
  p.graph.output = [
    onnx.ValueInfoProto.create({
      name: p.input,
      type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'frames' }, { dimValue: p.rows }] } } },
    }),
  ];
  p.graph.initializer = (p.graph.initializer ?? []).filter((t) => !dropped.has(t.name ?? ''));
  return onnx.ModelProto.encode(p.proto).finish();
}

/** A plate head as stored: little-endian float32, the weight row-major, then the bias. */
export function encodeHead(head: PlateHead): Uint8Array {
  const out = new Float32Array(head.weight.length + head.bias.length);
  out.set(head.weight);
  out.set(head.bias, head.weight.length);
  return new Uint8Array(out.buffer);
}

export function decodeHead(bytes: Uint8Array, columns: number): PlateHead {
  const values = bytes.byteLength / 4;
  const rows = values / columns - 1;
  if (!Number.isInteger(rows) || rows < 1) throw new ErrModelAltered(`plate head of ${bytes.byteLength} bytes is not rows × ${columns} float32 and a bias`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { rows, weight: all.subarray(0, rows * columns), bias: all.subarray(rows * columns) };
}

function projection(model: Uint8Array): Projection {
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
  const weightName = matmul.input[1] ?? '';
  const biasName = add.input.find((name) => name !== matmul.output![0]) ?? '';
  const weight = constant(graph, weightName);
  const bias = constant(graph, biasName);
  const [rows, classes] = dims(weight);
  if (dims(bias).length !== 1 || dims(bias)[0] !== classes || rows === undefined || classes === undefined) {
    throw headError(`projection weight ${dims(weight).join('×')} and bias ${dims(bias).join('×')} do not fit`);
  }
  const names = new Set([...matmul.output, ...add.output, ...softmax.output]);
  return { proto, graph, names, constants: new Set([weightName, biasName]), input: matmul.input[0] ?? '', weight, bias, rows, classes };
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

/** The projection's columns `index`. */
function sliceHead(p: Projection, index: Int32Array): PlateHead {
  const w = values(p.weight, p.rows * p.classes);
  const b = values(p.bias, p.classes);
  const weight = new Float32Array(p.rows * index.length);
  for (let r = 0; r < p.rows; r++) {
    for (let k = 0; k < index.length; k++) weight[r * index.length + k] = w[r * p.classes + index[k]!]!;
  }
  return { rows: p.rows, weight, bias: Float32Array.from(index, (k) => b[k]!) };
}

function values(t: Tensor, n: number): Float32Array {
  // raw_data may sit at any offset of the file's buffer: copy it to an aligned one first.
  const v = t.rawData?.length ? new Float32Array(new Uint8Array(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
  if (v.length !== n) throw headError(`${t.name} holds ${v.length} values, its shape says ${n}`);
  return v;
}

/** Store `data` in `t` as raw little-endian data of shape `shape`. */
function store(t: Tensor, data: Float32Array, shape: number[]): void {
  t.rawData = new Uint8Array(Float32Array.from(data).buffer);
  t.floatData = [];
  t.dims = shape;
}

/** The declared shapes of the head's outputs: their last axis is the class count. */
function narrowShapes(graph: Graph, names: ReadonlySet<string>, from: number, to: number): void {
  for (const info of [...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    if (!names.has(info.name ?? '')) continue;
    const dim = info.type?.tensorType?.shape?.dim;
    const last = dim?.[dim.length - 1];
    if (last?.dimValue != null && toNumber(last.dimValue) === from) last.dimValue = to;
  }
}
