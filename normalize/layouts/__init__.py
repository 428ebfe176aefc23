"""One module per report layout: NAME, score(signature) → int (0: not mine) and read(reading).

The order breaks ties (with an `ambiguous_layout` warning).
"""

from jixiao.normalize.layouts import dept_overall, hebei, national

LAYOUTS = [hebei, national, dept_overall]
