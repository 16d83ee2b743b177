"""The shuffle workloads of bench/shuffles/main.go, run by pysparkling.

    PYTHONPATH=/path/to/pysparkling python3 bench/shuffles/shuffles.py WORKLOAD SCALE

prints "<wall seconds>\t<peak kB>\t<note>", as the Go children do. The
inputs are the same numbers as the Go rows': SCALE multiplies the sizes.
"""
import operator
import resource
import sys
import time

import pysparkling


def join(sc, s):
    left = sc.parallelize(range(2000000 * s // 10), 2).map(lambda x: (x, x))
    right = sc.parallelize(range(200000 * s // 10), 2).map(lambda x: (10 * x, x))
    return left.join(right).count(), "pairs joined"


def broadcast_join(sc, s):
    # PySpark's RDD API has no broadcast hint: a broadcast join is written
    # with a broadcast variable holding the small side as a dict of lists.
    left = sc.parallelize(range(2000000 * s // 10), 2).map(lambda x: (x, x))
    right = sc.parallelize(range(200000 * s // 10), 2).map(lambda x: (10 * x, x))
    table = {}
    for k, v in right.collect():
        table.setdefault(k, []).append(v)
    small = sc.broadcast(table)
    joined = left.flatMap(lambda kv: [(kv[0], (kv[1], w)) for w in small.value.get(kv[0], ())])
    return joined.count(), "pairs joined"


def group(sc, s):
    keys = 500000 * s // 10
    pairs = sc.parallelize(range(5000000 * s // 10), 2).map(lambda x: (x % keys, x))
    return pairs.groupByKey().count(), "keys"


def sort(sc, s):
    nums = sc.parallelize(range(5000000 * s // 10), 2).map(lambda x: (x * 2654435761) % 4294967296)
    return nums.sortBy(lambda x: x).count(), "numbers sorted"


def distinct(sc, s):
    n = 1000000 * s // 10
    nums = sc.parallelize(range(5000000 * s // 10), 2).map(lambda x: (x * 7919) % n)
    return nums.distinct().count(), "distinct numbers"


def reduce_strings(sc, s):
    keys = 100000 * s // 10
    pairs = sc.parallelize(range(5000000 * s // 10), 2).map(lambda x: ("k%d" % (x % keys), 1))
    return pairs.reduceByKey(operator.add).count(), "string keys"


WORKLOADS = {"join": join, "broadcastjoin": broadcast_join, "group": group, "sort": sort, "distinct": distinct, "reducestrings": reduce_strings}


def main():
    name, scale = sys.argv[1], int(sys.argv[2])
    sc = pysparkling.Context()
    start = time.perf_counter()
    n, what = WORKLOADS[name](sc, scale)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("%.3f\t%d\t%d %s" % (wall, peak, n, what))


if __name__ == "__main__":
    main()
