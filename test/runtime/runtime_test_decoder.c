/* The decoder against fake_decoder.c: prefill of prompts of different
 * lengths, greedy steps up to max_seq, the in-place cache contract (the
 * model sees one buffer with the capacity strides, which never moves) and
 * the copying path giving identical logits, batch against alone, threads,
 * shared sessions, and every error with its message. */
#include "fake_decoder.h"
#include "runtime_test.h"

#include <stdio.h>
#include <string.h>

/* The fake's rule: next = sum of t * (p + 1) over the sequence, mod 11. */
static int32_t rule_next(const int32_t *tokens, int64_t n) {
  int64_t sum = 0;
  for (int64_t p = 0; p < n; ++p)
    sum += (int64_t)tokens[p] * (p + 1);
  return (int32_t)(sum % FAKE_DECODER_VOCAB);
}

static int32_t argmax(const float *logits) {
  int32_t best = 0;
  for (int32_t v = 1; v < FAKE_DECODER_VOCAB; ++v)
    if (logits[v] > logits[best])
      best = v;
  return best;
}

static bitnet_decoder *make(const bitnet_model_info *m, int32_t batch,
                            int32_t seq, int32_t threads) {
  bitnet_decoder_options o;
  bitnet_decoder_options_init(&o);
  o.max_batch = batch;
  o.max_seq = seq;
  o.num_threads = threads;
  bitnet_decoder *d = NULL;
  if (bitnet_decoder_create(m, &o, &d) != BITNET_OK)
    printf("  decoder_create: %s\n", bitnet_status_message());
  return d;
}

enum { BATCH = 3, MAX_SEQ = 12, LOGITS_CAP = BATCH * MAX_SEQ * 11 };
static const int32_t prompt0[] = {3, 1, 4, 1}, prompt1[] = {5},
                     prompt2[] = {9, 2, 6, 5, 3, 5};
static const int32_t *const prompts[BATCH] = {prompt0, prompt1, prompt2};
static const int32_t lengths[BATCH] = {4, 1, 6};

/* Everything one greedy run produced: the sequences and each call's
 * logits. */
typedef struct trace {
  int32_t seq[BATCH][MAX_SEQ];
  int64_t len[BATCH];
  float logits[MAX_SEQ][LOGITS_CAP];
  size_t logits_count[MAX_SEQ];
  int calls;
  bool rule_ok, pointer_fixed, in_place_seen;
} trace;

static void record_logits(const bitnet_decoder *d, trace *t) {
  bitnet_tensor view;
  if (bitnet_decoder_logits(d, &view) != BITNET_OK)
    return;
  size_t n = (size_t)bitnet_tensor_numel(&view);
  memcpy(t->logits[t->calls], view.data, n * sizeof(float));
  t->logits_count[t->calls++] = n;
}

/* Prefill `batch` of the prompts (starting at `first`) and step greedily
 * until the cache is full; checks every next token against the rule. */
static bitnet_status greedy(bitnet_decoder *d, int first, int32_t batch,
                            trace *t) {
  memset(t, 0, sizeof *t);
  t->rule_ok = t->pointer_fixed = true;
  bitnet_status s = bitnet_decoder_prefill(d, batch, prompts + first,
                                           lengths + first);
  const void *buffer = fake_decoder_last.present0;
  t->in_place_seen = fake_decoder_last.in_place;
  for (int32_t b = 0; b < batch; ++b) {
    memcpy(t->seq[b], prompts[first + b], sizeof(int32_t) * lengths[first + b]);
    t->len[b] = lengths[first + b];
  }
  while (s == BITNET_OK) {
    record_logits(d, t);
    int32_t next[BATCH];
    for (int32_t b = 0; b < batch; ++b) {
      next[b] = argmax(bitnet_decoder_next_logits(d, b));
      t->rule_ok &= next[b] == rule_next(t->seq[b], t->len[b]) &&
                    bitnet_decoder_position(d, b) == t->len[b];
    }
    if (bitnet_decoder_length(d) == bitnet_decoder_max_seq(d))
      break;
    s = bitnet_decoder_step(d, next);
    t->pointer_fixed &= !t->in_place_seen ||
                        fake_decoder_last.present0 == buffer;
    for (int32_t b = 0; b < batch && s == BITNET_OK; ++b)
      t->seq[b][t->len[b]++] = next[b];
  }
  return s;
}

