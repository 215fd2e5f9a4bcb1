/* bitnet/decoder.h - autoregressive decoding of a compiled decoder with a KV
 * cache that the runtime holds (docs/runtime.md, "Decoders").
 *
 * The model must have the interface bitnet-export-hf writes
 * (docs/hf-checkpoints.md): inputs input_ids [batch, seq] int64,
 * attention_mask [batch, total_seq] int64, position_ids [batch, seq] int64,
 * past_key_values.{i}.key / .value float32 [batch, kv_heads, past_seq,
 * head_dim] for i = 0..layers-1; outputs logits [batch, seq, vocab] float32
 * and present.{i}.key / .value float32 [batch, kv_heads, total_seq,
 * head_dim]. Tensors are found by name, in any order.
 *
 * The cache is allocated once, for max_batch x max_seq tokens, when the
 * decoder is created, and is never reallocated. A model that lists its
 * caches (bitnet_model_info.caches, docs/abi.md "Caches") appends the new
 * entries to it in place; for one that does not, the decoder passes the
 * cache as the past inputs and copies each present output back.
 *
 * Thread safety: one call at a time per decoder; decoders of one model (or
 * of different models) may run on different threads at once. */
#ifndef BITNET_DECODER_H
#define BITNET_DECODER_H

#include "bitnet/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bitnet_decoder bitnet_decoder; /* opaque */

typedef struct bitnet_decoder_options {
  /* Sequences decoded together (rows of the batch): >= 1. Default 1. */
  int32_t max_batch;
  /* Cache capacity in tokens per row: the longest prompt plus every decoded
   * step must fit (rows are left-padded to the longest prompt). >= 1.
   * Default 512. */
  int32_t max_seq;
  /* Threads of the decoder's own session: >= 1, or 0 for
   * bitnet_default_threads() (BITNET_THREADS, else the CPU count). Ignored
   * when `session` is set. */
  int32_t num_threads;
  /* A session of the same model to run on (its pool and state), which the
   * caller keeps and destroys after the decoder; or NULL for a session of
   * the decoder's own. */
  bitnet_session *session;
} bitnet_decoder_options;

/* Defaults: max_batch 1, max_seq 512, num_threads 0, session NULL. */
void bitnet_decoder_options_init(bitnet_decoder_options *options);

/* Checks that `model` has the decoder interface (each missing or mistyped
 * tensor is named: BITNET_ERR_ARGUMENT for a missing one, _DTYPE, _SHAPE
 * for a wrong rank or a dimension that must be static or dynamic), creates
 * or adopts the session and allocates the cache (BITNET_ERR_MEMORY).
 * `options` may be NULL (defaults). Ownership: destroy *out_decoder with
 * bitnet_decoder_destroy; the model (and a shared session) must outlive it.
 * On failure *out_decoder is NULL. */
bitnet_status bitnet_decoder_create(const bitnet_model_info *model,
                                    const bitnet_decoder_options *options,
                                    bitnet_decoder **out_decoder);
/* Frees the cache, the last logits and the decoder's own session. NULL is a
 * no-op. */
void bitnet_decoder_destroy(bitnet_decoder *decoder);

/* Starts `batch` new sequences (the decoder is reset first): prompt b is
 * prompts[b][0 .. lengths[b]). The rows are left-padded to the longest
 * prompt S: attention_mask 0 on padding, position_ids 0..lengths[b]-1 on
 * the real tokens. Runs the model once on [batch, S]; afterwards
 * bitnet_decoder_logits holds [batch, S, vocab] (row b's prompt in columns
 * S - lengths[b] .. S-1) and bitnet_decoder_next_logits(d, b) the logits
 * that follow prompt b.
 * Errors: BITNET_ERR_ARGUMENT (NULL pointers, batch outside 1..max_batch, a
 * length < 1, a token outside [0, vocab)), BITNET_ERR_STATE (S > max_seq),
 * then whatever the model returns (BITNET_ERR_CHECK, ...). Argument and
 * state errors leave the decoder as it was; a failed run resets it. */
bitnet_status bitnet_decoder_prefill(bitnet_decoder *decoder, int32_t batch,
                                     const int32_t *const *prompts,
                                     const int32_t *lengths);

/* Appends one token to each sequence (tokens[b] for b < batch) and runs the
 * model on [batch, 1]; logits become [batch, 1, vocab].
 * Errors: BITNET_ERR_STATE (no prefill since the last reset, or the cache
 * is full: bitnet_decoder_length == max_seq), BITNET_ERR_ARGUMENT (NULL
 * tokens, a token outside [0, vocab)), then the model's. As for prefill, a
 * failed run resets the decoder. */
bitnet_status bitnet_decoder_step(bitnet_decoder *decoder,
                                  const int32_t *tokens);

/* Forgets the sequences (batch 0, cache empty); the cache stays allocated.
 * NULL is a no-op. */
void bitnet_decoder_reset(bitnet_decoder *decoder);

/* Logits of the last prefill or step, float32 [batch, seq, vocab], as a
 * view: out_view->data belongs to the decoder and is valid until the next
 * prefill, step, reset or destroy (do not free it). BITNET_ERR_STATE when
 * there is none (out_view->data NULL). */
bitnet_status bitnet_decoder_logits(const bitnet_decoder *decoder,
                                    bitnet_tensor *out_view);
/* The vocab logits that predict the next token of `sequence` (the last
 * column of bitnet_decoder_logits); same lifetime. NULL for a bad index or
 * before a prefill. */
const float *bitnet_decoder_next_logits(const bitnet_decoder *decoder,
                                        int32_t sequence);

/* Rows of the current sequences; 0 before a prefill and after a reset. */
int32_t bitnet_decoder_batch(const bitnet_decoder *decoder);
/* Tokens of `sequence` in the cache, i.e. the position the next token of
 * that sequence gets; -1 for a bad index. */
int64_t bitnet_decoder_position(const bitnet_decoder *decoder,
                                int32_t sequence);
/* Cache slots in use per row: the longest prompt plus the steps since. */
int64_t bitnet_decoder_length(const bitnet_decoder *decoder);
int32_t bitnet_decoder_max_seq(const bitnet_decoder *decoder);
int32_t bitnet_decoder_max_batch(const bitnet_decoder *decoder);
/* Rows of the logits (the model's logits dimension 2). */
int64_t bitnet_decoder_vocab_size(const bitnet_decoder *decoder);
int32_t bitnet_decoder_num_layers(const bitnet_decoder *decoder);
/* Bytes of the cache (all layers, keys and values, max_batch x max_seq). */
size_t bitnet_decoder_cache_bytes(const bitnet_decoder *decoder);
/* 1 when the model extends every cache in place (it lists them in
 * bitnet_model_info.caches), 0 when the decoder copies present outputs
 * back. */
int bitnet_decoder_in_place(const bitnet_decoder *decoder);
/* The session the decoder runs on: bitnet_session_set_threads on it changes
 * the thread count (outputs never depend on it). */
bitnet_session *bitnet_decoder_session(const bitnet_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_DECODER_H */
