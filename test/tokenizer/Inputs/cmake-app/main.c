/* Encodes argv[2] with the tokenizer.json argv[1] and decodes it back. */
#include <bitnet/tokenizer.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  bitnet_tokenizer *tok;
  if (bitnet_tokenizer_load(argv[1], &tok) != BITNET_OK) {
    fprintf(stderr, "tokenizer_app: %s\n", bitnet_status_message());
    return 1;
  }
  int32_t *ids;
  size_t count;
  char *text;
  size_t len;
  if (bitnet_tokenizer_encode(tok, argv[2], strlen(argv[2]), 1, &ids,
                              &count) != BITNET_OK ||
      bitnet_tokenizer_decode(tok, ids, count, &text, &len) != BITNET_OK) {
    fprintf(stderr, "tokenizer_app: %s\n", bitnet_status_message());
    return 1;
  }
  for (size_t i = 0; i < count; ++i)
    printf("%s%d", i ? "," : "", (int)ids[i]);
  printf("\n%s\n", text);
  bitnet_tokenizer_free_text(text);
  bitnet_tokenizer_free_ids(ids);
  bitnet_tokenizer_free(tok);
  return 0;
}
