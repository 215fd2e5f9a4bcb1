/* CPU features (the bits of bitnet_exec_env.cpu_features) and core count. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* XCR0: which register state the OS saves on context switches. */
static uint64_t read_xcr0(void) {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((uint64_t)edx << 32) | eax;
}

static uint64_t probe(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d))
    return 0;
  uint64_t f = 0;
  int sse42 = (c >> 20) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
  int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (sse42)
    f |= BITNET_CPU_X86_SSE42;
  uint64_t xcr0 = osxsave ? read_xcr0() : 0;
  int ymm_ok = (xcr0 & 0x6) == 0x6;           /* XMM and YMM state */
  int zmm_ok = ymm_ok && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16 */
  if (ymm_ok && avx && f16c)
    f |= BITNET_CPU_X86_F16C;
  if (__get_cpuid_max(0, NULL) < 7)
    return f;
  __cpuid_count(7, 0, a, b, c, d);
  int avx2 = (b >> 5) & 1, bmi2 = (b >> 8) & 1;
  int avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1;
  int avx512cd = (b >> 28) & 1, avx512bw = (b >> 30) & 1;
  int avx512vl = (b >> 31) & 1, vbmi = (c >> 1) & 1, vbmi2 = (c >> 6) & 1;
  int vnni = (c >> 11) & 1;
  if (ymm_ok && avx && avx2 && fma && bmi2 && f16c)
    f |= BITNET_CPU_X86_AVX2;
  int avx512 = zmm_ok && avx512f && avx512dq && avx512cd && avx512bw &&
               avx512vl && (f & BITNET_CPU_X86_AVX2);
  if (avx512)
    f |= BITNET_CPU_X86_AVX512;
  if (avx512 && vnni)
    f |= BITNET_CPU_X86_AVX512VNNI;
  if (avx512 && vbmi && vbmi2)
    f |= BITNET_CPU_X86_AVX512VBMI;
  __cpuid_count(7, 1, a, b, c, d);
  if (avx512 && ((a >> 5) & 1))
    f |= BITNET_CPU_X86_AVX512BF16;
  if ((f & BITNET_CPU_X86_AVX2) && ((a >> 4) & 1))
    f |= BITNET_CPU_X86_AVXVNNI;
  return f;
}
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>

static uint64_t probe(void) {
  unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  uint64_t f = 0;
  if (hw & HWCAP_ASIMD)
    f |= BITNET_CPU_ARM_NEON;
  if (hw & HWCAP_ASIMDDP)
    f |= BITNET_CPU_ARM_DOTPROD;
  if (hw & HWCAP_ASIMDHP)
    f |= BITNET_CPU_ARM_FP16;
#ifdef HWCAP2_I8MM
  if (hw2 & HWCAP2_I8MM)
    f |= BITNET_CPU_ARM_I8MM;
#endif
#ifdef HWCAP2_BF16
  if (hw2 & HWCAP2_BF16)
    f |= BITNET_CPU_ARM_BF16;
#endif
  (void)hw2;
  return f;
}
#else
static uint64_t probe(void) { return 0; }
#endif

uint64_t bitnet_cpu_features(void) { return probe(); }

static const struct {
  uint64_t bit;
  const char *name;
} feature_names[] = {
    {BITNET_CPU_X86_SSE42, "sse4.2"},
    {BITNET_CPU_X86_AVX2, "avx2"},
    {BITNET_CPU_X86_AVX512, "avx512"},
    {BITNET_CPU_X86_AVX512VNNI, "avx512vnni"},
    {BITNET_CPU_X86_AVX512VBMI, "avx512vbmi"},
    {BITNET_CPU_X86_AVX512BF16, "avx512bf16"},
    {BITNET_CPU_X86_AVXVNNI, "avxvnni"},
    {BITNET_CPU_X86_F16C, "f16c"},
    {BITNET_CPU_ARM_NEON, "neon"},
    {BITNET_CPU_ARM_DOTPROD, "dotprod"},
    {BITNET_CPU_ARM_I8MM, "i8mm"},
    {BITNET_CPU_ARM_FP16, "fp16"},
    {BITNET_CPU_ARM_BF16, "bf16"},
};

void bitnet_cpu_features_string(uint64_t features, char *buf, size_t size) {
  if (!buf || size == 0)
    return;
  buf[0] = '\0';
  size_t used = 0;
  for (size_t i = 0; i < sizeof feature_names / sizeof feature_names[0]; ++i) {
    if (!(features & feature_names[i].bit))
      continue;
    int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "",
                     feature_names[i].name);
    if (n < 0 || (size_t)n >= size - used)
      return;
    used += (size_t)n;
  }
}

int32_t bitnet_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n >= 1 && n < (1 << 20) ? (int32_t)n : 1;
}
