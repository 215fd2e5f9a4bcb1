/* Loading a model from a shared library that exports bitnet_model_query. */
#include "internal.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

struct bitnet_library {
  void *handle;
  const bitnet_model_info *model;
};

static const char *dl_message(void) {
  const char *e = dlerror();
  return e ? e : "unknown dlerror";
}

bitnet_status bitnet_library_open(const char *path, bitnet_library **out_lib) {
  if (!out_lib)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "library_open: out_lib is NULL");
  *out_lib = NULL;
  if (!path)
    return bitnet_fail(BITNET_ERR_ARGUMENT, "library_open: path is NULL");
  /* RTLD_LOCAL: two models may define the same internal symbols.
   * RTLD_NOW: a missing symbol fails here, not in the middle of a run. */
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return bitnet_fail(BITNET_ERR_LIBRARY, "cannot load '%s': %s", path,
                       dl_message());
  dlerror(); /* clear, so a NULL symbol value is told apart from an error */
  void *sym = dlsym(handle, "bitnet_model_query");
  if (!sym) {
    bitnet_fail(BITNET_ERR_LIBRARY,
                "'%s' is not a bitnet model library: no bitnet_model_query"
                " (%s)", path, dl_message());
    dlclose(handle);
    return BITNET_ERR_LIBRARY;
  }
  /* POSIX guarantees object and function pointers convert; memcpy keeps
   * ISO C pedantic mode quiet about the cast. */
  bitnet_model_query_fn query;
  memcpy(&query, &sym, sizeof query);
  const bitnet_model_info *model = query();
  if (!model) {
    dlclose(handle);
    return bitnet_fail(BITNET_ERR_LIBRARY,
                       "'%s': bitnet_model_query returned NULL", path);
  }
  bitnet_status s = bitnet_model_validate(model);
  if (s != BITNET_OK) {
    /* Prefix the library path: the validator only knows the model name. */
    char msg[768];
    strncpy(msg, bitnet_status_message(), sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    dlclose(handle);
    return bitnet_fail(s, "'%s': %s", path, msg);
  }
  bitnet_library *lib = malloc(sizeof *lib);
  if (!lib) {
    dlclose(handle);
    return bitnet_fail(BITNET_ERR_MEMORY, "library_open: out of memory");
  }
  lib->handle = handle;
  lib->model = model;
  *out_lib = lib;
  return BITNET_OK;
}

const bitnet_model_info *bitnet_library_model(const bitnet_library *lib) {
  return lib ? lib->model : NULL;
}

void bitnet_library_close(bitnet_library *lib) {
  if (!lib)
    return;
  dlclose(lib->handle);
  free(lib);
}
