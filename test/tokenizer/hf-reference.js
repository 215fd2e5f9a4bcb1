// The oracle of the tokenizer tests: Hugging Face tokenizers (npm
// "tokenizers", its Rust core through the native binding) with the command
// line and output of bitnet-tokenize, so that the two outputs are compared
// byte for byte.
//
// usage: node hf-reference.js --modules NODE_MODULES TOKENIZER.json
//                             [--bos] [--decode] [--each-line]
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let modules = null, file = null, bos = false, decode = false, eachLine = false;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--modules') modules = args[++i];
  else if (args[i] === '--bos') bos = true;
  else if (args[i] === '--decode') decode = true;
  else if (args[i] === '--each-line') eachLine = true;
  else file = args[i];
}
if (!modules || !file) {
  console.error('usage: hf-reference.js --modules DIR TOKENIZER.json [--bos] [--decode] [--each-line]');
  process.exit(2);
}
const { Tokenizer } = require(path.resolve(modules, 'tokenizers'));

async function run(tok, input) {
  if (decode) {
    const ids = input.trim() === '' ? [] : input.split(',').map((s) => Number(s.trim()));
    return tok.decode(ids, false);
  }
  const encoding = await tok.encode(input, null, { addSpecialTokens: bos });
  return encoding.getIds().join(',');
}

(async () => {
  const tok = Tokenizer.fromFile(file);
  const input = fs.readFileSync(0, 'utf8');
  let out = '';
  if (eachLine) {
    const lines = input.split('\n');
    if (input === '' || input.endsWith('\n')) lines.pop();
    for (const line of lines) out += (await run(tok, line)) + '\n';
  } else {
    out = await run(tok, input);
    if (!decode) out += '\n';
  }
  process.stdout.write(out);
})().catch((e) => {
  console.error('hf-reference.js: ' + (e && e.message ? e.message : e));
  process.exit(1);
});
