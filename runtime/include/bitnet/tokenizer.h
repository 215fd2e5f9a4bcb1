/* bitnet/tokenizer.h - Hugging Face tokenizer.json (byte-level BPE) in C.
 *
 * Encodes text to token ids and decodes ids to text with the tokenizer.json
 * of a Hugging Face checkpoint (Llama 3, BitNet b1.58 2B-4T), giving the ids
 * that Hugging Face tokenizers gives. Static library bitnet_tokenizer (C++17
 * inside, a C interface), CMake target BitnetMLIR::tokenizer; it links
 * bitnet_runtime for bitnet_status and bitnet_status_message().
 * docs/tokenizer.md lists the supported components.
 *
 * Conventions are runtime.h's: fallible calls return bitnet_status and set
 * the thread's message (bitnet_status_message()); results come back through
 * out_ parameters, which are NULL/0 on failure; each function says who frees
 * what.
 *
 * Thread safety: a loaded tokenizer is immutable apart from an internal,
 * locked cache, so any number of threads may encode and decode with the same
 * tokenizer at once. bitnet_tokenizer_free must not race with other calls.
 */
#ifndef BITNET_TOKENIZER_H
#define BITNET_TOKENIZER_H

#include "bitnet/runtime.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bitnet_tokenizer bitnet_tokenizer; /* opaque */

/* Reads a tokenizer.json. Errors: BITNET_ERR_IO (cannot open or read the
 * file), BITNET_ERR_FORMAT (invalid JSON, a missing or mistyped field, a
 * component this library does not implement: the message names the file,
 * the JSON path and the component), BITNET_ERR_MEMORY. Ownership: release
 * *out_tokenizer with bitnet_tokenizer_free; on failure it is NULL. */
bitnet_status bitnet_tokenizer_load(const char *path,
                                    bitnet_tokenizer **out_tokenizer);

/* Releases a tokenizer; NULL is a no-op. */
void bitnet_tokenizer_free(bitnet_tokenizer *tokenizer);

/* Encodes `len` bytes of UTF-8 text (NUL bytes are text like any other).
 * Added tokens written in the text ("<|eot_id|>") become their ids, as in
 * Hugging Face tokenizers. With add_bos != 0 the post-processor's template
 * is applied (Hugging Face's add_special_tokens=True: for Llama 3 and 2B-4T,
 * the BOS id first); a file without a template gets
 * bitnet_tokenizer_bos_id() prepended, and BITNET_ERR_ARGUMENT if it has
 * none. Errors: BITNET_ERR_ARGUMENT (NULL pointers; text that is not valid
 * UTF-8, with the byte offset), BITNET_ERR_CHECK (a pattern match exceeded
 * PCRE2's limits), BITNET_ERR_MEMORY.
 * Ownership: *out_ids is allocated by the library (non-NULL even for zero
 * ids) and released with bitnet_tokenizer_free_ids; on failure *out_ids is
 * NULL and *out_count 0. `text` is only read. */
bitnet_status bitnet_tokenizer_encode(const bitnet_tokenizer *tokenizer,
                                      const char *text, size_t len,
                                      int add_bos, int32_t **out_ids,
                                      size_t *out_count);

/* Releases ids from bitnet_tokenizer_encode; NULL is a no-op. */
void bitnet_tokenizer_free_ids(int32_t *ids);

/* Decodes `count` ids to text as Hugging Face's decode(ids,
 * skip_special_tokens=False) does: special tokens are kept, and byte
 * sequences that are not valid UTF-8 (a multi-byte character cut between
 * ids) become U+FFFD. Errors: BITNET_ERR_ARGUMENT (NULL pointers, an id
 * outside [0, vocab_size) or without a token, naming the id and its index),
 * BITNET_ERR_MEMORY. Ownership: *out_text is NUL-terminated (the NUL is not
 * counted in *out_len), allocated by the library and released with
 * bitnet_tokenizer_free_text; on failure it is NULL and *out_len 0. */
bitnet_status bitnet_tokenizer_decode(const bitnet_tokenizer *tokenizer,
                                      const int32_t *ids, size_t count,
                                      char **out_text, size_t *out_len);

/* Releases text from bitnet_tokenizer_decode; NULL is a no-op. */
void bitnet_tokenizer_free_text(char *text);

/* Id of a token given by its exact content ("<|eot_id|>", or a vocabulary
 * entry such as "Ġthe"); -1 if there is none or an argument is NULL. */
int32_t bitnet_tokenizer_token_id(const bitnet_tokenizer *tokenizer,
                                  const char *token);

/* The beginning-of-text id: the special token that the post-processor's
 * template puts before the text, else an added token named
 * <|begin_of_text|>, <s>, <bos> or <|startoftext|>; -1 if none (or NULL). */
int32_t bitnet_tokenizer_bos_id(const bitnet_tokenizer *tokenizer);

/* The end-of-text id: the special token that the template puts after the
 * text, else an added token named <|end_of_text|>, </s>, <eos> or
 * <|endoftext|>; -1 if none (or NULL). Chat models also end a turn with
 * <|eot_id|>: ask bitnet_tokenizer_token_id for it. */
int32_t bitnet_tokenizer_eos_id(const bitnet_tokenizer *tokenizer);

/* Number of ids: the largest id of the vocabulary and the added tokens plus
 * one (128256 for Llama 3 and 2B-4T), the embedding's row count; 0 for
 * NULL. */
int32_t bitnet_tokenizer_vocab_size(const bitnet_tokenizer *tokenizer);

#ifdef __cplusplus
}
#endif

#endif /* BITNET_TOKENIZER_H */
