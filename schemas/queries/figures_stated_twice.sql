-- title: Figures stated twice with different values
-- description: Within one report, the same metric for the same subject and period appears with more
--   than one value (facts with a metric only). Each group lists the values and where they are, so an
--   auditor can tell a contradiction from two different things sharing a name. The checker's own
--   conflicting_values findings are in the mismatch list.
-- example: duckdb corpus.duckdb < schemas/queries/figures_stated_twice.sql
SELECT
    d.path,
    f.metric,
    f.subject,
    f.period,
    f.unit,
    count(DISTINCT f.value) AS distinct_values,
    list(f.value ORDER BY f.char_start) AS "values",
    list(f.quote ORDER BY f.char_start) AS quotes,
    list(f.char_start ORDER BY f.char_start) AS char_starts,
    list(DISTINCT s.path) AS sections
FROM facts f
JOIN documents d USING (doc_id)
LEFT JOIN sections s ON s.doc_id = f.doc_id AND s.section_id = f.section_id
WHERE f.metric IS NOT NULL
GROUP BY d.path, f.doc_id, f.metric, f.subject, f.period, f.unit
HAVING count(DISTINCT f.value) > 1
ORDER BY d.path, f.metric;
