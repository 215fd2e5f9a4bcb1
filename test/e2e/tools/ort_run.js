#!/usr/bin/env node
// Run an ONNX model with onnxruntime-node on .npy inputs; write each output as .npy.
//
//   node ort_run.js MODEL.onnx --input NAME=x.npy [--input ...] --output-dir DIR
//                   [--modules DIR] [--threads N]
//
// Why a node script: ONNX Runtime is the independent executor of the exported
// graphs in the end-to-end tests, and onnxruntime-node ships its CPU library in
// the npm package (no Python wheel needed). The module is looked up in
// --modules DIR (e.g. build/node/node_modules) or else through NODE_PATH /
// the usual node resolution. .npy files are read and written here (format
// versions 1-3, C order, little endian): float16/32/64, int8/16/32/64,
// uint8/16/32/64 and bool.
//
// `--input x.npy` without NAME= is accepted when the model has a single input.
// Exit status: 0 on success, 1 on any error (message on stderr).

'use strict';

const fs = require('fs');
const path = require('path');

// numpy descr (without byte order) <-> ONNX Runtime tensor type and typed array.
const DTYPES = {
  f2: {ort: 'float16', array: Uint16Array},
  f4: {ort: 'float32', array: Float32Array},
  f8: {ort: 'float64', array: Float64Array},
  i1: {ort: 'int8', array: Int8Array},
  i2: {ort: 'int16', array: Int16Array},
  i4: {ort: 'int32', array: Int32Array},
  i8: {ort: 'int64', array: BigInt64Array},
  u1: {ort: 'uint8', array: Uint8Array},
  u2: {ort: 'uint16', array: Uint16Array},
  u4: {ort: 'uint32', array: Uint32Array},
  u8: {ort: 'uint64', array: BigUint64Array},
  b1: {ort: 'bool', array: Uint8Array},
};
const ORT_TO_DESCR = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v.ort, k]));

function fail(msg) {
  process.stderr.write(`ort_run.js: ${msg}\n`);
  process.exit(1);
}

// Parse an .npy file into {descr, shape, data (typed array)}.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.readUInt8(0) !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') {
    fail(`${file}: not an .npy file`);
  }
  const major = buf.readUInt8(6);
  let headerLen;
  let offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    fail(`${file}: unsupported .npy version ${major}`);
  }
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', offset, offset + headerLen);
  const descrM = header.match(/'descr'\s*:\s*'([^']+)'/);
  const fortranM = header.match(/'fortran_order'\s*:\s*(True|False)/);
  const shapeM = header.match(/'shape'\s*:\s*\(([^)]*)\)/);
  if (!descrM || !fortranM || !shapeM) fail(`${file}: malformed .npy header ${header.trim()}`);
  if (fortranM[1] === 'True') fail(`${file}: Fortran-order arrays are not supported`);
  const descr = descrM[1];
  const order = descr[0];
  const kind = descr.slice(1);
  if (!(kind in DTYPES)) fail(`${file}: unsupported dtype '${descr}'`);
  if (order === '>' && kind !== 'i1' && kind !== 'u1' && kind !== 'b1') {
    fail(`${file}: big-endian dtype '${descr}' is not supported`);
  }
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const Arr = DTYPES[kind].array;
  const start = offset + headerLen;
  const nbytes = count * Arr.BYTES_PER_ELEMENT;
  if (buf.length - start < nbytes) fail(`${file}: truncated data (${buf.length - start} < ${nbytes} bytes)`);
  // Copy into a fresh, aligned buffer: typed arrays need offsets aligned to their element size.
  const data = new Arr(count);
  new Uint8Array(data.buffer).set(buf.subarray(start, start + nbytes));
  return {descr: kind, shape, data};
}

