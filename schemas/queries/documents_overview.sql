-- title: Documents at a glance
-- description: One row per stored file: number, issuer, province, date, pages, figures found, relations
--   checked and their verdicts, open mismatches, and the report_key shared by
--   the files of one report (a PDF, its DOCX, a scan). The starting table of an audit.
-- example: duckdb corpus.duckdb < schemas/queries/documents_overview.sql
SELECT
    d.doc_id, d.path, d.doc_number, d.doc_type, d.issuer, d.province,
    coalesce(CAST(d.issued_date AS VARCHAR), d.issued_date_text) AS issued,
    d.n_pages AS pages,
    (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id) AS figures,
    count(c.check_id) AS relations_checked,
    count(c.check_id) FILTER (WHERE c.status = 'ok') AS ok,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch') AS mismatches,
    count(c.check_id) FILTER (WHERE c.status = 'unverifiable') AS unverifiable,
    count(c.check_id) FILTER (WHERE c.status = 'mismatch' AND coalesce(lr.decision, '') <> 'dismissed')
        AS open_or_confirmed,
    coalesce(d.report_key, d.doc_id) AS report_key
FROM documents d
LEFT JOIN checks c USING (doc_id)
LEFT JOIN latest_reviews lr USING (check_id)
GROUP BY ALL
ORDER BY issued NULLS LAST, d.path;
