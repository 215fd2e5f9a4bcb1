/* bitnet-generate's command line (docs/generate.md). */
#ifndef BITNET_GENERATE_OPTIONS_H
#define BITNET_GENERATE_OPTIONS_H

#include "sampler.h"

#include <stdint.h>

typedef struct generate_options {
  const char *model;
  const char *tokenizer;
  const char **prompts;    /* --prompt texts, in order */
  const char **prompt_ids; /* --prompt-ids lists, in order */
  int num_prompts, num_prompt_ids;
  int64_t max_new_tokens; /* -1 until given */
  sampler_options sampling;
  int has_temperature, has_top_k, has_top_p;
  int32_t threads;  /* 0: the default (BITNET_THREADS, else the CPUs) */
  int64_t max_seq;  /* 0: what the prompts and max_new_tokens need */
  int64_t eos_id;   /* -1: the tokenizer's */
  int bos, stop_at_eos, stats;
  const char *prompt_logits_out, *logits_out;
} generate_options;

/* Prints "bitnet-generate: error: ..." to stderr; returns 1. */
int generate_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Returns 0 to go on, 1 after an error, 2 when --help or --version already
 * answered. o->prompts and o->prompt_ids are allocated: free them. */
int generate_parse_args(int argc, char **argv, generate_options *o);

/* Parses "1,2,3" (spaces allowed around ids) into *out_ids (malloc'd);
 * returns 0 and reports the problem otherwise. */
int generate_parse_ids(const char *text, int32_t **out_ids, int32_t *out_count);

#endif
