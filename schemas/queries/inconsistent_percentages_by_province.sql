-- title: Inconsistent percentages by province
-- description: Percentages that do not follow from the figures next to them (a/b = p %, a part's share
--   of a total, shares of one whole adding to more or less than 100 %), counted per province and once per
--   report (a report stored as several files counts once). Dismissed mismatches are not counted.
-- example: duckdb corpus.duckdb < schemas/queries/inconsistent_percentages_by_province.sql
SELECT
    coalesce(d.province, '(không rõ / unknown)') AS province,
    count(DISTINCT d.doc_id) AS reports,
    count(*) AS percentages_checked,
    count(*) FILTER (WHERE c.status = 'mismatch' AND coalesce(lr.decision, '') <> 'dismissed')
        AS inconsistent,
    round(100.0 * count(*) FILTER (WHERE c.status = 'mismatch' AND coalesce(lr.decision, '') <> 'dismissed')
          / count(*), 1) AS inconsistent_pct,
    round(max(abs(c.stated - c.expected)) FILTER (WHERE c.status = 'mismatch'), 2) AS worst_gap_points
FROM checks c
JOIN documents d USING (doc_id)
JOIN report_primary USING (doc_id)  -- a report stored as several files counts once
LEFT JOIN latest_reviews lr USING (check_id)
WHERE c.rule IN ('ratio_percent', 'share_of_total', 'shares_exceed_total')
GROUP BY 1
ORDER BY inconsistent DESC, inconsistent_pct DESC, province;
