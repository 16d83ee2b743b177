"""The struct cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>"."""
import sys
import time
from dataclasses import dataclass

import pysparkling


@dataclass
class WordInfo:
    word: str
    vowels: int


@dataclass
class LengthStats:
    words: int
    vowels: int


def info(w):
    w = w.strip('.,').lower()
    return WordInfo(w, sum(1 for c in w if c in 'aeiou'))


start = time.perf_counter()
sc = pysparkling.Context()
by_length = (sc.textFile(sys.argv[1])
             .flatMap(lambda line: line.split())
             .map(info)
             .filter(lambda i: i.vowels > 0)
             .map(lambda i: (len(i.word), LengthStats(1, i.vowels)))
             .reduceByKey(lambda a, b: LengthStats(a.words + b.words, a.vowels + b.vowels))
             .sortByKey(True)
             .collect())
length, stats = by_length[-1]
result = f'{len(by_length)} lengths, {length} letters: {stats.words} words, {stats.vowels} vowels'
print(f'{time.perf_counter() - start:.3f}\t{result}')
