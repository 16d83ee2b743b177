"""The sortby cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>"."""
import sys
import time

import pysparkling

start = time.perf_counter()
sc = pysparkling.Context()
counts = (sc.textFile(sys.argv[1])
          .flatMap(lambda line: line.lower().split())
          .map(lambda w: (w.strip('.,'), 1))
          .reduceByKey(lambda a, b: a + b))
ranked = counts.sortBy(lambda p: p[1] * len(p[0]), ascending=False).take(3)
result = 'letters written most: ' + ', '.join(f'{w} {n}' for w, n in ranked)
print(f'{time.perf_counter() - start:.3f}\t{result}')
