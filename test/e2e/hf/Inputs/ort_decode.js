#!/usr/bin/env node
// Prefill and KV-cache decode of an exported decoder with onnxruntime-node,
// in one session (one process instead of one per step).
//
//   node ort_decode.js MODEL.onnx --modules DIR --layers L --kv-heads K --head-dim D
//        --ids ids.npy --mask mask.npy --positions pos.npy [--feed feed.npy]
//        --output-dir OUT
//
// The prompt (ids, mask, positions: int64 [batch, seq], left padded) runs
// with empty past_key_values.* [batch, K, 0, D]; then for each column t of
// feed (int64 [batch, N], teacher forcing) one decode step: input_ids
// feed[:, t], attention_mask the previous one plus a column of ones,
// position_ids one past each row's last, and present.* fed back as
// past_key_values.*. Writes OUT/prefill_logits.npy [batch, seq, vocab],
// OUT/step_logits.npy [N, batch, vocab] and the last present.* as .npy.
// Session options as ort_run.js (optimizations off, one thread).

'use strict';

const fs = require('fs');
const path = require('path');
const {fail, readNpy, writeNpy, loadOrt} = require('../../tools/ort_run.js');

function parseArgs(argv) {
  const args = {model: null, modules: null, outputDir: null, feed: null};
  const numbers = {'--layers': 'layers', '--kv-heads': 'kvHeads', '--head-dim': 'headDim'};
  const files = {'--ids': 'ids', '--mask': 'mask', '--positions': 'positions', '--feed': 'feed'};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a in numbers) args[numbers[a]] = Number(value());
    else if (a in files) args[files[a]] = value();
    else if (a === '--modules') args.modules = value();
    else if (a === '--output-dir') args.outputDir = value();
    else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else if (args.model === null) args.model = a;
    else fail(`unexpected argument ${a}`);
  }
  for (const key of ['model', 'outputDir', 'ids', 'mask', 'positions', 'layers', 'kvHeads', 'headDim']) {
    if (args[key] === null || args[key] === undefined || Number.isNaN(args[key])) fail(`missing ${key}`);
  }
  return args;
}

function int64Tensor(ort, values, shape) {
  return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), shape);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOrt(args.modules);
  const session = await ort.InferenceSession.create(args.model, {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  const ids = readNpy(args.ids);
  const mask = readNpy(args.mask);
  const positions = readNpy(args.positions);
  const [batch, seq] = ids.shape;
  const feeds = {
    input_ids: new ort.Tensor('int64', ids.data, ids.shape),
    attention_mask: new ort.Tensor('int64', mask.data, mask.shape),
    position_ids: new ort.Tensor('int64', positions.data, positions.shape),
  };
  const cacheNames = [];
  for (let i = 0; i < args.layers; i++) {
    for (const kind of ['key', 'value']) {
      cacheNames.push([`past_key_values.${i}.${kind}`, `present.${i}.${kind}`]);
      feeds[`past_key_values.${i}.${kind}`] =
          new ort.Tensor('float32', new Float32Array(0), [batch, args.kvHeads, 0, args.headDim]);
    }
  }
  fs.mkdirSync(args.outputDir, {recursive: true});
  let results = await session.run(feeds);
  const logits = results.logits;
  writeNpy(path.join(args.outputDir, 'prefill_logits.npy'), 'f4', logits.dims, logits.data);

  if (args.feed) {
    const feed = readNpy(args.feed);
    const steps = feed.shape[1];
    const vocab = logits.dims[2];
    const stepLogits = new Float32Array(steps * batch * vocab);
    let maskValues = Array.from(mask.data, Number);
    let width = seq;
    const next = [];
    for (let b = 0; b < batch; b++) {
      let last = 0;
      for (let s = 0; s < seq; s++) last = Math.max(last, Number(positions.data[b * seq + s]));
      next.push(last + 1);
    }
    for (let t = 0; t < steps; t++) {
      const grown = [];
      for (let b = 0; b < batch; b++) {
        grown.push(...maskValues.slice(b * width, (b + 1) * width), 1);
      }
      maskValues = grown;
      width += 1;
      const step = {
        input_ids: int64Tensor(ort, Array.from({length: batch}, (_, b) => feed.data[b * steps + t]), [batch, 1]),
        attention_mask: int64Tensor(ort, maskValues, [batch, width]),
        position_ids: int64Tensor(ort, next.map((p) => p + t), [batch, 1]),
      };
      for (const [past, present] of cacheNames) step[past] = results[present];
      results = await session.run(step);
      const out = results.logits;
      if (out.dims.join(',') !== [batch, 1, vocab].join(',')) fail(`step ${t}: logits ${out.dims}`);
      stepLogits.set(out.data, t * batch * vocab);
    }
    writeNpy(path.join(args.outputDir, 'step_logits.npy'), 'f4', [steps, batch, vocab], stepLogits);
  }
  for (const [, present] of cacheNames) {
    const t = results[present];
    writeNpy(path.join(args.outputDir, `${present}.npy`), 'f4', t.dims, t.data);
  }
}

main().catch((e) => fail(e && e.message ? e.message : String(e)));
