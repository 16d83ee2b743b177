"""The threshold cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>"."""
import sys
import time

import pysparkling

start = time.perf_counter()
sc = pysparkling.Context()
min_letters = 4
long = (sc.textFile(sys.argv[1])
        .flatMap(lambda line: line.split())
        .map(lambda w: w.strip('.,'))
        .filter(lambda w: len(w) >= min_letters))
result = f'{long.count()} words of {min_letters} letters or more, the first {long.first()}'
print(f'{time.perf_counter() - start:.3f}\t{result}')
