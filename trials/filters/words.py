"""How common a full-text filter's words are, from PostgreSQL's own statistics of the
stored vectors (``pg_stats.most_common_elems``: the lexemes ANALYZE found most often, with
the share of trials holding each), so that a common word's sample is read row by row
instead of through its GIN index (``trials.filters.walk.sampled_reads``).

The planner has the same statistics but costs a GIN scan far below what decoding a common
word's postings takes: "breast cancer", 243,375 trials (40 %), with RECRUITING is a
``BitmapAnd`` whose GIN half alone takes 40 ms, where reading recruiting trials and
checking each stored vector stops after ~2,500 rows (3 ms).
"""

from django.db import connections

from trials.models import VECTORS, Trial

# A filter whose words are estimated in at least this share of trials is "common".
COMMON_SHARE = 0.1

_SQL = f"""
    WITH words AS (SELECT unnest(tsvector_to_array(to_tsvector('english', %s))) AS word)
    SELECT COALESCE(EXP(SUM(LN(m.share))), 0), COUNT(m.word), (SELECT COUNT(*) FROM words)
    FROM pg_stats s,
         unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS m(word, share)
    WHERE s.schemaname = current_schema() AND s.tablename = '{Trial._meta.db_table}'
      AND s.attname = %s AND m.word IN (SELECT word FROM words)
"""  # noqa: S608 (the table name is ours; the text and column are parameters)


def estimated_share(column: str, text: str, using: str = "default") -> float:
    """The estimated share of trials whose COLUMN matches every word of TEXT: the product
    of the words' shares (as the planner assumes, independent), 0 when a word is not
    among the most common ones (or there are no statistics yet, or not PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not text.strip():
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [text, VECTORS[column]])
        share, known, words = cursor.fetchone()
    return float(share) if words and known == words else 0.0


def is_common(column: str, text: str, using: str = "default") -> bool:
    return estimated_share(column, text, using) >= COMMON_SHARE
