"""One module per report layout; each has NAME, detect(document) and normalize(document, report)."""

from jixiao.normalize.layouts import hebei

LAYOUTS = [hebei]
