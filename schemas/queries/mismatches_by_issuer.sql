-- title: Mismatches by issuer
-- description: Per issuing body: reports and files, relations checked, mismatches (open, confirmed, dismissed)
--   and the share of checked relations that do not hold, each finding counted once per report (a
--   report stored as several files: documents.report_key). Who needs a word about their arithmetic?
-- example: duckdb corpus.duckdb < schemas/queries/mismatches_by_issuer.sql
SELECT
    coalesce(d.issuer, '(không rõ / unknown)') AS issuer,
    any_value(d.province) AS province,
    count(DISTINCT rp.report_key) AS reports,
    count(DISTINCT d.doc_id) AS documents,
    count(c.check_id) AS relations_checked,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch') AS mismatches,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch' AND lr.decision IS NULL) AS open,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch' AND lr.decision = 'confirmed') AS confirmed,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch' AND lr.decision = 'dismissed') AS dismissed,
    round(100.0 * count(c.check_id) FILTER (WHERE c.status = 'mismatch')
          / nullif(count(c.check_id), 0), 1) AS mismatch_pct
FROM documents d
LEFT JOIN report_primary rp USING (doc_id)
LEFT JOIN checks c ON c.doc_id = d.doc_id AND rp.doc_id IS NOT NULL  -- findings of one file per report
LEFT JOIN latest_reviews lr USING (check_id)
GROUP BY 1
ORDER BY mismatches DESC, relations_checked DESC, issuer;
