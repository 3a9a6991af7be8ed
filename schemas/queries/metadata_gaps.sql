-- title: Documents with missing metadata
-- description: Reports whose number, date, issuer, province or signer was not found (blank in the
--   original or not recognised): the first thing to fix before comparing units or years.
-- example: duckdb corpus.duckdb < schemas/queries/metadata_gaps.sql
SELECT
    path, doc_id, doc_number, issuer, province, issued_date, issued_date_text, signer,
    concat_ws(', ',
        CASE WHEN doc_number IS NULL THEN 'doc_number' END,
        CASE WHEN issued_date IS NULL AND issued_date_text IS NULL THEN 'date'
             WHEN issued_date IS NULL THEN 'partial date' END,
        CASE WHEN issuer IS NULL THEN 'issuer' END,
        CASE WHEN province IS NULL THEN 'province' END,
        CASE WHEN signer IS NULL THEN 'signer' END) AS missing
FROM documents
WHERE doc_number IS NULL OR issued_date IS NULL OR issuer IS NULL OR province IS NULL OR signer IS NULL
ORDER BY path;
