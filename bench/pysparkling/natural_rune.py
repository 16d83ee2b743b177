"""The rune cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>"."""
import re
import sys
import time

import pysparkling

LETTERS = re.compile(r'[^\W\d_]+')

start = time.perf_counter()
sc = pysparkling.Context()
counts = (sc.textFile(sys.argv[1])
          .flatMap(lambda line: LETTERS.findall(line.lower()))
          .filter(lambda w: len(w) >= 4)
          .map(lambda w: (w, 1))
          .reduceByKey(lambda a, b: a + b))
top = counts.top(20, key=lambda p: p[1])
result = f'{counts.count()} distinct words, the 20 most frequent seen {top[-1][1]} to {top[0][1]} times'
print(f'{time.perf_counter() - start:.3f}\t{result}')
