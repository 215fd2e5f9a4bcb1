/* generate_example: greedy generation with the decoder compiled into this
 * program by bitnet_add_model() (CMakeLists.txt), on the runtime's decoder
 * API: the KV cache is allocated once, for the prompt and the new tokens.
 *
 *   generate_example N 128000,791,6864         prints N generated ids
 *   generate_example N --text TOKENIZER.json "The capital of"
 *                                              prints the generated text
 *
 * On any error prints the runtime's message and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitnet/runtime.h"
#include "bitnet/tokenizer.h"
#include "lm.h" /* generated: bitnet_lm_model */

static int fail(const char *what) {
  fprintf(stderr, "generate_example: %s: %s\n", what, bitnet_status_message());
  return 1;
}

/* "1,2,3" into ids (at most `cap`); the count, or -1. */
static int32_t parse_ids(const char *text, int32_t *ids, int32_t cap) {
  int32_t n = 0;
  for (const char *p = text; *p && n < cap;) {
    char *end;
    long id = strtol(p, &end, 10);
    if (end == p || id < 0 || (*end && *end != ','))
      return -1;
    ids[n++] = (int32_t)id;
    p = *end ? end + 1 : end;
  }
  return n;
}

static int32_t argmax(const float *logits, int64_t vocab) {
  int64_t best = 0;
  for (int64_t v = 1; v < vocab; ++v)
    if (logits[v] > logits[best])
      best = v;
  return (int32_t)best;
}

/* Prefill `prompt`, then n - 1 steps: n greedy ids into out. */
static int generate(const int32_t *prompt, int32_t len, int32_t n,
                    int32_t *out) {
  bitnet_decoder_options options;
  bitnet_decoder_options_init(&options);
  options.max_seq = len + (n > 0 ? n - 1 : 0); /* the whole cache, once */
  bitnet_decoder *decoder;
  if (bitnet_decoder_create(&bitnet_lm_model, &options, &decoder) != BITNET_OK)
    return fail("creating the decoder");
  int rc = 0;
  if (bitnet_decoder_prefill(decoder, 1, &prompt, &len) != BITNET_OK)
    rc = fail("prefill");
  int64_t vocab = bitnet_decoder_vocab_size(decoder);
  for (int32_t t = 0; t < n && !rc; ++t) {
    out[t] = argmax(bitnet_decoder_next_logits(decoder, 0), vocab);
    if (t + 1 < n && bitnet_decoder_step(decoder, &out[t]) != BITNET_OK)
      rc = fail("decode step");
  }
  bitnet_decoder_destroy(decoder);
  return rc;
}

int main(int argc, char **argv) {
  int text_mode = argc == 5 && strcmp(argv[2], "--text") == 0;
  int32_t n = argc >= 3 ? atoi(argv[1]) : -1;
  if ((argc != 3 && !text_mode) || n < 0) {
    fprintf(stderr, "usage: %s N IDS | %s N --text TOKENIZER.json PROMPT\n",
            argv[0], argv[0]);
    return 1;
  }
  bitnet_tokenizer *tok = NULL;
  int32_t *prompt = NULL, len = 0;
  size_t count = 0;
  if (text_mode) {
    if (bitnet_tokenizer_load(argv[3], &tok) != BITNET_OK ||
        bitnet_tokenizer_encode(tok, argv[4], strlen(argv[4]), 1, &prompt,
                                &count) != BITNET_OK) {
      bitnet_tokenizer_free(tok);
      return fail("tokenizer");
    }
    len = (int32_t)count;
  } else {
    prompt = malloc(strlen(argv[2]) * sizeof *prompt + sizeof *prompt);
    len = prompt ? parse_ids(argv[2], prompt, (int32_t)strlen(argv[2]) + 1)
                 : -1;
    if (len <= 0) {
      free(prompt);
      fprintf(stderr, "generate_example: bad prompt ids '%s'\n", argv[2]);
      return 1;
    }
  }
  int32_t *out = malloc(((size_t)n + 1) * sizeof *out);
  int rc = out ? generate(prompt, len, n, out) : 1;
  if (!rc && text_mode) {
    char *text;
    size_t text_len;
    if (bitnet_tokenizer_decode(tok, out, (size_t)n, &text, &text_len) !=
        BITNET_OK) {
      rc = fail("decoding");
    } else {
      fwrite(text, 1, text_len, stdout); /* the text may hold NUL bytes */
      printf("\n");
      bitnet_tokenizer_free_text(text);
    }
  } else if (!rc) {
    for (int32_t t = 0; t < n; ++t)
      printf("%s%d", t ? "," : "", (int)out[t]);
    printf("\n");
  }
  free(out);
  if (tok) {
    bitnet_tokenizer_free_ids(prompt);
    bitnet_tokenizer_free(tok);
  } else {
    free(prompt);
  }
  return rc;
}
