/* C API checks of bitnet/tokenizer.h that the command line cannot make:
 * NULL arguments, out_ parameters on failure, the id queries, freeing NULL,
 * and encoding from two threads at once with one tokenizer.
 *
 * usage: bitnet-tokenizer-test TOKENIZER.json TEXT_FILE
 * Prints one line per check; exits 1 at the first failure. */
#include "bitnet/tokenizer.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "FAILED %s:%d: %s (message: %s)\n", __FILE__, __LINE__, \
              #cond, bitnet_status_message());                                 \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc((size_t)size + 1);
  CHECK(data && fread(data, 1, (size_t)size, f) == (size_t)size);
  fclose(f);
  *len = (size_t)size;
  return data;
}

typedef struct job {
  const bitnet_tokenizer *tok;
  const char *text;
  size_t len;
  int32_t *ids;
  size_t count;
  bitnet_status status;
} job;

static void *encode_job(void *arg) {
  job *j = arg;
  j->status = bitnet_tokenizer_encode(j->tok, j->text, j->len, 0, &j->ids,
                                      &j->count);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: bitnet-tokenizer-test TOKENIZER.json TEXT\n");
    return 2;
  }
  bitnet_tokenizer *tok = (bitnet_tokenizer *)1;
  CHECK(bitnet_tokenizer_load(NULL, &tok) == BITNET_ERR_ARGUMENT);
  CHECK(tok == NULL);
  printf("load NULL: %s\n", bitnet_status_message());
  CHECK(bitnet_tokenizer_load("/nonexistent/tokenizer.json", &tok) ==
        BITNET_ERR_IO);
  CHECK(tok == NULL);
  printf("load missing: %s\n", bitnet_status_message());
  CHECK(bitnet_tokenizer_load(argv[1], &tok) == BITNET_OK && tok);

  printf("vocab_size %d bos %d eos %d eot %d\n",
         (int)bitnet_tokenizer_vocab_size(tok), (int)bitnet_tokenizer_bos_id(tok),
         (int)bitnet_tokenizer_eos_id(tok),
         (int)bitnet_tokenizer_token_id(tok, "<|eot_id|>"));
  printf("token_id Hello %d, missing %d, NULL %d\n",
         (int)bitnet_tokenizer_token_id(tok, "Hello"),
         (int)bitnet_tokenizer_token_id(tok, "no such token"),
         (int)bitnet_tokenizer_token_id(tok, NULL));
  CHECK(bitnet_tokenizer_vocab_size(NULL) == 0);
  CHECK(bitnet_tokenizer_bos_id(NULL) == -1);

  int32_t *ids = (int32_t *)1;
  size_t count = 7;
  CHECK(bitnet_tokenizer_encode(tok, NULL, 3, 0, &ids, &count) ==
        BITNET_ERR_ARGUMENT);
  CHECK(ids == NULL && count == 0);
  /* Empty text: a valid empty result, still freeable. */
  CHECK(bitnet_tokenizer_encode(tok, NULL, 0, 0, &ids, &count) == BITNET_OK);
  CHECK(ids != NULL && count == 0);
  bitnet_tokenizer_free_ids(ids);
  CHECK(bitnet_tokenizer_encode(tok, "a\xff", 2, 0, &ids, &count) ==
        BITNET_ERR_ARGUMENT);
  CHECK(ids == NULL && count == 0);
  printf("encode invalid UTF-8: %s\n", bitnet_status_message());
  /* NUL bytes are text. */
  CHECK(bitnet_tokenizer_encode(tok, "a\0b", 3, 1, &ids, &count) == BITNET_OK);
  printf("encode a NUL b with BOS:");
  for (size_t i = 0; i < count; ++i)
    printf(" %d", (int)ids[i]);
  printf("\n");

  char *text = (char *)1;
  size_t len = 9;
  CHECK(bitnet_tokenizer_decode(tok, ids, count, &text, &len) == BITNET_OK);
  CHECK(len == 20 && text[len] == '\0');
  CHECK(memcmp(text, "<|begin_of_text|>a\0b", 20) == 0);
  bitnet_tokenizer_free_text(text);
  bitnet_tokenizer_free_ids(ids);
  int32_t bad[] = {9906, 128256};
  CHECK(bitnet_tokenizer_decode(tok, bad, 2, &text, &len) ==
        BITNET_ERR_ARGUMENT);
  CHECK(text == NULL && len == 0);
  printf("decode out of range: %s\n", bitnet_status_message());
  CHECK(bitnet_tokenizer_decode(tok, NULL, 1, &text, &len) ==
        BITNET_ERR_ARGUMENT);
  CHECK(bitnet_tokenizer_decode(tok, NULL, 0, &text, &len) == BITNET_OK);
  CHECK(len == 0 && text && text[0] == '\0');
  bitnet_tokenizer_free_text(text);

  /* Two threads, one tokenizer (its word cache is shared): same ids as one
   * thread alone. */
  size_t text_len;
  char *corpus = read_file(argv[2], &text_len);
  job jobs[3];
  for (int i = 0; i < 3; ++i)
    jobs[i] = (job){tok, corpus, text_len, NULL, 0, BITNET_OK};
  encode_job(&jobs[0]);
  pthread_t threads[2];
  for (int i = 0; i < 2; ++i)
    CHECK(pthread_create(&threads[i], NULL, encode_job, &jobs[i + 1]) == 0);
  for (int i = 0; i < 2; ++i)
    CHECK(pthread_join(threads[i], NULL) == 0);
  for (int i = 0; i < 3; ++i)
    CHECK(jobs[i].status == BITNET_OK);
  for (int i = 1; i < 3; ++i) {
    CHECK(jobs[i].count == jobs[0].count);
    CHECK(memcmp(jobs[i].ids, jobs[0].ids, jobs[0].count * sizeof(int32_t)) ==
          0);
  }
  printf("threads: %zu ids each, identical\n", jobs[0].count);
  for (int i = 0; i < 3; ++i)
    bitnet_tokenizer_free_ids(jobs[i].ids);
  free(corpus);

  bitnet_tokenizer_free(tok);
  bitnet_tokenizer_free(NULL);
  bitnet_tokenizer_free_ids(NULL);
  bitnet_tokenizer_free_text(NULL);
  printf("all passed\n");
  return failures;
}
