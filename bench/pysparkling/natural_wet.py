"""The wet cell of bench/natural.go in pysparkling: prints "<seconds>\t<result>".

pysparkling reads no WARC files: a small reader of gzipped WET files does, one
file a partition.
"""
import gzip
import re
import sys
import time

import pysparkling

LETTERS = re.compile(r'[^\W\d_]+')


def wet_records(path):
    """Yields the (headers, text) of each record of a .warc.wet.gz file."""
    with gzip.open(path, 'rb') as f:
        while True:
            line = f.readline()
            if not line:
                return
            if not line.strip():
                continue
            headers = {}
            for line in iter(f.readline, b'\r\n'):
                name, _, value = line.decode('utf-8').partition(':')
                headers[name.strip()] = value.strip()
            body = f.read(int(headers['Content-Length']))
            yield headers, body.decode('utf-8', errors='replace')


def words_by_language(record):
    headers, text = record
    lang = headers.get('WARC-Identified-Content-Language', '').split(',')[0]
    return [(lang + ' ' + w, 1) for w in LETTERS.findall(text.lower())]


start = time.perf_counter()
sc = pysparkling.Context()
files = sys.argv[1:]
counts = (sc.parallelize(files, len(files))
          .flatMap(wet_records)
          .filter(lambda r: r[0].get('WARC-Type') == 'conversion')
          .flatMap(words_by_language)
          .reduceByKey(lambda a, b: a + b))
top = counts.top(3, key=lambda p: p[1])
result = f'{counts.count()} language-word pairs, the most frequent ' + ', '.join(f'{k} {n}' for k, n in top)
print(f'{time.perf_counter() - start:.3f}\t{result}')
