-- title: Same figure, different value in two reports
-- description: One unit's metric for one period as stated by different reports (e.g. a district's
--   own report and the province's summary of it) when the values differ by more than $tolerance.
--   Percentages are compared in points, counts and money as written.
-- param: tolerance = 0.0 | largest difference still taken as agreement
-- example: queries.run_named(con, "figures_differ_between_reports", tolerance=0.5)
WITH stated AS (
    SELECT
        f.metric, coalesce(f.subject, d.issuer) AS unit, f.period, f.value, f.quote, d.path, d.doc_id
    FROM facts f
    JOIN documents d USING (doc_id)
    WHERE f.metric IS NOT NULL AND f.period IS NOT NULL
)
SELECT
    a.metric, a.unit, a.period,
    a.value AS value_a, a.path AS report_a, a.quote AS quote_a,
    b.value AS value_b, b.path AS report_b, b.quote AS quote_b,
    round(abs(a.value - b.value), 4) AS difference
FROM stated a
JOIN stated b ON a.metric = b.metric AND a.unit = b.unit AND a.period = b.period AND a.doc_id < b.doc_id
WHERE abs(a.value - b.value) > $tolerance
ORDER BY difference DESC, a.metric, a.unit;
