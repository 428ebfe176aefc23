"""One module per report layout; each has NAME, detect(document) and normalize(document, report)."""

from normalize.layouts import hebei

LAYOUTS = [hebei]