static bool same_logits(const trace *a, const trace *b) {
  if (a->calls != b->calls)
    return false;
  for (int c = 0; c < a->calls; ++c)
    if (a->logits_count[c] != b->logits_count[c] ||
        memcmp(a->logits[c], b->logits[c],
               a->logits_count[c] * sizeof(float)) != 0)
      return false;
  return true;
}

static trace in_place_run, copy_run, alone_run;

static void test_greedy(void) {
  bitnet_decoder *d = make(&fake_decoder_in_place, BATCH, MAX_SEQ, 2);
  check(d && bitnet_decoder_in_place(d) == 1 &&
            bitnet_decoder_num_layers(d) == 2 &&
            bitnet_decoder_vocab_size(d) == 11 &&
            bitnet_decoder_cache_bytes(d) == 4u * BATCH * 2 * MAX_SEQ * 3 * 4,
        "in-place decoder: 2 layers, vocab 11, a cache of 4 x 3 x 2 x 12 x 3"
        " floats");
  if (!d)
    return;
  bitnet_status s = greedy(d, 0, BATCH, &in_place_run);
  check(s == BITNET_OK && in_place_run.rule_ok && in_place_run.calls == 7,
        "prompts of 4, 1, 6 tokens, left-padded: prefill and 6 greedy steps"
        " follow the rule, positions per sequence");
  check(in_place_run.in_place_seen && in_place_run.pointer_fixed,
        "  ... the model got pre-filled present descriptors (capacity strides"
        " checked by the model) and the buffer never moved");
  check(fake_decoder_last.in_place && fake_decoder_last.past == 11 &&
            fake_decoder_last.seq == 1,
        "  ... the last step appended slot 11 in place");
  int32_t tokens[BATCH] = {1, 2, 3};
  check_status(bitnet_decoder_step(d, tokens), BITNET_ERR_STATE,
               "the cache is full: 12 tokens per sequence already (max_seq"
               " 12)", "step past max_seq");
  check(bitnet_decoder_batch(d) == BATCH && bitnet_decoder_length(d) == 12,
        "  ... and the sequences are kept");
  bitnet_tensor view;
  check(bitnet_decoder_logits(d, &view) == BITNET_OK && view.rank == 3 &&
            view.shape[0] == BATCH && view.shape[1] == 1 &&
            view.shape[2] == 11,
        "logits view of a step: [3, 1, 11]");
  bitnet_decoder_reset(d);
  check(bitnet_decoder_batch(d) == 0 && bitnet_decoder_position(d, 0) == -1 &&
            bitnet_decoder_next_logits(d, 0) == NULL,
        "reset: no sequences, no logits");
  check_status(bitnet_decoder_step(d, tokens), BITNET_ERR_STATE,
               "no sequences (call bitnet_decoder_prefill first)",
               "step after reset");
  check_status(bitnet_decoder_logits(d, &view), BITNET_ERR_STATE, "no logits",
               "logits after reset");
  bitnet_decoder_destroy(d);

  d = make(&fake_decoder_copying, BATCH, MAX_SEQ, 1);
  s = d ? greedy(d, 0, BATCH, &copy_run) : BITNET_ERR_ARGUMENT;
  check(s == BITNET_OK && copy_run.rule_ok && !copy_run.in_place_seen &&
            bitnet_decoder_in_place(d) == 0 &&
            same_logits(&in_place_run, &copy_run),
        "copying decoder (no caches listed): the same logits, bit for bit");
  bitnet_decoder_destroy(d);

  d = make(&fake_decoder_in_place, 1, MAX_SEQ, 3);
  s = d ? greedy(d, 2, 1, &alone_run) : BITNET_ERR_ARGUMENT;
  bool same = s == BITNET_OK && alone_run.len[0] == in_place_run.len[2] &&
              memcmp(alone_run.seq[0], in_place_run.seq[2],
                     sizeof alone_run.seq[0]) == 0;
  check(same && fake_decoder_last.num_threads == 3,
        "the 6-token prompt alone (3 threads): the same tokens as in the"
        " batch");
  bitnet_decoder_destroy(d);
}

