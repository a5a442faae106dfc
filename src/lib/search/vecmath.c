/* vecmath.c - the arithmetic of dense retrieval, free of the store: float32 dot products and normalisation, and
 * int8 quantisation with a per-vector scale and its int32-accumulated dot product (SIMD through GCC's vector
 * extensions). */
#include "search.h"

#include <math.h>
#include <string.h>

typedef float v8f __attribute__((vector_size(32)));

/* x86-64: a baseline build and one for x86-64-v3 (AVX2, FMA), chosen at load time by the CPU (GCC's ifunc);
 * not under the sanitizers, whose run-time is not ready when ifunc resolvers run. */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define VEC_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define VEC_CLONES
#endif

VEC_CLONES float search_dot(const float *a, const float *b, int dim)
{
    v8f acc = {0};
    int i = 0;
    for (; i + 8 <= dim; i += 8) {
        v8f x, y;
        memcpy(&x, a + i, sizeof x);
        memcpy(&y, b + i, sizeof y);
        acc += x * y;
    }
    float sum = 0;
    for (int j = 0; j < 8; j++)
        sum += acc[j];
    for (; i < dim; i++)
        sum += a[i] * b[i];
    return sum;
}

void search_normalize(float *v, int dim)
{
    double n = 0;
    for (int i = 0; i < dim; i++)
        n += (double)v[i] * v[i];
    if (n <= 0)
        return;
    float inv = (float)(1.0 / sqrt(n));
    for (int i = 0; i < dim; i++)
        v[i] *= inv;
}

float search_quantize_i8(const float *v, int dim, int8_t *out)
{
    float m = 0;
    for (int i = 0; i < dim; i++)
        m = fmaxf(m, fabsf(v[i]));
    float scale = m > 0 ? m / 127.0f : 1.0f;
    float inv = 1.0f / scale;
    for (int i = 0; i < dim; i++) {
        long r = lrintf(v[i] * inv);
        out[i] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
    }
    return scale;
}

/* A plain loop that GCC vectorises at O3 (pmaddwd, AVX2 on x86-64-v3): faster than spelling the vectors out. */
VEC_CLONES __attribute__((optimize("O3"))) int32_t search_dot_i8(const int8_t *a, const int8_t *b, int dim)
{
    int32_t sum = 0;
    for (int i = 0; i < dim; i++)
        sum += (int16_t)a[i] * (int16_t)b[i];
    return sum;
}