// Serialize {descr, shape, data} as .npy version 1.0 (header padded to 64 bytes).
function writeNpy(file, kind, shape, data) {
  const order = kind === 'i1' || kind === 'u1' || kind === 'b1' ? '|' : '<';
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${order}${kind}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.writeUInt8(0x93, 0);
  pre.write('NUMPY', 1, 'latin1');
  pre.writeUInt8(1, 6);
  pre.writeUInt8(0, 7);
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

function parseArgs(argv) {
  const args = {model: null, inputs: [], outputDir: null, modules: null, threads: 1};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = () => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (flag === '--input') args.inputs.push(value());
    else if (flag === '--output-dir') args.outputDir = value();
    else if (flag === '--modules') args.modules = value();
    else if (flag === '--threads') args.threads = Number(value());
    else if (flag === '-h' || flag === '--help') {
      process.stdout.write('usage: node ort_run.js MODEL.onnx --input NAME=x.npy ... --output-dir DIR ' +
                           '[--modules DIR] [--threads N]\n');
      process.exit(0);
    } else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else if (args.model === null) args.model = a;
    else fail(`unexpected argument ${a}`);
  }
  if (!args.model) fail('no model given');
  if (!args.outputDir) fail('--output-dir is required');
  if (args.inputs.some((v) => v === undefined)) fail('--input needs a value');
  if (!(args.threads >= 1)) fail('--threads must be >= 1');
  return args;
}

function loadOrt(modulesDir) {
  const id = 'onnxruntime-node';
  try {
    return modulesDir ? require(path.resolve(modulesDir, id)) : require(id);
  } catch (e) {
    fail(`cannot load ${id}${modulesDir ? ` from ${modulesDir}` : ' (set NODE_PATH or pass --modules DIR)'}: ` +
         e.message.split('\n')[0]);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOrt(args.modules);
  // Optimizations off, so ORT evaluates the graph as written, op by op. At its
  // default level ORT rewrites QuantizeLinear/DequantizeLinear (QDQ) patterns
  // into its own integer kernels (QLinearMatMul, MatMulIntegerToFloat, ...), which
  // requantize and round differently from the float graph (ORT 1.30, measured on
  // a small Q->DQ->MatMul->Q->DQ graph: one output off by a whole output step,
  // 6.7e-2 of max|y|; without the output Q, ~4e-7 relative everywhere). It also
  // fuses Gemm/MatMul+Add, Erf-GELU and LayerNorm patterns. The BitNet exports in
  // examples/ have no QDQ and measured bit-identical at every level, but the
  // tests must not depend on which fusions a given ORT version does.
  // One thread keeps the order of float reductions the same from run to run.
  const session = await ort.InferenceSession.create(args.model, {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });

  const feeds = {};
  for (const spec of args.inputs) {
    const eq = spec.indexOf('=');
    let name;
    let file;
    if (eq > 0) {
      name = spec.slice(0, eq);
      file = spec.slice(eq + 1);
    } else if (session.inputNames.length === 1) {
      name = session.inputNames[0];
      file = spec;
    } else {
      fail(`--input ${spec}: the model has ${session.inputNames.length} inputs, use NAME=FILE`);
    }
    if (!session.inputNames.includes(name)) {
      fail(`--input ${name}: no such model input (inputs: ${session.inputNames.join(', ')})`);
    }
    const {descr, shape, data} = readNpy(file);
    feeds[name] = new ort.Tensor(DTYPES[descr].ort, data, shape);
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) fail(`missing inputs: ${missing.join(', ')}`);

  const results = await session.run(feeds);
  fs.mkdirSync(args.outputDir, {recursive: true});
  for (const name of session.outputNames) {
    const t = results[name];
    const kind = ORT_TO_DESCR[t.type];
    if (!kind) fail(`output ${name}: unsupported tensor type ${t.type}`);
    if (/[\/\\]|^\.\.?$/.test(name)) fail(`output name ${JSON.stringify(name)} is not a file name`);
    const file = path.join(args.outputDir, `${name}.npy`);
    writeNpy(file, kind, t.dims, t.data);
    process.stdout.write(`${name} ${t.type}[${t.dims.join(',')}] -> ${file}\n`);
  }
}

if (require.main === module) {
  main().catch((e) => fail(e && e.message ? e.message : String(e)));
}

// For drivers that run several steps in one session (test/e2e/hf/Inputs/ort_decode.js).
module.exports = {DTYPES, ORT_TO_DESCR, fail, readNpy, writeNpy, loadOrt};