static void test_call_errors(void) {
  bitnet_decoder *d = make(&fake_decoder_in_place, 2, 8, 1);
  if (!d)
    return;
  const int32_t *two[2] = {prompt0, prompt1};
  int32_t lens[2] = {4, 1};
  check(bitnet_decoder_prefill(d, 2, two, lens) == BITNET_OK,
        "prefill for the error checks");
  const int32_t *three[3] = {prompt0, prompt1, prompt2};
  check_status(bitnet_decoder_prefill(d, 3, three, lengths),
               BITNET_ERR_ARGUMENT, "batch 3 outside 1..2",
               "batch > max_batch");
  int32_t zero[2] = {4, 0};
  check_status(bitnet_decoder_prefill(d, 2, two, zero), BITNET_ERR_ARGUMENT,
               "prompt 1 is empty", "empty prompt");
  int32_t bad_tokens[] = {1, 11};
  const int32_t *bad[2] = {prompt0, bad_tokens};
  int32_t bad_lens[2] = {4, 2};
  check_status(bitnet_decoder_prefill(d, 2, bad, bad_lens),
               BITNET_ERR_ARGUMENT,
               "token 1 of prompt 1 is 11, outside the vocabulary [0, 11)",
               "prompt token out of range");
  int32_t long_prompt[9] = {0};
  const int32_t *longer[1] = {long_prompt};
  int32_t nine = 9;
  check_status(bitnet_decoder_prefill(d, 1, longer, &nine), BITNET_ERR_STATE,
               "a prompt of 9 tokens exceeds the cache (max_seq 8)",
               "prompt longer than max_seq");
  int32_t step_bad[2] = {2, -1};
  check_status(bitnet_decoder_step(d, step_bad), BITNET_ERR_ARGUMENT,
               "the token of sequence 1 is -1", "step token out of range");
  check(bitnet_decoder_batch(d) == 2 && bitnet_decoder_length(d) == 4 &&
            bitnet_decoder_next_logits(d, 1) != NULL,
        "argument and state errors leave the sequences as they were");
  check_status(bitnet_decoder_prefill(d, 1, NULL, lens), BITNET_ERR_ARGUMENT,
               "NULL argument", "prefill: NULL prompts");
  bitnet_decoder_destroy(d);
  bitnet_decoder_destroy(NULL);
  bitnet_decoder_reset(NULL);
}

/* Wrappers around the fake that break the in-place contract or fail. */
static int break_size, fail_call;
static int32_t breaking_invoke(void **d, const bitnet_exec_env *env) {
  if (fail_call)
    return 3;
  int32_t status = fake_decoder_in_place.invoke(d, env);
  if (break_size) /* present.1.value keeps the capacity as its size */
    ((int64_t *)((char *)d[7 + 4] + 2 * sizeof(void *) + 8))[2] = 12;
  return status;
}

static void test_contract(void) {
  bitnet_model_info m = fake_decoder_in_place;
  m.invoke = breaking_invoke;
  bitnet_decoder *d = make(&m, 1, 12, 1);
  if (!d)
    return;
  break_size = 1;
  check_status(bitnet_decoder_prefill(d, 1, prompts, lengths), BITNET_ERR_ABI,
               "output 'present.1.value': an in-place cache must keep its"
               " buffer and strides and set dimension 2 to 4",
               "a model that does not set the cache's size");
  check(bitnet_decoder_batch(d) == 0, "  ... the decoder is reset");
  break_size = 0;
  fail_call = 1;
  check_status(bitnet_decoder_prefill(d, 1, prompts, lengths),
               BITNET_ERR_CHECK, "model 'fake_decoder': bad call",
               "a failed check in the model: its message");
  fail_call = 0;
  check(bitnet_decoder_prefill(d, 1, prompts, lengths) == BITNET_OK,
        "  ... and the next prefill works");
  bitnet_decoder_destroy(d);
}

