/*
 * target_clones.h -- when a kernel may be compiled several times for
 * x86-64 instruction sets and the best copy chosen at load time.
 *
 * GCC (>= 6) builds such clones from one function with the target_clones
 * attribute; the copy is picked by an ifunc resolver, which needs an ELF
 * platform (Linux): Mach-O and PE have no ifuncs, and other architectures
 * have no x86 instruction sets.  clang (14) accepts the attribute but
 * gives the resolver of a static function external linkage, so the same
 * static kernel compiled once per precision (S, D, C, Z) no longer links.
 * Everywhere else, and in the portable build (EK_PORTABLE), the macros
 * below are empty and the kernels are compiled once for the target's
 * baseline, where GCC/clang vector extensions still map to its vector
 * unit (SSE2 on x86-64, NEON on arm64) and the plain loops are left to
 * the auto-vectorizer.
 *
 *   EK_CLONES_AVX512   AVX-512F, AVX2, FMA and the baseline
 *   EK_CLONES_V4       x86-64-v4 (AVX-512 with VL: 32 registers of 32 bytes),
 *                      AVX2, FMA and the baseline
 *   EK_CLONES_AVX2     AVX2, FMA and the baseline
 *   EK_CLONES_V3       x86-64-v3 (AVX2 with FMA: the "avx2" clone above has
 *                      no FMA), AVX2 and the baseline; GCC 11 and later,
 *                      EK_CLONES_AVX2 with older ones
 *   EK_HAVE_CLONES     1 when the macros above produce clones, 0 otherwise
 *
 * Each string names one clone: GCC splits every string at its commas, so
 * "avx2,fma" would also mean two clones (an AVX2 one and an FMA one).
 */
#ifndef EK_TARGET_CLONES_H
#define EK_TARGET_CLONES_H

#if defined(__x86_64__) && defined(__ELF__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(EK_PORTABLE) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define EK_HAVE_CLONES 1
#endif
#endif

#if defined(EK_HAVE_CLONES)
#define EK_CLONES_AVX512 __attribute__((target_clones("avx512f", "avx2", "fma", "default")))
#define EK_CLONES_V4 __attribute__((target_clones("arch=x86-64-v4", "avx2", "fma", "default")))
#define EK_CLONES_AVX2 __attribute__((target_clones("avx2", "fma", "default")))
#if __GNUC__ >= 11
#define EK_CLONES_V3 __attribute__((target_clones("arch=x86-64-v3", "avx2", "default")))
#else
#define EK_CLONES_V3 EK_CLONES_AVX2
#endif
#else
#define EK_HAVE_CLONES 0
#define EK_CLONES_AVX512
#define EK_CLONES_V4
#define EK_CLONES_AVX2
#define EK_CLONES_V3
#endif

#endif
