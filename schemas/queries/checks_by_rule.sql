-- title: Relations checked and mismatches by rule
-- description: For each kind of arithmetic relation (a/b = p %, parts adding to a total, shares of one
--   whole, the same figure stated twice, ...): how many were found, how many hold, how many do not,
--   how many could not be verified, and the review state of the mismatches; a report stored as
--   several files counts once.
-- example: duckdb corpus.duckdb < schemas/queries/checks_by_rule.sql
SELECT
    c.rule,
    count(*) AS relations_checked,
    count(*) FILTER (WHERE c.status = 'ok') AS ok,
    count(*) FILTER (WHERE c.status = 'mismatch') AS mismatches,
    count(*) FILTER (WHERE c.status = 'unverifiable') AS unverifiable,
    count(*) FILTER (WHERE c.status = 'mismatch' AND lr.decision = 'confirmed') AS confirmed,
    count(*) FILTER (WHERE c.status = 'mismatch' AND lr.decision = 'dismissed') AS dismissed,
    round(100.0 * count(*) FILTER (WHERE c.status = 'mismatch') / count(*), 1) AS mismatch_pct
FROM checks c
JOIN report_primary USING (doc_id)  -- a report stored as several files counts once
LEFT JOIN latest_reviews lr USING (check_id)
GROUP BY c.rule
ORDER BY mismatches DESC, relations_checked DESC, c.rule;