/* bitnet_model_run on a model that lists caches: zeroed present
 * descriptors, so the model allocates them; the same logits as prefill. */
static void test_stateless_run(void) {
  int64_t ids_shape[2] = {1, 4}, past_shape[4] = {1, 2, 0, 3};
  bitnet_tensor in[7], out[5];
  memset(out, 0, sizeof out);
  int64_t ids[4] = {3, 1, 4, 1}, ones[4] = {1, 1, 1, 1}, pos[4] = {0, 1, 2, 3};
  int64_t *data[7] = {NULL, NULL, pos, ids, NULL, NULL, ones};
  for (int i = 0; i < 7; ++i) {
    bool cache = data[i] == NULL;
    bitnet_tensor_alloc(&in[i], cache ? BITNET_DTYPE_FLOAT : BITNET_DTYPE_INT64,
                        cache ? 4 : 2, cache ? past_shape : ids_shape);
    if (!cache)
      memcpy(in[i].data, data[i], sizeof ids);
  }
  bitnet_status s = bitnet_model_run(&fake_decoder_in_place, in, 7, out, 5);
  const float *logits = out[0].data;
  check(s == BITNET_OK && !fake_decoder_last.in_place && out[1].rank == 4 &&
            out[1].shape[2] == 4 &&
            memcmp(logits + 3 * 11, in_place_run.logits[0] + 5 * 11,
                   11 * sizeof(float)) == 0,
        "model_run on a model with caches: the model allocates the presents;"
        " logits as in the decoder");
  for (int i = 0; i < 7; ++i)
    bitnet_tensor_free(&in[i]);
  for (int i = 0; i < 5; ++i)
    bitnet_tensor_free(&out[i]);
}

static void test_sessions(void) {
  bitnet_session_options so;
  bitnet_session_options_init(&so);
  so.num_threads = 3;
  bitnet_session *session = NULL, *other = NULL;
  bitnet_session_create(&fake_decoder_in_place, &so, &session);
  bitnet_session_create(&fake_decoder_copying, &so, &other);
  bitnet_decoder_options o;
  bitnet_decoder_options_init(&o);
  check(o.max_batch == 1 && o.max_seq == 512 && !o.session,
        "decoder options: max_batch 1, max_seq 512 by default");
  o.session = session;
  bitnet_decoder *d = NULL;
  bitnet_status s = bitnet_decoder_create(&fake_decoder_in_place, &o, &d);
  s = s == BITNET_OK ? bitnet_decoder_prefill(d, 1, prompts, lengths) : s;
  check(s == BITNET_OK && bitnet_decoder_session(d) == session &&
            fake_decoder_last.num_threads == 3,
        "a decoder on a shared session runs on its pool (3 threads)");
  bitnet_decoder_destroy(d); /* leaves the session */
  o.num_threads = 0;
  o.session = other;
  check_status(bitnet_decoder_create(&fake_decoder_in_place, &o, &d),
               BITNET_ERR_ARGUMENT,
               "the session runs model 'fake_decoder_copying', not"
               " 'fake_decoder'", "a session of another model");
  bitnet_session_destroy(session);
  bitnet_session_destroy(other);
  o.session = NULL;
  o.max_seq = 0;
  check_status(bitnet_decoder_create(&fake_decoder_in_place, &o, &d),
               BITNET_ERR_ARGUMENT, "max_seq (0) must be >= 1",
               "max_seq 0");
  check(d == NULL, "  ... and no decoder");
  d = make(&fake_decoder_in_place, 1, 8, 1);
  s = d ? bitnet_session_set_threads(bitnet_decoder_session(d), 2)
        : BITNET_ERR_ARGUMENT;
  s = s == BITNET_OK ? bitnet_decoder_prefill(d, 1, prompts, lengths) : s;
  check(s == BITNET_OK && fake_decoder_last.num_threads == 2,
        "session_set_threads on the decoder's own session: 2 threads");
  bitnet_decoder_destroy(d);
}

