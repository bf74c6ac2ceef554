/*
 * graph_components.c -- the connected components of the graph of a
 * compressed sparse matrix (an edge i - j for every stored entry of major
 * line i at minor index j), by union-find with union by size and path
 * halving (Tarjan, "Efficiency of a good but not linear set union
 * algorithm", J. ACM 22, 1975): one pass over the entries, nearly linear.
 * eigsh splits a reducible matrix into its diagonal blocks with these
 * labels (src/eigkit/_linalg/connected_components.py); the structure has
 * been checked (sparse_structure.c), so indices lie in range.
 */
#include "krylov/sparse_operator.h"

/* The root of i's set, halving the path on the way. */
static int find_root(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* Join the sets of i and j, the smaller under the larger. */
static void join(int *parent, int *size, int i, int j)
{
    int a = find_root(parent, i), b = find_root(parent, j);
    if (a == b)
        return;
    if (size[a] < size[b]) {
        int t = a;
        a = b;
        b = t;
    }
    parent[b] = a;
    size[a] += size[b];
}

#define JOIN_ENTRIES(itype)                                                   \
    static void join_##itype(const ek_compressed *a, int *parent, int *size) \
    {                                                                         \
        const itype *ptr = a->ptr, *idx = a->idx;                             \
        for (int i = 0; i < a->nmajor; i++)                                   \
            for (itype p = ptr[i]; p < ptr[i + 1]; p++)                       \
                join(parent, size, i, (int)idx[p]);                           \
    }

JOIN_ENTRIES(int32_t)
JOIN_ENTRIES(int64_t)

int ek_graph_components(const ek_compressed *a, int *labels, int *work)
{
    int n = a->nmajor, *size = work;
    for (int i = 0; i < n; i++) {
        labels[i] = i;
        size[i] = 1;
    }
    if (a->wide_index)
        join_int64_t(a, labels, size);
    else
        join_int32_t(a, labels, size);
    /* Point every vertex at its root; then, scanning the vertices in
     * order, number each root when its component first appears (size[] is
     * free now and holds the roots' numbers, -1 until numbered). */
    for (int i = 0; i < n; i++)
        labels[i] = find_root(labels, i);
    for (int i = 0; i < n; i++)
        size[i] = -1;
    int count = 0;
    for (int i = 0; i < n; i++) {
        int root = labels[i];
        if (size[root] < 0)
            size[root] = count++;
        labels[i] = size[root];
    }
    return count;
}
