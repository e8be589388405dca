"""Writes: a deterministic, national-scale synthetic data set for benchmarks and load tests.

    python manage.py generate_synthetic --towns 38000 --elements 30 --year 2025 --seed 1

builds 31 provinces, 340 cities, 2,850 districts and 38,000 towns (the national shape of
DOMAIN.md), 30 data elements entered by towns, with their rules and indicators, the four
quarters of the year, one approved submission per town and quarter and one value per submission
and element: 38,000 × 4 × 30 = 4.56 million values. Smaller ``towns`` scale the tree down in
proportion (or pass ``provinces`` / ``cities`` / ``districts`` explicitly).

Code scheme (``Region.code`` is at most 12 characters; synthetic codes start with "X", which no
GB/T 2260 or NBS code does, so they never collide with the real reference regions):

    level  level_name  code          digits                         name
    1      省          X01           province 01-99                 合成省01
    2      市          X0103         + city within province 01-99   合成市0103
    3      区          X010307       + district within city 01-99   合成区010307
    4      镇          X010307012    + town within district 001-999 合成镇010307012

``path`` is materialised exactly as ``Region.save()`` computes it (the parent's path, the code,
"/"): "X01/X0103/X010307/X010307012/" (29 characters). The whole data set is therefore
``Region.objects.filter(path__startswith="X")``; ``synthetic_regions_root_codes()`` lists its
provinces. Sizes are uneven and deterministic from the seed: province weights are log-normal,
cities, districts and towns are apportioned by weight (every node has at least one child).

Data elements: ``syn_01`` … ``syn_NN`` in group "合成数据", entered by towns (entry_level 4),
``applies_to`` empty. About two thirds are pairs (sampled SUM count, qualified SUM count) with a
rule qualified ≤ sampled and a ratio indicator (×100, %); a few are LAST stocks with a value
indicator; the last two are a survey's respondents (SUM count) and its score (weighted AVERAGE
over time and regions, percent 0-100, weighted by the respondents) with a value indicator.
Indicators are ``syn_ind_01`` … in the same order. The elements are inactive: generated, never
entered, they appear in no entry form, template or completeness count of real regions, while
the roll-up aggregates their values like any other.

Values follow the hard rules: counts are non-negative integers, qualified ≤ sampled, stocks never
decrease from one quarter to the next, scores lie in 0-100 with one decimal. Submissions are
approved, version 1, submitted and decided inside their quarter's entry window, by nobody.

Speed: numpy generates everything, vectorised, from ``numpy.random.default_rng`` streams spawned
from the seed (the tree, the figures and the timestamps have their own stream, so the values do
not depend on database ids). Rows are written in bulk: COPY … FROM STDIN (CSV) on PostgreSQL,
chunked ``executemany`` on SQLite, all inside one transaction: either the whole data set is
there or none of it. Values are streamed in chunks so memory stays bounded.

Safety: an existing synthetic data set is refused unless ``replace=True``, which first deletes
the previous one (values and submissions of synthetic regions in one statement each, then rows
of other tables that cascade from synthetic regions, submissions, elements or indicators, then
the elements, indicators and regions). Rows outside the data set that point at it and would be
lost or orphaned (a user of a synthetic town, a target measured by a synthetic indicator, a
value of a synthetic element in a real submission) make it refuse instead. Real rows are never
touched. Periods are shared and kept.
"""

from assessments.devdata.synthetic.cleanup import delete_existing
from assessments.devdata.synthetic.common import (
    DEFAULT_CHUNK_ROWS,
    MAX_CHILDREN,
    NATIONAL,
    SyntheticDataError,
    SyntheticDataExists,
)
from assessments.devdata.synthetic.elements import plan_elements
from assessments.devdata.synthetic.finding import (
    exists,
    is_synthetic_code,
    synthetic_elements,
    synthetic_indicators,
    synthetic_regions,
    synthetic_regions_root_codes,
    synthetic_submissions,
)
from assessments.devdata.synthetic.generate import Summary, generate
from assessments.devdata.synthetic.tree import Shape, build_tree, default_shape

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "MAX_CHILDREN",
    "NATIONAL",
    "Shape",
    "Summary",
    "SyntheticDataError",
    "SyntheticDataExists",
    "build_tree",
    "default_shape",
    "delete_existing",
    "exists",
    "generate",
    "is_synthetic_code",
    "plan_elements",
    "synthetic_elements",
    "synthetic_indicators",
    "synthetic_regions",
    "synthetic_regions_root_codes",
    "synthetic_submissions",
]