/* Models that are not decoders, each told apart by its message. */
static void expect_interface_error(const bitnet_model_info *m,
                                   bitnet_status want, const char *needle,
                                   const char *what) {
  bitnet_decoder *d = (bitnet_decoder *)1;
  check_status(bitnet_decoder_create(m, NULL, &d), want, needle, what);
  if (d)
    bitnet_decoder_destroy(d);
}

static void test_interface_errors(void) {
  const bitnet_model_info *base = &fake_decoder_in_place;
  bitnet_tensor_info in[7], out[5];
  memcpy(in, base->inputs, sizeof in);
  memcpy(out, base->outputs, sizeof out);
  bitnet_model_info m = *base;
  m.inputs = in;
  m.outputs = out;

  in[2].name = "positions";
  expect_interface_error(&m, BITNET_ERR_ARGUMENT,
                         "model 'fake_decoder' has no input 'position_ids': a"
                         " decoder takes input_ids", "no position_ids");
  in[2] = base->inputs[2];
  in[6].dtype = BITNET_DTYPE_FLOAT;
  expect_interface_error(&m, BITNET_ERR_DTYPE,
                         "input 'attention_mask': a decoder needs int64 of"
                         " rank 2, got float32 of rank 2", "float mask");
  in[6] = base->inputs[6];
  static const int64_t dyn_head[] = {-1, 2, -1, -1};
  static const int64_t fixed_seq[] = {-1, 2, 5, 3};
  in[4].shape = dyn_head;
  expect_interface_error(&m, BITNET_ERR_SHAPE,
                         "input 'past_key_values.0.key' dimension 3 (head_dim)"
                         " is dynamic", "dynamic head_dim");
  in[4] = base->inputs[4];
  out[3].shape = fixed_seq;
  expect_interface_error(&m, BITNET_ERR_SHAPE,
                         "output 'present.1.key' dimension 2 (total_seq) is"
                         " static (5)", "static total_seq");
  out[3] = base->outputs[3];
  static const int64_t dyn_vocab[] = {-1, -1, -1};
  out[0].shape = dyn_vocab;
  expect_interface_error(&m, BITNET_ERR_SHAPE,
                         "output 'logits' dimension 2 (vocab) is dynamic",
                         "dynamic vocab");
  static const int64_t static_seq[] = {-1, 1, 11};
  out[0].shape = static_seq;
  expect_interface_error(&m, BITNET_ERR_SHAPE,
                         "output 'logits' dimension 1 (seq) is static (1)",
                         "static seq");
  out[0] = base->outputs[0];
  in[0].name = "past_key_values.1.keys";
  expect_interface_error(&m, BITNET_ERR_ARGUMENT,
                         "input 'past_key_values.1.keys' is not part of the"
                         " decoder interface", "an input of another name");
  in[0] = base->inputs[0];
  out[4].name = "present.1.values";
  expect_interface_error(&m, BITNET_ERR_ARGUMENT,
                         "has no output 'present.1.value'", "no present");
  out[4] = base->outputs[4];
  bitnet_cache_info caches[4];
  memcpy(caches, base->caches, sizeof caches);
  m.caches = caches;
  caches[1].axis = 3;
  expect_interface_error(&m, BITNET_ERR_ABI,
                         "cache 1 ('past_key_values.0.value' ->"
                         " 'present.0.value', axis 3) is not a decoder cache",
                         "a cache along another axis");
  caches[1].axis = 2;
  caches[0].output = 2;
  expect_interface_error(&m, BITNET_ERR_ABI,
                         "cache 0 ('past_key_values.0.key' ->"
                         " 'present.0.value', axis 2)",
                         "a cache paired with another present");
  check_status(bitnet_decoder_create(base, NULL, NULL), BITNET_ERR_ARGUMENT,
               "out_decoder is NULL", "decoder_create: NULL out_decoder");
}

void test_decoder(void) {
  test_greedy();
  test_call_errors();
  test_contract();
  test_stateless_run();
  test_sessions();
  test_interface_errors();
}
