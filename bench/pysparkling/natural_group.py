"""The group cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>"."""
import sys
import time

import pysparkling

start = time.perf_counter()
sc = pysparkling.Context()
by_initial = (sc.textFile(sys.argv[1])
              .flatMap(lambda line: line.lower().split())
              .map(lambda w: w.strip('.,'))
              .keyBy(lambda w: w[:1])
              .groupByKey()
              .mapValues(lambda ws: len(set(ws)))
              .sortByKey(True)
              .collect())
(first, n_first), (last, n_last) = by_initial[0], by_initial[-1]
result = f'{len(by_initial)} initials, {first}: {n_first} distinct words, {last}: {n_last}'
print(f'{time.perf_counter() - start:.3f}\t{result}')
