"""The stdlib cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>"."""
import sys
import time

import pysparkling

start = time.perf_counter()
sc = pysparkling.Context()
words = (sc.textFile(sys.argv[1])
         .map(lambda line: line.lower().removesuffix('.'))
         .flatMap(lambda line: line.split(' '))
         .map(lambda w: w.rstrip(','))
         .filter(lambda w: any(c in w for c in 'xyz'))
         .distinct()
         .cache())
result = f'{words.count()} distinct words with x, y or z, the greatest {words.reduce(max)}'  # pysparkling's max() is numeric only
print(f'{time.perf_counter() - start:.3f}\t{result}')
