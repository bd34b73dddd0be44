"""Python's garbage collector tuned for serving requests (config/wsgi.py; `make bench`
applies the same after Django's set-up, so that it measures what gunicorn serves).

A request leaves thousands of objects in reference cycles (the request, the view, the
serializers, the prefetched rows point at each other), freed only by the collector. With
Python's defaults (a young collection every 700 new containers) many of them are promoted
to the oldest generation while the request runs, and every few requests a full collection
walks the whole heap of the process (some 230,000 objects of Django, DRF and our modules):
0.3–0.9 s, the heavy tail of the API lists at network scale. So, once at start-up:

- `gc.freeze()` moves every object that exists then (modules, classes, URL patterns,
  templates) to a permanent generation that no collection walks again;
- the young generation is collected every 50,000 new containers instead of 700, so that a
  request's garbage usually dies young, before promotion; memory held between collections
  is a few megabytes.
"""

import gc

YOUNG_THRESHOLD = 50_000
OLDER_THRESHOLDS = (20, 10)


def tune() -> None:
    gc.collect()  # what start-up left behind, before it would be frozen
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
