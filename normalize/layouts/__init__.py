"""One module per report layout; each has NAME, detect(document) and normalize(document)."""

from normalize.layouts import hebei

LAYOUTS = [hebei]
